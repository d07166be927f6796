// Scenario 1's journal with lines appended as a keyless chain allows anyone who can write the state dir: each line
// hashed and chained, the head rewritten to the last, so the chain holds.
import fs from 'node:fs';
import path from 'node:path';
import { fixtureJournal } from '../fixtures/scenario1.js';
import { writeHead } from '../../src/journal/head.js';
import { serialize, type JournalRecord } from '../../src/journal/record.js';

/** Scenario 1's incident, whose second plan (`${forgedIncident}/2`) was proposed and approved. */
export const forgedIncident = 'dbx-20260420-bec8';

export interface ForgedJournal {
  /** Appends one line of `forgedIncident`, hashed and chained onto the last. */
  forge(type: string, actor: string, data: Record<string, unknown>): void;
  /** Writes the journal, with its head, to `stateDir`. */
  write(stateDir: string): void;
  /** The proposal of `${forgedIncident}/2`, whose run a forged plan copies. */
  proposal: JournalRecord<{ run: Record<string, unknown> }>;
  /** Its plan's hash. */
  planHash: string;
}

export function forgedJournal(): ForgedJournal {
  const lines = fs.readFileSync(fixtureJournal, 'utf8').trimEnd().split('\n');
  const records = lines.map((line) => JSON.parse(line) as JournalRecord);
  const proposal = records.find((record) => record.type === 'run.proposed' && (record.data as { runId: string }).runId === `${forgedIncident}/2`) as JournalRecord<{ run: Record<string, unknown> }>;
  let last = records.at(-1) as JournalRecord;
  return {
    forge(type, actor, data) {
      const next = serialize({ seq: last.seq + 1, at: '2026-04-20T07:10:00.000Z', type, incident: forgedIncident, actor, data, prev: last.hash });
      lines.push(next.line.trimEnd());
      last = next.record;
    },
    write(stateDir) {
      const file = path.join(stateDir, 'journal.jsonl');
      fs.writeFileSync(file, `${lines.join('\n')}\n`);
      writeHead(file, last);
    },
    proposal,
    planHash: String(proposal.data.run.hash),
  };
}
