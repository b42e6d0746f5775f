/**
 * Answers for exchanges the client itself cut short before the upstream answered: it went away (its connection
 * closed, its stream was reset) or its request body failed mid-upload. They are marked as made by Nanoscope with the
 * cause `client-aborted` and the status nginx logs for a client that closed its request (499), so the UI, the record
 * and the printers name the client, and no upstream is charged with a 5xx it never sent. Upstream failures stay in
 * `upstream-failure.ts`.
 */
import { generatedResponse, type Response } from '../message.ts'
import { PREMATURE_CLOSE } from '../wire/stream-plumbing.ts'
import { errorCode } from './upstream-failure.ts'

/** nginx's "client closed request": not in RFC 9110, and outside the 5xx an upstream is blamed for. */
export const CLIENT_CLOSED_REQUEST = 499

/** The answer to a request whose client went away before `where` answered (its signal aborted). */
export function clientGone(where: string): Response {
  return generatedResponse(CLIENT_CLOSED_REQUEST, 'client-aborted', `the client went away before ${where} answered`)
}

/**
 * The answer to a request whose own body failed while it was sent to `where`: the client left mid-upload (a reset
 * or close), or sent a body that is not valid HTTP (a 400, `bad-request`). Never the upstream's failure.
 */
export function requestBodyFailed(error: unknown, where: string): Response {
  const code = errorCode(error)
  const detail = error instanceof Error ? error.message : String(error)
  if (code?.startsWith('HPE_')) {
    // llhttp's errors say only "Parse Error"; what was wrong is in `reason`.
    const reason = (error as { reason?: unknown }).reason
    const why = typeof reason === 'string' && reason !== '' ? reason : detail
    return generatedResponse(400, 'bad-request', `the client's request body is not valid HTTP (${code}: ${why})`)
  }
  if (code === 'ECONNRESET' || code === PREMATURE_CLOSE)
    return generatedResponse(
      CLIENT_CLOSED_REQUEST,
      'client-aborted',
      `the client went away during its upload, before ${where} answered`,
    )
  return generatedResponse(
    CLIENT_CLOSED_REQUEST,
    'client-aborted',
    `the client's request body failed before ${where} answered: ${detail}${code ? ` (${code})` : ''}`,
  )
}
