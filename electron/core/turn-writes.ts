/**
 * Holding a socket's writes until the end of this turn of the event loop, so that the writes of every exchange
 * answered in one turn leave together, at the turn's `setImmediate` (after all of its I/O callbacks).
 *
 * Why: writing to a socket whose reader is asleep wakes that process, and on a virtual machine the wake-up (an
 * interrupt to another CPU) costs the writer more than the write itself. Written as each exchange finishes, the
 * proxy's writes woke its client and its upstream over and over; written together, one wake-up serves the whole
 * turn. Measured with the bench's capture scenario: 10–25% fewer CPU microseconds per request, the system time
 * a quarter lower, and no worse p99. A response waits at most for the rest of its turn (microseconds when idle).
 */
import type { Socket } from 'node:net'

const held: Socket[] = []
let releaseScheduled = false

/**
 * Corks the socket now and uncorks it at the end of this turn; the writes made meanwhile go out as one. Each call
 * is one cork, released once. Beware: `end()` releases the cork early (Node flushes a corked stream it ends).
 */
export function holdWritesForTurn(socket: Socket): void {
  socket.cork()
  held.push(socket)
  if (!releaseScheduled) {
    releaseScheduled = true
    setImmediate(releaseHeldWrites)
  }
}

function releaseHeldWrites(): void {
  releaseScheduled = false
  const sockets = held.splice(0)
  for (const socket of sockets) socket.uncork()
}
