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
 *
 * The proxy's own writes hold only while it is busy (`holdWritesIfBusy`): with one exchange at a time there is no
 * wake-up to share, and holding a lone response to the end of its turn only delayed it (about 20 µs of the latency a
 * proxy adds on one connection, `bench/pinned-bench.ts`'s one-connection cell).
 */
import type { Socket } from 'node:net'

const held: Socket[] = []
const before: Array<() => void> = []
let releaseScheduled = false
/** Sockets written this turn (a socket written again straight after counts once), and the last one. */
let written = 0
let lastWritten: Socket | undefined
/** Turns in a row that wrote to one socket at most. */
let lightTurns = 0
/** Holders (open recordings) that need every turn's writes held, so their records are written first. */
let holdEveryTurn = 0

/** After this many turns in a row that each wrote to one socket at most, the proxy's writes go straight out. */
export const LIGHT_TURNS_BEFORE_WRITING_THROUGH = 16

/**
 * Corks the socket now and uncorks it at the end of this turn; the writes made meanwhile go out as one. Each call
 * is one cork, released once. Beware: `end()` releases the cork early (Node flushes a corked stream it ends).
 */
export function holdWritesForTurn(socket: Socket): void {
  if (socket !== lastWritten) {
    lastWritten = socket
    written++
  }
  socket.cork()
  held.push(socket)
  scheduleRelease()
}

/**
 * As `holdWritesForTurn`, but only while the proxy is busy: a turn that has written to a second socket, the turn after
 * one that did, or any turn while something needs its work done before writes leave (`holdEveryTurnWhileOpen`). After
 * `LIGHT_TURNS_BEFORE_WRITING_THROUGH` turns in a row with one socket written at most, writes go straight out.
 */
export function holdWritesIfBusy(socket: Socket): void {
  if (
    lightTurns >= LIGHT_TURNS_BEFORE_WRITING_THROUGH &&
    holdEveryTurn === 0 &&
    (written === 0 || (written === 1 && socket === lastWritten))
  ) {
    lastWritten = socket
    written = 1
    scheduleRelease() // to count the turn
    return
  }
  holdWritesForTurn(socket)
}

/**
 * Every turn's writes are held until the returned function is called (once; later calls do nothing): for work that
 * must run before the writes that finish an exchange leave (`beforeHeldWritesLeave`), such as an open recording.
 */
export function holdEveryTurnWhileOpen(): () => void {
  holdEveryTurn++
  let open = true
  return () => {
    if (!open) return
    open = false
    holdEveryTurn--
  }
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
  lightTurns = written > 1 ? 0 : lightTurns + 1
  written = 0
  lastWritten = undefined
  for (const work of before.splice(0)) {
    try {
      work()
    } catch {
      // Not the writes' concern.
    }
  }
  for (const socket of held.splice(0)) socket.uncork()
}
