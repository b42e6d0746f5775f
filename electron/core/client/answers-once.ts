/**
 * What an exchange with the upstream (`WireExchange`, and `upgrade-attempt.ts`'s `Attempt`) shares: it answers its
 * caller once. The first answer wins (a response, or a retry's promised one) and stops the timeout; whatever comes
 * later (a timeout racing a reset, the client going away after the answer) is dropped.
 */
import type { Response } from '../message.ts'

export abstract class AnswersOnce {
  protected settled = false
  /** The timeout for the response head, if started. */
  protected timer: NodeJS.Timeout | undefined

  constructor(private readonly resolve: (res: Response | Promise<Response>) => void) {}

  protected settle(res: Response | Promise<Response>): void {
    if (this.settled) return
    this.settled = true
    this.stopTimer()
    this.resolve(res)
  }

  /** Stops the timeout for the response head. */
  protected stopTimer(): void {
    clearTimeout(this.timer)
  }
}
