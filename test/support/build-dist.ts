// Vitest's global setup: builds dist/ once, as `npm start` does, so the tests that start the CLI or the bot as a process
// run the JavaScript an operator runs, and each start skips compiling TypeScript (about 0.6 s and a second of CPU).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const projectRoot = path.resolve(import.meta.dirname, '..', '..');
/**
 * Set in this (vitest's main) process once dist/ is built: vitest runs the global setup of the root project and of each
 * project with tests in the run, one after another, and one build serves them all (each took seconds of CPU before any
 * test could start).
 */
const built = Symbol.for('databox-bot.test.dist-built');

/** What `npm start` checks before it builds (scripts/build-record.mjs): undefined when dist/ is the finished build of the sources as they are. */
async function buildProblem(): Promise<unknown> {
  const record = (await import(pathToFileURL(path.join(projectRoot, 'scripts', 'build-record.mjs')).href)) as { buildProblem(folder: string): unknown };
  return record.buildProblem(projectRoot);
}

export default async function buildDist(): Promise<void> {
  const done = globalThis as { [built]?: true };
  if (done[built]) return;
  // A dist/ already built from these very sources (and tsconfigs) is used as it is, as `npm start` uses it: the build is
  // 6 to 7 s of CPU before any test starts, on every run of a single file too. Anything changed, missing or cut short
  // since is built again.
  // As `npm run build` does: tsc, then the record of a finished build `npm start` checks (scripts/build-record.mjs).
  if ((await buildProblem()) !== undefined) {
    execFileSync(process.execPath, [path.join(projectRoot, 'scripts', 'build.mjs')], { cwd: projectRoot, stdio: 'inherit' });
  }
  done[built] = true;
}
