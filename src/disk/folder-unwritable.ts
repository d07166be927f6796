// A folder a plan's step writes a file into that this process may not write (another OS account's, mode 0755): found
// before the plan is proposed and again right before it runs, so it is refused with nothing run rather than stopped part-way.
import fs from 'node:fs';
import path from 'node:path';
import { accountName } from './account-name.js';

/** The folder written when `file` is made: its own, or the nearest one above it that is there (mkdir -p writes into that). */
export function folderWrittenFor(file: string): string {
  let at = path.dirname(path.resolve(file));
  while (!fs.existsSync(at) && path.dirname(at) !== at) at = path.dirname(at);
  return at;
}

/** An account as `sudo -u` takes it: its name, or #uid where it has none. */
const sudoUser = (uid: number) => accountName(uid) ?? `'#${uid}'`;

const accountSaid = (uid: number) => {
  const name = accountName(uid);
  return name ? `${name} (uid ${uid})` : `uid ${uid}`;
};

/**
 * Why this process may not write into `folder` (its owner, mode and what to do), or undefined when it may. Only a
 * permission: a read-only file system is said by the step that meets it, with what to do about that.
 */
export function folderUnwritable(folder: string): string | undefined {
  try {
    fs.accessSync(folder, fs.constants.W_OK | fs.constants.X_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM') return undefined;
  }
  const stat = fs.statSync(folder);
  const mode = (stat.mode & 0o7777).toString(8).padStart(4, '0');
  const self = process.getuid?.() ?? -1;
  return (
    `${folder} (owned by ${accountSaid(stat.uid)}, mode ${mode}) cannot be written by this process (${accountSaid(self)}). ` +
    `Run the CLI as the one OS user the bot runs as, so that every operator writes as that account (\`sudo -u ${sudoUser(stat.uid)} npm run --silent cli -- …\`, if ${accountName(stat.uid) ?? `uid ${stat.uid}`}, who owns this folder, is that user)`
  );
}
