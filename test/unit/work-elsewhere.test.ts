// What another process appends to the shared journal reaches the bot's WorkElsewhere, and only that; it shows each thing
// once and in the bot's own order: a waiting plan, then each run's end, its follow-up, and the rollback offer last.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { planHash } from '../../src/engine/resolve.js';
import type { IncidentReporter } from '../../src/incidents/reporter.js';
import type { IncidentService } from '../../src/incidents/service.js';
import { IncidentState, type Run } from '../../src/incidents/state.js';
import { Journal } from '../../src/journal/journal.js';
import { genesisHash } from '../../src/journal/record.js';
import { createLogger } from '../../src/logger.js';
import { WorkElsewhere } from '../../src/slack/work-elsewhere.js';
import { quietReporter } from '../helpers/quiet-reporter.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const incident = 'dbx-20261202-0c0c';

function runOf(id: string, kind: 'recovery' | 'validation'): Omit<Run, 'status' | 'results' | 'incidentId' | 'requestedBy' | 'proposedAt' | 'refs'> {
  const plan = kind === 'recovery';
  return { id, kind, pathId: plan ? 'a' : undefined, title: kind, steps: [], hash: planHash([], []), lockKey: '/data/databox.duckdb', params: {}, needsApproval: plan, needsTeammate: plan, destructive: plan, mutates: plan };
}

/** A bot's side on the journal in `dir`: its journal (loaded now, as at a start) and state, and what it showed. */
function botOn(dir: string) {
  const journal = new Journal(dir);
  const state = new IncidentState();
  journal.onRecord((record) => state.apply(record));
  journal.load();
  const shown: string[] = [];
  const service = {
    state,
    // Shown once, as the service does (a plan already in Slack has its message in its refs).
    showWaitingPlan: async (run: Run) => void (run.status === 'pending' && !shown.includes(`plan ${run.id}`) && shown.push(`plan ${run.id}`)),
  } as unknown as IncidentService;
  const reporter = quietReporter({
    runDecided: async (_incident, run) => void shown.push(`decided ${run.id} ${run.status}`),
    runFinished: async (_incident, run) => void shown.push(`end ${run.id} ${run.status}`),
    rollbackOffered: async (_incident, run) => void shown.push(`rollback offer ${run.id}`),
    followUpOffered: async (_incident, run, advice) => void shown.push(`follow-up ${run.id}: ${advice}`),
  });
  const elsewhere = new WorkElsewhere({ service, reporter, logger: createLogger('silent', (t) => t) });
  journal.onRecordFromElsewhere((record) => elsewhere.note(record));
  /** The bot's sweep: it reads what the other process appended, then shows it. */
  const sweep = async () => {
    journal.catchUp();
    await elsewhere.show();
  };
  return { journal, state, shown, elsewhere, sweep };
}

/** The bot with an incident that has a Slack thread, and another process's journal on the same file. */
function setUp() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'work-elsewhere-'));
  dirs.push(dir);
  const { journal: bot, ...rest } = botOn(dir);
  bot.append({ type: 'incident.opened', incident, actor: 'U0OPERATOR', data: { scenario: 'duckdb', title: 'Blown DuckDB file', origin: 'slack' } });
  bot.append({ type: 'incident.thread', incident, actor: 'databox-bot', data: { channel: 'C0INCIDENT', ts: '1764633600.000100' } });
  const terminal = new Journal(dir);
  terminal.load();
  return { bot, terminal, dir, ...rest };
}

describe('work another process does in an incident with a Slack thread', () => {
  it("is shown in the journal's order, each thing once, also when all of it comes between two sweeps", async () => {
    const { terminal, shown, elsewhere, sweep } = setUp();
    const recovery = `${incident}/1`;
    const validation = `${incident}/2`;
    terminal.append({ type: 'run.proposed', incident, actor: 'terminal:alice', data: { runId: recovery, run: runOf(recovery, 'recovery') } });
    await sweep();
    await sweep();
    expect(shown).toEqual([`plan ${recovery}`]);

    // The recovery, its validation (failed), the runbook's advice and the rollback offer, all before the next sweep.
    const ran = (runId: string, status: string) => [
      { type: 'run.started', incident, actor: 'databox-bot', data: { runId, pid: 1 } },
      { type: 'run.finished', incident, actor: 'databox-bot', data: { runId, status } },
    ];
    terminal.append({ type: 'run.approved', incident, actor: 'terminal:bob', data: { runId: recovery } });
    for (const line of ran(recovery, 'succeeded')) terminal.append(line);
    terminal.append({ type: 'run.proposed', incident, actor: 'databox-bot', data: { runId: validation, run: runOf(validation, 'validation') } });
    for (const line of ran(validation, 'failed')) terminal.append(line);
    terminal.append({ type: 'run.follow-up', incident, actor: 'databox-bot', data: { runId: recovery, advice: 'the pipeline failed again', offers: [] } });
    terminal.append({ type: 'run.rollback-offered', incident, actor: 'databox-bot', data: { runId: recovery } });
    await Promise.all([sweep(), sweep()]);
    await sweep();
    expect(shown.slice(1)).toEqual([`end ${recovery} succeeded`, `end ${validation} failed`, `follow-up ${recovery}: the pipeline failed again`, `rollback offer ${recovery}`]);
    expect(elsewhere.held).toBe(0);
  });

  it("leaves out the bot's own lines (an unlock it recorded, say), and what happens in an incident without a Slack thread", async () => {
    const { bot, terminal, shown, elsewhere, sweep } = setUp();
    const stuck = `${incident}/1`;
    terminal.append({ type: 'run.proposed', incident, actor: 'terminal:alice', data: { runId: stuck, run: runOf(stuck, 'recovery') } });
    terminal.append({ type: 'run.approved', incident, actor: 'terminal:bob', data: { runId: stuck } });
    terminal.append({ type: 'run.started', incident, actor: 'databox-bot', data: { runId: stuck, pid: 1 } });
    await sweep();
    // The terminal was killed outright; the run is unlocked from Slack, which shows its end and offer itself.
    bot.append({ type: 'run.finished', incident, actor: 'U0TEAMMATE', data: { runId: stuck, status: 'interrupted' } });
    bot.append({ type: 'run.rollback-offered', incident, actor: 'databox-bot', data: { runId: stuck } });
    const other = 'dbx-20261202-0d0d';
    terminal.append({ type: 'incident.opened', incident: other, actor: 'terminal:alice', data: { scenario: 'duckdb', title: 'Blown DuckDB file', origin: 'terminal' } });
    terminal.append({ type: 'run.proposed', incident: other, actor: 'terminal:alice', data: { runId: `${other}/1`, run: runOf(`${other}/1`, 'recovery') } });
    await sweep();
    expect(shown).toEqual([]);
    expect(elsewhere.held).toBe(0);
  });

  it('does not offer the rollback of a recovery whose rollback is already under way there, but does once that one was rejected', async () => {
    const { terminal, shown, sweep } = setUp();
    const recovery = `${incident}/1`;
    const rollback = `${incident}/2`;
    terminal.append({ type: 'run.proposed', incident, actor: 'terminal:alice', data: { runId: recovery, run: runOf(recovery, 'recovery') } });
    terminal.append({ type: 'run.approved', incident, actor: 'terminal:bob', data: { runId: recovery } });
    terminal.append({ type: 'run.started', incident, actor: 'databox-bot', data: { runId: recovery, pid: 1 } });
    terminal.append({ type: 'run.finished', incident, actor: 'databox-bot', data: { runId: recovery, status: 'succeeded' } });
    terminal.append({ type: 'run.rollback-offered', incident, actor: 'databox-bot', data: { runId: recovery } });
    terminal.append({ type: 'run.proposed', incident, actor: 'terminal:alice', data: { runId: rollback, run: { ...runOf(rollback, 'recovery'), kind: 'rollback', rollbackOf: recovery } } });
    await sweep();
    // By the sweep, the terminal has proposed the rollback the offer was for: no offer; the recovery, decided and run
    // before the sweep, shows only its end.
    expect(shown).toEqual([`end ${recovery} succeeded`, `plan ${rollback}`]);
    terminal.append({ type: 'run.rejected', incident, actor: 'terminal:bob', data: { runId: rollback } });
    terminal.append({ type: 'run.rollback-offered', incident, actor: 'databox-bot', data: { runId: recovery } });
    await sweep();
    expect(shown.slice(2)).toEqual([`rollback offer ${recovery}`]);
  });

  it('after a restart, shows what a terminal did while the bot was down, from where the bot had shown it, once', async () => {
    const { bot, terminal, dir, sweep } = setUp();
    const plan = `${incident}/1`;
    bot.append({ type: 'run.proposed', incident, actor: 'U0OPERATOR', data: { runId: plan, run: runOf(plan, 'recovery') } });
    bot.append({ type: 'run.ref', incident, actor: 'databox-bot', data: { runId: plan, frontEnd: 'slack', ref: { channel: 'C0INCIDENT', ts: '1764633600.000200' } } });
    await sweep();
    // The bot stops here, having shown everything up to this line.
    const stoppedAt = { offset: bot.readThrough, hash: bot.readThroughHash };
    terminal.append({ type: 'run.approved', incident, actor: 'terminal:bob', data: { runId: plan } });
    terminal.append({ type: 'run.started', incident, actor: 'databox-bot', data: { runId: plan, pid: 1 } });
    terminal.append({ type: 'run.finished', incident, actor: 'databox-bot', data: { runId: plan, status: 'succeeded' } });
    terminal.append({ type: 'run.rollback-offered', incident, actor: 'databox-bot', data: { runId: plan } });
    const waiting = `${incident}/2`;
    terminal.append({ type: 'run.proposed', incident, actor: 'terminal:alice', data: { runId: waiting, run: { ...runOf(waiting, 'recovery'), expiresAt: new Date(Date.now() + 60_000).toISOString() } } });

    const restarted = botOn(dir);
    const loaded = restarted.journal.readThrough;
    // What the new start writes itself comes after what it loaded, and is not replayed.
    restarted.journal.append({ type: 'incident.abandoned', incident: 'dbx-20261202-0e0e', actor: 'databox-bot', data: { reason: 'x' } });
    restarted.elsewhere.replay(restarted.journal.recordsAfter(stoppedAt, loaded));
    restarted.elsewhere.noteWaitingPlans(restarted.state, new Date());
    await restarted.sweep();
    await restarted.sweep();
    expect(restarted.shown).toEqual([`decided ${plan} succeeded`, `end ${plan} succeeded`, `rollback offer ${plan}`, `plan ${waiting}`]);
    expect(restarted.elsewhere.held).toBe(0);
    // A place that is not the end of that line any more (the file replaced since) replays nothing; the start of an
    // empty journal replays it all.
    expect(restarted.journal.recordsAfter({ ...stoppedAt, offset: stoppedAt.offset + 1 }, loaded)).toEqual([]);
    expect(restarted.journal.recordsAfter({ ...stoppedAt, hash: 'sha256:0' }, loaded)).toEqual([]);
    const lines = fs.readFileSync(bot.file).subarray(0, loaded).toString('utf8').trim().split('\n');
    expect(restarted.journal.recordsAfter({ offset: 0, hash: genesisHash }, loaded)).toHaveLength(lines.length);
  });

  it("at a start without a saved place, shows a terminal's plan still waiting, not one expired or a Slack user's", async () => {
    const { terminal, dir } = setUp();
    const now = new Date();
    const proposed = (id: string, actor: string, expiresAt: Date) =>
      terminal.append({ type: 'run.proposed', incident, actor, data: { runId: id, run: { ...runOf(id, 'recovery'), expiresAt: expiresAt.toISOString() } } });
    proposed(`${incident}/1`, 'terminal:alice', new Date(now.getTime() + 60_000));
    proposed(`${incident}/2`, 'terminal:alice', new Date(now.getTime() - 1));
    proposed(`${incident}/3`, 'U0OPERATOR', new Date(now.getTime() + 60_000));
    const restarted = botOn(dir);
    restarted.elsewhere.noteWaitingPlans(restarted.state, now);
    await restarted.sweep();
    expect(restarted.shown).toEqual([`plan ${incident}/1`]);
  });
});

describe('a journal replaced under the running bot', () => {
  /** A terminal's recovery in the incident, run to its end with its rollback offered, shown by a sweep. */
  async function recoveredAtTerminal() {
    const setup = setUp();
    const recovery = `${incident}/1`;
    setup.terminal.append({ type: 'run.proposed', incident, actor: 'terminal:alice', data: { runId: recovery, run: runOf(recovery, 'recovery') } });
    setup.terminal.append({ type: 'run.approved', incident, actor: 'terminal:bob', data: { runId: recovery } });
    setup.terminal.append({ type: 'run.started', incident, actor: 'databox-bot', data: { runId: recovery, pid: 1 } });
    setup.terminal.append({ type: 'run.finished', incident, actor: 'databox-bot', data: { runId: recovery, status: 'succeeded' } });
    setup.terminal.append({ type: 'run.rollback-offered', incident, actor: 'databox-bot', data: { runId: recovery } });
    await setup.sweep();
    expect(setup.shown).toEqual([`end ${recovery} succeeded`, `rollback offer ${recovery}`]);
    // Every line the bot applies from now on: none it had seen before may reach its state again.
    const applied: number[] = [];
    const appliedTypes: string[] = [];
    setup.bot.onRecord((record) => {
      applied.push(record.seq);
      appliedTypes.push(record.type);
    });
    return { ...setup, recovery, applied, appliedTypes, seenThrough: JSON.parse(fs.readFileSync(setup.bot.file, 'utf8').trimEnd().split('\n').at(-1) as string).seq as number };
  }

  /** A terminal started now runs a validation in the incident: one new end for the bot to show. */
  function validatedAtTerminal(dir: string): string {
    const terminal = new Journal(dir);
    terminal.load();
    const validation = `${incident}/2`;
    terminal.append({ type: 'run.proposed', incident, actor: 'databox-cli', data: { runId: validation, run: runOf(validation, 'validation') } });
    terminal.append({ type: 'run.started', incident, actor: 'databox-cli', data: { runId: validation, pid: 2 } });
    terminal.append({ type: 'run.finished', incident, actor: 'databox-cli', data: { runId: validation, status: 'failed' } });
    return validation;
  }

  it('cut, then its full copy put back by an operator: shows nothing again, and a terminal\'s new end after it once', async () => {
    const { bot, dir, shown, applied, appliedTypes, seenThrough, sweep } = await recoveredAtTerminal();
    const full = fs.readFileSync(bot.file);
    const lines = full.toString('utf8').trimEnd().split('\n');
    fs.writeFileSync(bot.file, `${lines.slice(0, 3).join('\n')}\n`);
    await sweep();
    // A command comes in while the journal is cut: the bot's own line goes after the cut.
    await bot.commit({ type: 'command.received', actor: 'U0OPERATOR', data: { text: '/databox status' } }, { background: true });
    await bot.flushed();
    fs.writeFileSync(bot.file, full);
    await sweep();
    await sweep();
    expect(shown).toHaveLength(2);
    // The bot's record of the cut it found, then its own line: nothing it had seen before.
    expect(applied).toEqual([seenThrough + 1, seenThrough + 2]);
    expect(appliedTypes).toEqual(['journal.end-cut', 'command.received']);

    const validation = validatedAtTerminal(dir);
    await sweep();
    await sweep();
    expect(shown.slice(2)).toEqual([`end ${validation} failed`]);
    expect(applied.every((seq) => seq > seenThrough)).toBe(true);
  });

  it('rewritten in place at the same size (two lines swapped), looked at while half written: shows nothing again', async () => {
    const { bot, dir, shown, applied, sweep } = await recoveredAtTerminal();
    const lines = fs.readFileSync(bot.file, 'utf8').trimEnd().split('\n');
    [lines[3], lines[4]] = [lines[4] as string, lines[3] as string];
    const swapped = Buffer.from(`${lines.join('\n')}\n`);
    // Written as an editor or a shell's `>` writes: emptied, then filled; the bot's sweep comes in between.
    const fd = fs.openSync(bot.file, 'w');
    const half = Math.floor(swapped.length / 2);
    fs.writeSync(fd, swapped, 0, half);
    await sweep();
    fs.writeSync(fd, swapped, half, swapped.length - half);
    fs.closeSync(fd);
    await sweep();
    await sweep();
    expect(shown).toHaveLength(2);
    expect(applied).toEqual([]);

    const validation = validatedAtTerminal(dir);
    await sweep();
    await sweep();
    expect(shown.slice(2)).toEqual([`end ${validation} failed`]);
  });
});

describe('ends replayed after a crash', () => {
  it("shows a terminal's failed validation however much work followed it; only the bot's own overtaken verdict is left out", async () => {
    const slack = { channel: 'C0INCIDENT', ts: '1.1' };
    const run = (id: string, extra: Record<string, unknown>) => ({ id, incidentId: 'dbx-1', refs: {}, results: [], steps: [], params: {}, ...extra });
    const diagnosis = run('dbx-1/1', { kind: 'diagnosis', needsApproval: false, requestedBy: 'U0OPERATOR', status: 'succeeded', proposedAt: '2026-04-20T05:59:00Z', finishedAt: '2026-04-20T05:59:30Z' });
    const recovery = run('dbx-1/2', { kind: 'recovery', needsApproval: true, requestedBy: 'terminal:alice', decidedBy: 'terminal:bob', status: 'succeeded', proposedAt: '2026-04-20T06:00:00Z', finishedAt: '2026-04-20T06:10:00Z' });
    // The terminal's validation after its recovery is proposed by the engine's own actor there, databox-cli.
    const validation = run('dbx-1/3', { kind: 'validation', needsApproval: false, requestedBy: 'databox-cli', status: 'failed', proposedAt: '2026-04-20T06:10:01Z', finishedAt: '2026-04-20T06:11:00Z' });
    const rollback = run('dbx-1/4', { kind: 'rollback', needsApproval: true, requestedBy: 'terminal:alice', status: 'pending', proposedAt: '2026-04-20T06:12:00Z' });
    const all = [diagnosis, recovery, validation, rollback];
    const incident = { id: 'dbx-1', refs: { slack }, runs: all };
    const shown: string[] = [];
    const reporter = { runFinished: async (_incident: unknown, r: Run) => void shown.push(`end ${r.id}`) } as unknown as IncidentReporter;
    const service = {
      state: { runs: new Map(all.map((r) => [r.id, r])), incidents: new Map([['dbx-1', incident]]) },
      showWaitingPlan: async (r: Run) => void shown.push(`plan ${r.id}`),
    } as unknown as IncidentService;
    const elsewhere = new WorkElsewhere({ service, reporter, logger: createLogger('silent', (t) => t) });
    elsewhere.restore([...['dbx-1/1', 'dbx-1/2', 'dbx-1/3'].map((runId) => ({ what: 'end' as const, runId })), { what: 'plan', runId: 'dbx-1/4' }]);
    await elsewhere.show();
    expect(shown).toEqual(['end dbx-1/2', 'end dbx-1/3', 'plan dbx-1/4']);
  });
});
