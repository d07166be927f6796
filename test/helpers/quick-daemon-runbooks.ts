// The bundled runbooks with the Dagster daemon's start settling for 1 s, not its default 5: a stand-in daemon stays up or
// exits at once, so a test that starts one has nothing to wait the 5 s for.
import fs from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import { bundledRunbooksDir } from '../../src/config.js';

let made: string | undefined;

/** A folder named runbooks (as the bundled one is), made once per test process in the run's folder for built files. */
export function quickDaemonStartRunbooks(): string {
  if (made) return made;
  const dir = path.join(inject('builtDatabasesDir'), `${process.pid}-quick-daemon-start`, 'runbooks');
  fs.mkdirSync(dir, { recursive: true });
  for (const name of fs.readdirSync(bundledRunbooksDir)) {
    const text = fs.readFileSync(path.join(bundledRunbooksDir, name), 'utf8');
    const step = /^( +)kind: dagster-daemon-start\n/gm;
    const edited = text.replace(step, (line, indent: string) => `${line}${indent}settle: 1s\n`);
    if (name === 'schedule.yml' && (text.match(step) ?? []).length !== 1) throw new Error(`expected one dagster-daemon-start step in ${name}`);
    fs.writeFileSync(path.join(dir, name), edited);
  }
  made = dir;
  return dir;
}
