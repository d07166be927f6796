// What a symbolic link at a database's path leads to, and the one way to say what an operator does about it.
import fs from 'node:fs';

/** The file a symbolic link at `file` leads to, followed to the end; undefined when it is no link, or leads nowhere. */
export function linkTargetOf(file: string): string | undefined {
  try {
    return fs.lstatSync(file).isSymbolicLink() ? fs.realpathSync(file) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A recovery moves the file at the path; through a link it would move the link and leave the file. What to do instead,
 * said the same in the diagnosis (before any path is chosen) and in the refusal of a plan.
 */
export function pointAtTheFile(target: string): string {
  // Said alike to the bot and the terminal: the bot reads the setting when it starts, the CLI at each command.
  return `set DATABOX_DATABASE_PATH to ${target} itself (a running bot reads it when it starts), and diagnose again (\`/databox diagnose duckdb\`)`;
}
