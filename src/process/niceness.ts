// Lowers the CPU priority of the calling thread: on Linux a thread's nice value is its own, and the threads and
// processes it starts inherit it, so the event loop that answers Slack comes first.
import os from 'node:os';

/** Sets the calling thread's niceness (0 leaves it as it is). A platform that refuses leaves it unchanged. */
export function lowerThreadPriority(niceness: number): void {
  if (niceness <= 0) return;
  try {
    os.setPriority(0, niceness);
  } catch {
    // Lowering one's own priority is always allowed on Linux; elsewhere the work just runs at the usual priority.
  }
}
