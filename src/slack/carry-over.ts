// What a stop gave up on its way to Slack, kept in the state dir (slack-carry-over.json) for the next start to show again.
import fs from 'node:fs';
import path from 'node:path';
import type { Redo } from './outbox.js';

const fileName = 'slack-carry-over.json';

/** Keeps what to show again; nothing to keep leaves no file. A state dir that cannot take it loses only the repeat. */
export function saveCarryOver(stateDir: string, redo: readonly Redo[]): void {
  if (redo.length === 0) return;
  fs.writeFileSync(path.join(stateDir, fileName), `${JSON.stringify(redo)}\n`);
}

/** What the last stop left to show again, taken once: the file is removed as it is read. */
export function takeCarryOver(stateDir: string): Redo[] {
  const file = path.join(stateDir, fileName);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  fs.rmSync(file, { force: true });
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed.filter((r): r is Redo => typeof r === 'object' && r !== null && typeof (r as Redo).incident === 'string' && typeof (r as Redo).what === 'string') : [];
  } catch {
    return [];
  }
}
