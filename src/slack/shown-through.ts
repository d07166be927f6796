// How far into the journal the bot had shown other processes' work (a terminal's) when it last swept or stopped, kept
// in the state dir with what it had noted but not shown yet: at its next start, what a terminal did while it was down
// is shown from there (work-elsewhere.ts).
import fs from 'node:fs';
import path from 'node:path';
import type { Noted } from './work-elsewhere.js';

const fileName = 'slack-shown-through.json';

export interface ShownThrough {
  /** The journal byte offset read through: the end of a line. */
  offset: number;
  /** That line's hash: a journal replaced since (restored from a backup, say) does not have it there. */
  hash: string;
  /** What was noted of another process's work and not shown yet when it was saved. */
  held: Noted[];
}

/** What was saved last, or undefined when nothing was (a first start) or the file does not read as one. */
export function readShownThrough(stateDir: string): ShownThrough | undefined {
  try {
    const saved = JSON.parse(fs.readFileSync(path.join(stateDir, fileName), 'utf8')) as Partial<ShownThrough>;
    if (typeof saved.offset !== 'number' || !Number.isSafeInteger(saved.offset) || saved.offset < 0 || typeof saved.hash !== 'string') return undefined;
    return { offset: saved.offset, hash: saved.hash, held: Array.isArray(saved.held) ? saved.held : [] };
  } catch {
    return undefined;
  }
}

/** Saves `shown` whole or not at all (a temporary file renamed over the last). */
export function saveShownThrough(stateDir: string, shown: ShownThrough): void {
  const file = path.join(stateDir, fileName);
  const temporary = `${file}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(shown));
  fs.renameSync(temporary, file);
}
