// Whether another process runs databox-bot itself (its bot or its CLI), read from its command line in /proc: its own
// read-only opens of the database (a diagnosis' probe and counts, a watcher's check) last a moment each, unlike a notebook's.
import fs from 'node:fs';
import path from 'node:path';

/**
 * Where a bot or CLI is started from: built (`node dist/src/main.js`, the Dockerfile's, `npm start`) or through tsx
 * (`npm run cli`: `node … src/cli.ts`). The folder before `src` (or `dist/src`) is the package's.
 */
const entryPoint = /^(.*?)(?:\/dist)?\/src\/(?:main|cli)\.[cm]?[jt]s$/;

/** The name in a folder's package.json, or undefined when it has none that reads. */
function packageNameIn(folder: string): string | undefined {
  try {
    const name: unknown = JSON.parse(fs.readFileSync(path.join(folder, 'package.json'), 'utf8')).name;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}

/**
 * True when `pid` runs databox-bot's bot or CLI, from any checkout: one of its arguments is one of those entry points
 * in a package named databox-bot. False when it cannot be told (another user's process, a PID gone): such a holder is
 * taken for what it looks like from outside.
 */
export function runsDatabox(pid: number): boolean {
  let args: string[];
  try {
    args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).slice(1);
  } catch {
    return false;
  }
  let cwd: string | undefined;
  try {
    cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    cwd = undefined;
  }
  return args.some((arg) => {
    const file = arg.startsWith('file://') ? new URL(arg).pathname : arg;
    if (!path.isAbsolute(file) && cwd === undefined) return false;
    const folder = entryPoint.exec(path.resolve(cwd ?? '/', file))?.[1];
    return folder !== undefined && packageNameIn(folder || '/') === 'databox-bot';
  });
}
