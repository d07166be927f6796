// How far into the journal the bot had shown other processes' work (a terminal's) when it last swept or stopped, kept
// in the state dir: at its next start, what a terminal did while it was down is shown from there (work-elsewhere.ts).
import fs from 'node:fs';
import path from 'node:path';

const fileName = 'slack-shown-through.json';

/** The journal byte offset saved last, or undefined when none was (a first start, or a file that does not read). */
export function readShownThrough(stateDir: string): number | undefined {
  try {
    const { offset } = JSON.parse(fs.readFileSync(path.join(stateDir, fileName), 'utf8')) as { offset?: unknown };
    return typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0 ? offset : undefined;
  } catch {
    return undefined;
  }
}

/** Saves `offset` whole or not at all (a temporary file renamed over the last). */
export function saveShownThrough(stateDir: string, offset: number): void {
  const file = path.join(stateDir, fileName);
  const temporary = `${file}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify({ offset }));
  fs.renameSync(temporary, file);
}
