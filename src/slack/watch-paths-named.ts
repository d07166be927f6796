// What the watchers say, as Slack shows it: the database by its file, the state dir by name, no server path left.
import path from 'node:path';

/** The disk watcher's words for a path that is not there, naming the folder whose volume it measured instead. */
const measuredInstead = /\(not there: measured the volume holding (\/[^()]*?) instead\)/g;

/**
 * The watchers' words keep the paths for the terminal, the logs and the journal; in Slack the database is named by its
 * file, the state dir as "the state dir", and a folder the disk watcher measured in place of a missing path (which can
 * be any folder above it) as the folder above it.
 */
export function watchPathsNamed(databasePath: string, stateDir: string): (text: string) => string {
  // MotherDuck's lock key, md:<db>, is its name already.
  const databaseFile = path.basename(databasePath);
  return (text) =>
    // The measured folder first: it may lie inside the state dir, and is said as the folder above, whichever it is.
    text
      .split(databasePath)
      .join(databaseFile)
      .replace(measuredInstead, '(not there: measured the volume of the nearest folder above it instead)')
      .split(stateDir)
      .join('the state dir');
}
