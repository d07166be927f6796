// One journal, two front ends: an incident opened in Slack is finished at a terminal (another process), and one opened at
// a terminal is finished in Slack, with the service calls the Slack handlers make; the journal chains across both.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WebClient } from '@slack/web-api';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Checkout } from '../../demo/checkout.js';
import { buildTestCheckout } from '../helpers/demo-checkout.js';
import { ensureIncidentThread } from '../../src/slack/incident-thread.js';
import { fromChannel, openedInChannel, slackFrontEnd } from '../../src/slack/slack-refs.js';
import { loadConfig } from '../../src/config.js';
import { IncidentService } from '../../src/incidents/service.js';
import { IncidentState } from '../../src/incidents/state.js';
import { Journal } from '../../src/journal/journal.js';
import { verifyLines } from '../../src/journal/record.js';
import { createLogger } from '../../src/logger.js';
import { writePostmortem } from '../../src/postmortem/write-postmortem.js';
import { runCommand } from '../../src/process/run-command.js';
import { createRedactor } from '../../src/redact.js';
import { loadRunbooks } from '../../src/runbook/load.js';
import { WorkQueue } from '../../src/work-queue.js';
import { cliEnv, hashIn, projectRoot, runCliProcess } from '../helpers/cli-process.js';
import { quietReporter } from '../helpers/quiet-reporter.js';

const temps: string[] = [];
const originalPath = process.env.PATH;
afterAll(() => {
  process.env.PATH = originalPath;
  temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
});

/** What the Slack reporter would return: the root message's place, so the incident has a thread. */
const slackLikeReporter = quietReporter({
  frontEnd: slackFrontEnd,
  incidentOpened: async (incident) => {
    const channel = openedInChannel(incident);
    return channel ? { channel, ts: '1713595200.000100' } : undefined;
  },
});

let checkout: Checkout;
let env: Record<string, string>;
let service: IncidentService;
/** Plans the bot's side was told can no longer be approved, with the run that changed their database. */
let outdated: { run: string; changedBy: string }[];

beforeEach(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cross-front-end-'));
  temps.push(dir);
  checkout = await buildTestCheckout(dir);
  process.env.PATH = checkout.env.PATH;
  env = cliEnv({ ...checkout.env, USER: 'alice', DATABOX_RUNBOOKS_DIR: path.join(projectRoot, 'runbooks') });
  // The bot's side, wired as src/bot.ts wires it, minus Bolt.
  const config = loadConfig({ DATABOX_ROOT: checkout.root, DATABOX_STATE_DIR: checkout.stateDir, DATABOX_RUNBOOKS_DIR: env.DATABOX_RUNBOOKS_DIR });
  const redact = createRedactor([]);
  const journal = new Journal(config.stateDir);
  const state = new IncidentState();
  journal.onRecord((record) => state.apply(record));
  journal.load();
  outdated = [];
  service = new IncidentService(
    { config, runbooks: loadRunbooks(config.runbooksDir), journal, state, runCommand, redact, logger: createLogger('silent', redact) },
    { ...slackLikeReporter, planOutdated: async (_incident, run, changedBy) => void outdated.push({ run: run.id, changedBy: changedBy.id }) },
  );
});

function journalRecords() {
  const verify = verifyLines(fs.readFileSync(path.join(checkout.stateDir, 'journal.jsonl'), 'utf8'));
  expect(verify.problem).toBeUndefined();
  return verify.records;
}

describe('one journal for Slack and the terminal', () => {
  it('an incident diagnosed in Slack is recovered at a terminal, and the postmortem tells both', async () => {
    service.recordCommand('/databox diagnose duckdb', 'U0ALICE', 'slack:C0INCIDENTS');
    const { incident } = await service.start({ verb: 'diagnose', scenario: 'duckdb', params: {} }, 'U0ALICE', 'slack', fromChannel('C0INCIDENTS'));
    expect(service.incident(incident.id).diagnosis?.verdict).toBe('corrupt');

    const terminal = await runCliProcess(['recover', 'duckdb', 'path=a', `incident=${incident.id}`, '--approver', 'bob'], { env, answer: hashIn });
    expect(terminal.stderr).toBe('');
    expect(terminal.code).toBe(0);

    // The bot's process sees what the terminal appended.
    const runs = service.incident(incident.id).runs;
    expect(runs.map((r) => [r.kind, r.status, r.requestedBy])).toEqual([
      ['diagnosis', 'succeeded', 'U0ALICE'],
      ['recovery', 'succeeded', 'terminal:alice'],
      // The validation the terminal started after its recovery is the terminal's, not the bot's.
      ['validation', 'succeeded', 'databox-cli'],
    ]);
    expect(new Set(journalRecords().filter((r) => r.type.startsWith('step.') || r.type === 'run.started').map((r) => r.actor))).toEqual(new Set(['databox-bot', 'databox-cli']));
    expect(new Set(journalRecords().map((r) => r.incident).filter(Boolean))).toEqual(new Set([incident.id]));

    const { markdown } = writePostmortem({ stateDir: checkout.stateDir, runbooks: loadRunbooks(path.join(projectRoot, 'runbooks')), root: checkout.root, incidentId: incident.id });
    expect(markdown).toContain('**U0ALICE** ran `/databox diagnose duckdb` in Slack (channel C0INCIDENTS)');
    expect(markdown).toContain("The incident's Slack thread is in channel C0INCIDENTS");
    expect(markdown).toMatch(/\*\*terminal:alice\*\* ran `cli recover duckdb path=a incident=dbx-\d{8}-[0-9a-f]{4} --approver bob` at a terminal/);
    expect(markdown).toMatch(/\*\*terminal:bob\*\* \*\*approved\*\* Path A/);
    expect(markdown).toMatch(/Path A: Rebuild from raw dlt state \(`dbx-\d{8}-[0-9a-f]{4}\/2`\) started at a terminal\n/);
    expect(markdown).toMatch(/\*\*databox-cli\*\* started the validation `dbx-\d{8}-[0-9a-f]{4}\/3`/);
  });

  it('a plan waiting in Slack, found by the same recover at a terminal, is shown there before it is approved', async () => {
    const { incident } = await service.start({ verb: 'diagnose', scenario: 'duckdb', params: {} }, 'U0ALICE', 'slack', fromChannel('C0INCIDENTS'));
    const { run: waiting } = await service.start({ verb: 'recover', scenario: 'duckdb', path: 'a', params: {}, incident: incident.id }, 'U0ALICE', 'slack', fromChannel('C0INCIDENTS'));
    const terminal = await runCliProcess(['recover', 'duckdb', 'path=a', `incident=${incident.id}`, '--approver', 'bob'], { env, answer: hashIn });
    expect(terminal.code).toBe(0);
    expect(terminal.stdout).toContain(`Plan ${waiting?.id} · Path A: Rebuild from raw dlt state · hash ${waiting?.hash.slice(0, 8)}`);
    expect(terminal.stdout.indexOf(`Plan ${waiting?.id}`)).toBeLessThan(terminal.stdout.indexOf("Type the plan's short hash"));
    expect(journalRecords().filter((r) => r.type === 'run.proposed' && (r.data as any).run.kind === 'recovery')).toHaveLength(1);
  });

  it('a Slack plan approved at a terminal with no approver names who asked for it, not who typed', async () => {
    const { incident } = await service.start({ verb: 'diagnose', scenario: 'duckdb', params: {} }, 'U0ALICE', 'slack', fromChannel('C0INCIDENTS'));
    await service.start({ verb: 'recover', scenario: 'duckdb', path: 'a', params: {}, incident: incident.id }, 'U0ALICE', 'slack', fromChannel('C0INCIDENTS'));
    // Asked at the prompt (standard input closed once it shows), and in the advice of the refusal that follows.
    const terminal = await runCliProcess(['recover', 'duckdb', 'path=a', `incident=${incident.id}`, '--as', 'carol'], { env });
    expect(terminal.stdout).toContain('name someone other than U0ALICE (in Slack): ');
    expect(terminal.stderr).toContain('run by someone other than U0ALICE (in Slack)');
    expect(`${terminal.stdout}${terminal.stderr}`).not.toContain('other than carol');
  });

  it("a plan waiting in Slack loses its buttons once a terminal's recovery has changed its database", async () => {
    const { incident } = await service.start({ verb: 'diagnose', scenario: 'duckdb', params: {} }, 'U0ALICE', 'slack', fromChannel('C0INCIDENTS'));
    const { run: waiting } = await service.start({ verb: 'recover', scenario: 'duckdb', path: 'a', params: {}, incident: incident.id }, 'U0ALICE', 'slack', fromChannel('C0INCIDENTS'));
    expect(waiting?.status).toBe('pending');
    await service.showOutdatedPlans();
    expect(outdated).toEqual([]);

    // Another incident on the same database, recovered at a terminal (the same incident would take the waiting plan).
    const terminal = await runCliProcess(['recover', 'duckdb', 'path=a', '--approver', 'bob'], { env, answer: hashIn });
    expect(terminal.code).toBe(0);
    // What the bot's sweep does: the terminal's recovery is read from the journal, and the Slack plan is told once.
    await service.showOutdatedPlans();
    await service.showOutdatedPlans();
    const terminalRun = [...service.state.runs.values()].find((r) => r.kind === 'recovery' && r.requestedBy === 'terminal:alice');
    expect(terminalRun?.incidentId).not.toBe(incident.id);
    expect(outdated).toEqual([{ run: waiting?.id, changedBy: terminalRun?.id }]);
    expect(service.approve(waiting?.id as string, waiting?.hash as string, 'U0BOB').ok).toBe(false);
  });

  it('an incident diagnosed at a terminal is recovered from Slack, in a thread it gets there', async () => {
    const terminal = await runCliProcess(['diagnose', 'duckdb'], { env, stdin: 'ignore' });
    // The file is corrupt: the diagnosis' open check failed, so it exits 1.
    expect(terminal.code).toBe(1);
    // The steps that read the file say why they were skipped: the condition they run on, and how open ended.
    expect(terminal.stdout.match(/○ skipped.*/g)).toEqual([
      '○ skipped · 0 ms · runs only when step 1 (open) is ok or read-only; it was corrupt',
      '○ skipped · 0 ms · runs only when step 1 (open) is ok or read-only; it was corrupt',
    ]);
    const incidentId = /Incident (dbx-\d{8}-[0-9a-f]{4}) opened by terminal:alice/.exec(terminal.stdout)?.[1] as string;
    expect(incidentId).toBeDefined();

    // What /databox recover duckdb path=a incident=<id> does in the Slack handler, then the teammate's Approve click.
    const posts: Record<string, unknown>[] = [];
    const client = { chat: { postMessage: async (args: Record<string, unknown>) => (posts.push(args), { ok: true, channel: 'C0INCIDENTS', ts: '1713595300.000200' }) } } as unknown as WebClient;
    const deps = { service, queue: new WorkQueue(1, 5, () => {}), logger: createLogger('silent', (t) => t), redact: (t: string) => t, catalog: {} };
    await ensureIncidentThread(deps, client, incidentId, 'C0INCIDENTS');
    // The thread's first message, then the terminal's diagnosis summed up in it.
    expect(posts.map((p) => p.thread_ts)).toEqual([undefined, '1713595300.000200']);
    expect(posts[1]?.text).toBe('Before this thread, 1 run in this incident');
    const { run } = await service.start({ verb: 'recover', scenario: 'duckdb', path: 'a', params: {}, incident: incidentId }, 'U0ALICE', 'slack', fromChannel('C0INCIDENTS'));
    expect(run?.status).toBe('pending');
    expect(service.approve(run?.id as string, run?.hash as string, 'U0ALICE').ok).toBe(false);
    expect(service.approve(run?.id as string, run?.hash as string, 'U0BOB').ok).toBe(true);
    const finished = await service.executeApproved(run?.id as string);
    expect(finished.status).toBe('succeeded');
    expect(fs.existsSync(`${checkout.databasePath}.broken`)).toBe(true);

    const records = journalRecords();
    expect(records.find((r) => r.type === 'incident.opened')?.actor).toBe('terminal:alice');
    expect(records.find((r) => r.type === 'incident.ref')?.data).toEqual({ frontEnd: 'slack', ref: { channel: 'C0INCIDENTS', ts: '1713595300.000200' } });
    expect(records.find((r) => r.type === 'run.approved')?.actor).toBe('U0BOB');
  });

  it('a plan requested at one front end and approved at the other says on the record that the two-person rule could not be checked', async () => {
    const { incident } = await service.start({ verb: 'diagnose', scenario: 'duckdb', params: {} }, 'terminal:alice', 'terminal');
    const { run: fromTerminal } = await service.start({ verb: 'recover', scenario: 'duckdb', path: 'a', params: {}, incident: incident.id }, 'terminal:alice', 'terminal');
    // Slack's U0ALICE may be the alice who typed at the terminal: nothing can tell.
    expect(service.approve(fromTerminal?.id as string, fromTerminal?.hash as string, 'U0ALICE').ok).toBe(true);
    const approved = journalRecords().filter((r) => r.type === 'run.approved');
    expect(approved.map((r) => (r.data as { crossesFrontEnds?: string }).crossesFrontEnds)).toEqual([
      'requested at a terminal, approved in Slack: the bot cannot tell whether they are the same person',
    ]);
    const { markdown } = writePostmortem({ stateDir: checkout.stateDir, runbooks: loadRunbooks(path.join(projectRoot, 'runbooks')), root: checkout.root, incidentId: incident.id });
    expect(markdown).toMatch(/- Approved by \*\*U0ALICE\*\* at \d\d:\d\d:\d\d \(requested at a terminal, approved in Slack: the bot cannot tell whether they are the same person\)/);
    expect(markdown).toMatch(/\*\*U0ALICE\*\* \*\*approved\*\* Path A.*\(requested at a terminal, approved in Slack: the bot cannot tell whether they are the same person\)/);

    expect((await service.executeApproved(fromTerminal?.id as string)).status).toBe('succeeded');
    const other = await service.start({ verb: 'diagnose', scenario: 'duckdb', params: {} }, 'U0CAROL', 'slack', fromChannel('C0INCIDENTS'));
    const { run: fromSlack } = await service.start({ verb: 'recover', scenario: 'duckdb', path: 'b', params: { backup: checkout.backup }, incident: other.incident.id }, 'U0CAROL', 'slack', fromChannel('C0INCIDENTS'));
    expect(service.approve(fromSlack?.id as string, fromSlack?.hash as string, 'terminal:dave').ok).toBe(true);
    const again = journalRecords().filter((r) => r.type === 'run.approved').at(-1);
    expect((again?.data as { crossesFrontEnds?: string }).crossesFrontEnds).toBe('requested in Slack, approved at a terminal: the bot cannot tell whether they are the same person');
  });
});
