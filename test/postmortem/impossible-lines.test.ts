// Lines a keyless hash chain cannot catch (appended with valid hashes, the head rewritten: `journal verify` says OK)
// but the bot could never have written: the postmortem names each, at the top and in its timeline entry.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { fixtureJournal, fixtureRoot } from '../fixtures/scenario1.js';
import { writeHead } from '../../src/journal/head.js';
import { serialize, type JournalRecord } from '../../src/journal/record.js';
import { loadRunbooks } from '../../src/runbook/load.js';
import { writePostmortem } from '../../src/postmortem/write-postmortem.js';
import { journalCommand } from '../../src/terminal/journal-command.js';

const temps: string[] = [];
afterAll(() => temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

const runbooks = loadRunbooks(path.resolve(import.meta.dirname, '..', '..', 'runbooks'));
const incident = 'dbx-20260420-bec8';

it('names an approval of a plan already decided and one of another hash; a self-approval of a destructive plan is one to check, or none when its line says the setting allowed it', () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'impossible-lines-'));
  temps.push(stateDir);
  const file = path.join(stateDir, 'journal.jsonl');
  const lines = fs.readFileSync(fixtureJournal, 'utf8').trimEnd().split('\n');
  const records = lines.map((line) => JSON.parse(line) as JournalRecord);
  const proposal = records.find((record) => record.type === 'run.proposed' && (record.data as { runId: string }).runId === `${incident}/2`) as JournalRecord<{ run: Record<string, unknown> }>;
  const planHash = String(proposal.data.run.hash);
  // Forged the only way a keyless chain allows: each line hashed and chained, the head rewritten to the last.
  let last = records.at(-1) as JournalRecord;
  const forge = (type: string, actor: string, data: Record<string, unknown>) => {
    const next = serialize({ seq: last.seq + 1, at: '2026-04-20T07:10:00.000Z', type, incident, actor, data, prev: last.hash });
    lines.push(next.line.trimEnd());
    last = next.record;
  };
  forge('run.approved', 'U0BOSS', { runId: `${incident}/2`, hash: planHash });
  forge('run.proposed', 'terminal:alice', { runId: `${incident}/7`, run: { ...proposal.data.run, id: `${incident}/7` } });
  forge('run.approved', 'terminal:alice', { runId: `${incident}/7`, hash: planHash });
  forge('run.proposed', 'terminal:alice', { runId: `${incident}/8`, run: { ...proposal.data.run, id: `${incident}/8` } });
  forge('run.approved', 'terminal:bob', { runId: `${incident}/8`, hash: 'f'.repeat(64) });
  // As the bot writes a self-approval with DATABOX_ALLOW_SELF_APPROVAL on.
  forge('run.proposed', 'terminal:carol', { runId: `${incident}/9`, run: { ...proposal.data.run, id: `${incident}/9` } });
  forge('run.approved', 'terminal:carol', { runId: `${incident}/9`, hash: planHash, selfApprovalAllowed: true });
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  writeHead(file, last);
  let out = '';
  expect(journalCommand(['journal', 'verify'], { env: { DATABOX_STATE_DIR: stateDir }, stdout: { write: (text: string) => (out += text) }, stderr: { write: (text: string) => (out += text) } })).toBe(0);

  const markdown = writePostmortem({ stateDir, runbooks, root: fixtureRoot, incidentId: incident, writtenAt: new Date('2026-04-21T00:00:00Z') }).markdown;
  expect(markdown).toContain(
    `> **Warning: lines the bot could never have written**: line 90, an approval of a plan already approved; ` +
      `line 94, an approval naming plan hash ffffffff, not the plan's (${planHash.slice(0, 8)}): impossible for the bot: written by hand? ` +
      `The hash chain holds whoever wrote a line; compare with the incident's thread.`,
  );
  const approvalBy = (name: string) => markdown.split('\n').find((line) => line.includes(name) && line.includes('**approved**'));
  expect(approvalBy('U0BOSS')).toMatch(/_\(an approval of a plan already approved: impossible for the bot: written by hand\?\)_$/);
  // Written before approvals recorded the setting: the bot wrote it only with DATABOX_ALLOW_SELF_APPROVAL on.
  expect(approvalBy('alice')).toMatch(/_\(a self-approval: allowed only if DATABOX_ALLOW_SELF_APPROVAL was on; check\)_$/);
  expect(approvalBy('carol')).not.toMatch(/_\(/);
});
