// What a watcher says, as Slack shows it: the database named by its file, as Slack's other messages name it, the server's paths kept out.
import path from 'node:path';

/**
 * Each mention of the database's lock key (the local file's path) becomes its file's name; MotherDuck's lock key,
 * md:<db>, is its name already. The watcher's own words keep the path for the terminal, the logs and the journal.
 */
export function databaseNamedByFile(lockKey: string): (text: string) => string {
  const name = path.basename(lockKey);
  return (text) => text.split(lockKey).join(name);
}
