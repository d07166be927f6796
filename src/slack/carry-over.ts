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
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // A state dir that no longer takes a removal: shown again at the next start too, which is better than never.
  }
  try {
    const parsed: unknown = JSON.parse(text);
    const redo = Array.isArray(parsed) ? parsed.filter((r): r is Redo => typeof r === 'object' && r !== null && typeof (r as Redo).incident === 'string' && typeof (r as Redo).what === 'string') : [];
    // A run's end (its verdict, its failure) shows its message too: shown once, by the end.
    const ended = new Set(redo.filter((r) => r.what === 'verdict' || r.what === 'failure').map((r) => r.run));
    return redo.filter((r) => !(r.what === 'run' && ended.has(r.run)));
  } catch {
    return [];
  }
}
