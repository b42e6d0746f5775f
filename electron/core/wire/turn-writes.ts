/**
 * Holding a socket's writes until the end of this turn of the event loop, so that the writes of every exchange
 * answered in one turn leave together, at the turn's `setImmediate` (after all of its I/O callbacks).
 *
 * Why: writing to a socket whose reader is asleep wakes that process, and on a virtual machine the wake-up (an
 * interrupt to another CPU) costs the writer more than the write itself. Written as each exchange finishes, the
 * proxy's writes woke its client and its upstream over and over; written together, one wake-up serves the whole
 * turn. Measured with the bench's capture scenario: 10–25% fewer CPU microseconds per request, the system time
 * a quarter lower, and no worse p99. A response waits at most for the rest of its turn (microseconds when idle).
 *
 * Work that must be done before any of the turn's held writes leave (the recorder writing the records of the
 * exchanges those writes finish) is registered with `beforeHeldWritesLeave`.
 */
import type { Socket } from 'node:net'

const held: Socket[] = []
const before: Array<() => void> = []
let releaseScheduled = false

/**
 * Corks the socket now and uncorks it at the end of this turn; the writes made meanwhile go out as one. Each call
 * is one cork, released once. Beware: `end()` releases the cork early (Node flushes a corked stream it ends).
 */
export function holdWritesForTurn(socket: Socket): void {
  socket.cork()
  held.push(socket)
  scheduleRelease()
}

/**
 * Runs `work` once at the end of this turn, before the writes held this turn (and any held later in the turn)
 * are released. What it throws is its own: it is swallowed, and the writes still leave.
 */
export function beforeHeldWritesLeave(work: () => void): void {
  before.push(work)
  scheduleRelease()
}

function scheduleRelease(): void {
  if (!releaseScheduled) {
    releaseScheduled = true
    setImmediate(releaseHeldWrites)
  }
}

function releaseHeldWrites(): void {
  releaseScheduled = false
  for (const work of before.splice(0)) {
    try {
      work()
    } catch {
      // Not the writes' concern.
    }
  }
  for (const socket of held.splice(0)) socket.uncork()
}
