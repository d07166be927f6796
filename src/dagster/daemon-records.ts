// The daemons this bot started, one small file each under <state dir>/daemons/: a retried start must not add a second beside one still running.
import fs from 'node:fs';
import path from 'node:path';
import { identityOf, liveness, type ProcessIdentity } from '../process/identity.js';

interface StartedDaemon extends ProcessIdentity {
  startedAt: string;
  logFile: string;
  incidentId: string;
}

const suffix = '.started.json';

/** Notes a daemon just started (beside its log), so a later start can find it while it still runs. */
export function recordStartedDaemon(logFile: string, pid: number, startedAt: string, incidentId: string): void {
  const record: StartedDaemon = { ...identityOf(pid), startedAt, logFile, incidentId };
  fs.writeFileSync(`${logFile.replace(/\.log$/, '')}${suffix}`, `${JSON.stringify(record)}\n`);
}

/** A daemon this bot started that still runs (same PID and start time), the newest first; undefined when none does. */
export function startedDaemonStillRunning(daemonsDir: string): StartedDaemon | undefined {
  let names: string[];
  try {
    names = fs.readdirSync(daemonsDir).filter((name) => name.endsWith(suffix));
  } catch {
    return undefined;
  }
  const running = names
    .flatMap((name) => {
      try {
        return [JSON.parse(fs.readFileSync(path.join(daemonsDir, name), 'utf8')) as StartedDaemon];
      } catch {
        return [];
      }
    })
    .filter((record) => liveness(record) === 'alive');
  return running.sort((a, b) => b.startedAt.localeCompare(a.startedAt))[0];
}
