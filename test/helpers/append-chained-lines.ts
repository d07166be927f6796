// Appends lines to a bot's own journal by hand, hashed and linked onto its last line a second apart, the head moved on with them, so the chain holds.
import fs from 'node:fs';
import { writeHead } from '../../src/journal/head.js';
import { serialize, type JournalRecord } from '../../src/journal/record.js';

export interface HandWrittenLine {
  type: string;
  incident: string | null;
  actor: string;
  data: Record<string, unknown>;
}

export function appendChainedLines(journal: string, entries: readonly HandWrittenLine[]): void {
  const text = fs.readFileSync(journal, 'utf8');
  let last = JSON.parse(text.trimEnd().split('\n').at(-1) as string) as JournalRecord;
  const lines: string[] = [];
  for (const entry of entries) {
    const { line, record } = serialize({ seq: last.seq + 1, at: new Date(Date.parse(last.at) + 1000).toISOString(), ...entry, prev: last.hash });
    lines.push(line);
    last = record;
  }
  fs.appendFileSync(journal, lines.join(''));
  writeHead(journal, last);
}
