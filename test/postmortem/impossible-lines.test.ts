// Lines a keyless hash chain cannot catch (appended with valid hashes, the head rewritten: the chain holds) but the bot
// could never have written: the postmortem names each, at the top and in its timeline entry, and `journal verify` fails.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { fixtureRoot } from '../fixtures/scenario1.js';
import { forgedIncident as incident, forgedJournal } from '../helpers/forged-journal.js';
import { loadRunbooks } from '../../src/runbook/load.js';
import { writePostmortem } from '../../src/postmortem/write-postmortem.js';
import { journalCommand } from '../../src/terminal/journal-command.js';

const temps: string[] = [];
afterAll(() => temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

const runbooks = loadRunbooks(path.resolve(import.meta.dirname, '..', '..', 'runbooks'));

it('names an approval of a plan already decided and one of another hash; a self-approval of a destructive plan is one to check, or none when its line says the setting allowed it', () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'impossible-lines-'));
  temps.push(stateDir);
  // Forged the only way a keyless chain allows: each line hashed and chained, the head rewritten to the last.
  const { forge, write, proposal, planHash } = forgedJournal();
  forge('run.approved', 'U0BOSS', { runId: `${incident}/2`, hash: planHash });
  forge('run.proposed', 'terminal:alice', { runId: `${incident}/7`, run: { ...proposal.data.run, id: `${incident}/7` } });
  forge('run.approved', 'terminal:alice', { runId: `${incident}/7`, hash: planHash });
  forge('run.proposed', 'terminal:alice', { runId: `${incident}/8`, run: { ...proposal.data.run, id: `${incident}/8` } });
  forge('run.approved', 'terminal:bob', { runId: `${incident}/8`, hash: 'f'.repeat(64) });
  // As the bot writes a self-approval with DATABOX_ALLOW_SELF_APPROVAL on.
  forge('run.proposed', 'terminal:carol', { runId: `${incident}/9`, run: { ...proposal.data.run, id: `${incident}/9` } });
  forge('run.approved', 'terminal:carol', { runId: `${incident}/9`, hash: planHash, selfApprovalAllowed: true });
  write(stateDir);
  // The chain holds, but `journal verify` names the same two lines as the postmortem below.
  let out = '';
  expect(journalCommand(['journal', 'verify'], { env: { DATABOX_STATE_DIR: stateDir }, stdout: { write: (text: string) => (out += text) }, stderr: { write: (text: string) => (out += text) } })).toBe(1);
  expect(out.match(/^ {2}line \d+, incident \S+: an approval.*$/gm)?.map((line) => /^ {2}line (\d+)/.exec(line)?.[1])).toEqual(['90', '94']);

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
