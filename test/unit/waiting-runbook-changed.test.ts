// Which waiting plans the bot notes at its start as made with another version of their runbook, once per version, taken back when the runbook is theirs again.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IncidentState, type Incident, type Run } from '../../src/incidents/state.js';
import { waitingPlansToNote, waitingRunbookChangedWords, type WaitingRunbookChanged } from '../../src/incidents/waiting-runbook-changed.js';
import type { JournalRecord } from '../../src/journal/record.js';
import { checkRunbookText } from '../../src/runbook/load.js';
import type { Runbook } from '../../src/runbook/schema.js';
import { waitingRunbookChangedEntry } from '../../src/postmortem/runbook-versions.js';
import { projectRoot } from '../helpers/cli-process.js';
import { pendingPlan } from '../helpers/pending-plan.js';

const original = fs.readFileSync(path.join(projectRoot, 'runbooks', 'duckdb.yml'), 'utf8');
const edited = original.replace('title: Back up the broken file for forensics', 'title: Back up the broken file (edited)');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waiting-runbook-changed-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function runbooks(text: string): ReadonlyMap<string, Runbook> {
  const checked = checkRunbookText(text, path.join(dir, 'duckdb.yml'));
  if (!checked.ok) throw new Error(checked.problems.join('\n'));
  return new Map([['duckdb', checked.runbook]]);
}

function stateWith(run: Run): IncidentState {
  const state = new IncidentState();
  state.incidents.set(run.incidentId, { id: run.incidentId, scenario: 'duckdb', runs: [run] } as unknown as Incident);
  state.runs.set(run.id, run);
  return state;
}

const noted = (run: Run, note: WaitingRunbookChanged): JournalRecord => ({ seq: 9, at: '2026-12-03T23:00:00.000Z', type: 'run.runbook-changed', incident: run.incidentId, actor: 'databox-bot', data: { runId: run.id, ...note }, prev: '', hash: '' });

describe('waiting plans made with another version of their runbook', () => {
  it('notes a waiting plan once per version loaded, and takes the note back when the runbook is its own version again', () => {
    const run = pendingPlan({ runbookSha256: sha256(original) });
    const state = stateWith(run);
    expect(waitingPlansToNote(state, runbooks(original), dir), 'the same version: nothing to say').toEqual([]);

    const notes = waitingPlansToNote(state, runbooks(edited), dir);
    expect(notes.map(({ run: which, note }) => [which.id, note])).toEqual([[run.id, { file: 'duckdb.yml', proposedWith: sha256(original), loadedNow: sha256(edited) }]]);
    state.apply(noted(run, notes[0]!.note));
    expect(run.runbookChangedWhileWaiting).toEqual(notes[0]!.note);
    expect(waitingPlansToNote(state, runbooks(edited), dir), 'noted already, against this version').toEqual([]);

    const back = waitingPlansToNote(state, runbooks(original), dir);
    expect(back.map(({ note }) => note)).toEqual([{ file: 'duckdb.yml', proposedWith: sha256(original), loadedNow: sha256(original) }]);
    state.apply(noted(run, back[0]!.note));
    expect(run.runbookChangedWhileWaiting).toBeUndefined();
    expect(waitingPlansToNote(state, runbooks(original), dir)).toEqual([]);
  });

  it("says an approval will be refused when the plan's path is gone from the runbook", () => {
    const run = pendingPlan({ pathId: 'r', runbookSha256: sha256(original) });
    const [first] = waitingPlansToNote(stateWith(run), runbooks(edited), dir);
    expect(first?.note.pathGone).toBe(true);
    expect(waitingRunbookChangedWords(run, first!.note)).toBe(
      `Its runbook duckdb.yml has changed since this plan was made (sha256:${sha256(original).slice(0, 12)} then, sha256:${sha256(edited).slice(0, 12)} now, loaded at the bot's start) and no longer has path R, which this plan is for: an approval will be refused and nothing of it run. Propose it again from the runbook as it is now.`,
    );
  });

  it('a plan made from another copy of the runbooks: names both files instead of saying the runbook changed, read back from its line as noted', () => {
    const otherCopy = path.join(dir, 'elsewhere', 'duckdb.yml');
    const run = pendingPlan({ runbookSha256: sha256(edited), runbookPath: otherCopy });
    const state = stateWith(run);
    const [first] = waitingPlansToNote(state, runbooks(original), dir);
    const file = path.join(dir, 'duckdb.yml');
    expect(first?.note).toEqual({ file: 'duckdb.yml', proposedWith: sha256(edited), loadedNow: sha256(original), proposedFrom: otherCopy, loadedFrom: file });
    expect(waitingRunbookChangedWords(run, first!.note)).toBe(
      `This plan was made from another copy of the runbooks (${otherCopy}; this one is ${file}), its runbook at sha256:${sha256(edited).slice(0, 12)} there, sha256:${sha256(original).slice(0, 12)} here, loaded at the bot's start: approved, this plan runs the steps shown here, as they were made, not this copy's steps. For those, propose it again.`,
    );
    state.apply(noted(run, first!.note));
    expect(run.runbookChangedWhileWaiting).toEqual(first!.note);
    expect(waitingRunbookChangedEntry('plan', { runId: run.id, ...first!.note })).toBe(
      `The bot, started with ${file} at sha256:${sha256(original).slice(0, 12)}, said on the waiting plan that the plan was made from another copy of the runbooks (${otherCopy}, at sha256:${sha256(edited).slice(0, 12)}): approved, it would run the steps as proposed`,
    );
  });

  it('leaves alone a plan decided, one not needing approval, and one journaled before versions were recorded', () => {
    for (const run of [pendingPlan({ runbookSha256: sha256(original), status: 'approved' }), pendingPlan({ runbookSha256: sha256(original), needsApproval: false }), pendingPlan()]) {
      expect(waitingPlansToNote(stateWith(run), runbooks(edited), dir)).toEqual([]);
    }
  });
});
