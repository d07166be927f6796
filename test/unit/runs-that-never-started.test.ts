// A run that will never start ends on the record with why (src/incidents/restart-pickup.ts, state.ts): an approved plan,
// or a read-only run (a diagnosis) proposed and not begun; a plan nobody decided, or a run under way, is left as it is.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { planHash } from '../../src/engine/resolve.js';
import { interruptIfNotStarted } from '../../src/incidents/restart-pickup.js';
import { Checkout } from '../helpers/databox-checkout.js';
import { openEngine } from '../helpers/engine.js';
import { IncidentState } from '../../src/incidents/state.js';
import { Journal } from '../../src/journal/journal.js';
import { decisionLine } from '../../src/slack/blocks.js';

const dirs: string[] = [];
const checkouts: Checkout[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  for (const checkout of checkouts.splice(0)) checkout.remove();
});

const incident = 'dbx-20261201-0b0b';

/** A journal and the state it feeds, with one incident and a run of `kind` proposed. */
function proposed(kind: 'diagnosis' | 'recovery'): { journal: Journal; state: IncidentState; runId: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'never-started-'));
  dirs.push(dir);
  const journal = new Journal(dir);
  const state = new IncidentState();
  journal.onRecord((record) => state.apply(record));
  journal.load();
  journal.append({ type: 'incident.opened', incident, actor: 'U0OPERATOR', data: { scenario: 'duckdb', title: 'Blown DuckDB file', origin: 'slack' } });
  const runId = `${incident}/1`;
  const needsApproval = kind === 'recovery';
  const run = { id: runId, kind, title: kind, steps: [], hash: planHash([], []), lockKey: '/data/databox.duckdb', params: {}, needsApproval, destructive: needsApproval, mutates: needsApproval };
  journal.append({ type: 'run.proposed', incident, actor: 'U0OPERATOR', data: { runId, run } });
  return { journal, state, runId };
}

describe('a run that will never start', () => {
  it('is interrupted when it is a diagnosis that never began, and keeps why', () => {
    const { journal, state, runId } = proposed('diagnosis');
    interruptIfNotStarted(journal, state, runId, ['refused: databox.duckdb is held by plan dbx-x/2, requested by ', { actor: 'U0OTHER' }]);
    const run = state.runs.get(runId)!;
    expect(run).toMatchObject({ status: 'interrupted', endReason: ['refused: databox.duckdb is held by plan dbx-x/2, requested by ', { actor: 'U0OTHER' }] });
    // The journal says it in plain text for every reader, and keeps the person as data: Slack mentions them.
    const line = JSON.parse(fs.readFileSync(journal.file, 'utf8').trim().split('\n').at(-1)!);
    expect(line.data.reason).toBe('refused: databox.duckdb is held by plan dbx-x/2, requested by U0OTHER');
    expect(decisionLine(run)).toBe(':electric_plug: Not started: refused: databox.duckdb is held by plan dbx-x/2, requested by <@U0OTHER>. Nothing of it ran; propose it again.');
  });

  it('is interrupted when it is an approved plan', () => {
    const { journal, state, runId } = proposed('recovery');
    journal.append({ type: 'run.approved', incident, actor: 'U0TEAMMATE', data: { runId, hash: planHash([], []) } });
    interruptIfNotStarted(journal, state, runId, ['the queue is full']);
    expect(state.runs.get(runId)).toMatchObject({ status: 'interrupted', endReason: ['the queue is full'] });
  });

  it('leaves a plan nobody has decided waiting, and writes nothing', () => {
    const { journal, state, runId } = proposed('recovery');
    const before = fs.readFileSync(journal.file, 'utf8');
    interruptIfNotStarted(journal, state, runId, ['the queue is full']);
    expect(state.runs.get(runId)?.status).toBe('pending');
    expect(fs.readFileSync(journal.file, 'utf8')).toBe(before);
  });

  it('leaves a diagnosis that has started running', () => {
    const { journal, state, runId } = proposed('diagnosis');
    journal.append({ type: 'run.started', incident, actor: 'databox-bot', data: { runId, pid: process.pid } });
    interruptIfNotStarted(journal, state, runId, ['too late']);
    expect(state.runs.get(runId)?.status).toBe('running');
  });

  it('cannot be ended by a stray run.finished line while it waits for a decision', () => {
    const { journal, state, runId } = proposed('recovery');
    journal.append({ type: 'run.finished', incident, actor: 'databox-bot', data: { runId, status: 'interrupted', reason: 'stray' } });
    expect(state.runs.get(runId)?.status).toBe('pending');
    expect(state.runs.get(runId)?.endReason).toBeUndefined();
  });

  it('does not start when another process interrupts it between the approval check and its start (checked under the journal lock)', async () => {
    const checkout = new Checkout();
    checkouts.push(checkout);
    const { service, journal } = openEngine(checkout.root, checkout.stateDir);
    const runId = `${incident}/1`;
    const run = { id: runId, kind: 'recovery', pathId: 'a', title: 'Path A', steps: [], hash: planHash([], []), lockKey: checkout.databasePath, params: {}, needsApproval: true, destructive: false, mutates: false };
    journal.append({ type: 'incident.opened', incident, actor: 'U0OPERATOR', data: { scenario: 'duckdb', title: 'Blown DuckDB file', origin: 'slack' } });
    journal.append({ type: 'run.proposed', incident, actor: 'U0OPERATOR', data: { runId, run } });
    journal.append({ type: 'run.approved', incident, actor: 'U0TEAMMATE', data: { runId, hash: run.hash } });
    // A terminal sharing the journal, once the bot has let go of its lock.
    await journal.flushed();
    const terminal = new Journal(checkout.stateDir);
    terminal.load();
    const running = service.executeApproved(runId);
    // What `cli unlock` there writes, in the moment before the bot commits the start.
    terminal.append({ type: 'run.finished', incident, actor: 'U0ONCALL', data: { runId, status: 'interrupted', reason: 'unlocked by U0ONCALL' } });
    await expect(running).rejects.toThrow(`plan ${runId} is interrupted; it was not started`);
    await journal.flushed();
    const types = fs.readFileSync(journal.file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line).type);
    expect(types).not.toContain('run.started');
    expect(service.run(runId)).toMatchObject({ status: 'interrupted', endReason: ['unlocked by U0ONCALL'] });
  });
});
