// Whether a process with this PID is still running (signal 0 probes without touching it). A zombie, which has exited
// and waits only for its parent to collect it, is not: on a busy host that can take a while for an orphan.
import fs from 'node:fs';

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !exited(pid);
}

/** Linux: the state in /proc/<pid>/stat (after the command name in parentheses) is Z or X once the process has exited. */
function exited(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X';
  } catch {
    // Gone since signal 0 found it, where there is a /proc; without one, signal 0 had the last word.
    return fs.existsSync('/proc/self/stat');
  }
}
