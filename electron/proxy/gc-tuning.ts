/**
 * V8 settings for a process that proxies traffic, applied once at start by every entry point that serves
 * (the CLI, the desktop shell, the benchmark's proxy processes).
 *
 * **Allocation-site pretenuring is turned off.** V8 watches where objects are allocated and, when most objects
 * from one site outlive a young-generation collection (as they do while the process warms up), allocates that
 * site's later objects straight into the old generation. For a proxy that is the wrong bet: a stream or request
 * allocated old points at the young objects of its own exchange, and the young-generation collector treats every
 * old-to-young pointer as live, even from an old object that is already garbage. So once a few sites were
 * pretenured, whole exchanges were kept and promoted long after they ended: `node --trace-gc-nvp` showed about
 * 2 MB promoted per scavenge and 4–7 ms pauses, against nothing promoted and under 1 ms without it, and the
 * proxy's CPU per request rose by a quarter. Whether it happened depended on timing during warm-up, which is
 * why the same benchmark gave two different answers from run to run.
 *
 * Beware: V8 reads this flag as it collects, so it must be set before traffic starts; setting it later only
 * stops new decisions.
 */
import { setFlagsFromString } from 'node:v8'

let tuned = false

export function tuneGarbageCollection(): void {
  if (tuned) return
  tuned = true
  setFlagsFromString('--no-allocation-site-pretenuring')
}
