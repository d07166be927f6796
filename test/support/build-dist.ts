// Vitest's global setup: builds dist/ once, as `npm start` does, so the tests that start the CLI or the bot as a process
// run the JavaScript an operator runs, and each start skips compiling TypeScript (about 0.6 s and a second of CPU).
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const projectRoot = path.resolve(import.meta.dirname, '..', '..');
/**
 * Set in this (vitest's main) process once dist/ is built: vitest runs the global setup of the root project and of each
 * project with tests in the run, one after another, and one build serves them all (each took seconds of CPU before any
 * test could start).
 */
const built = Symbol.for('databox-bot.test.dist-built');

export default function buildDist(): void {
  const done = globalThis as { [built]?: true };
  if (done[built]) return;
  // As `npm run build` does: tsc, then the record of a finished build `npm start` checks (scripts/build-record.mjs).
  execFileSync(process.execPath, [path.join(projectRoot, 'scripts', 'build.mjs')], { cwd: projectRoot, stdio: 'inherit' });
  done[built] = true;
}
