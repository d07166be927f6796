// A plan made on an incident's verdict, through the real Bolt app: once the incident is diagnosed again, the plan says it
// can no longer be approved and an approval is refused, in Slack and at a terminal, naming the newer verdict.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Checkout, createHealthyDatabase, standinBin, writeGarbage } from '../helpers/databox-checkout.js';
import { cliEnv, runCliProcess } from '../helpers/cli-process.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns, journalRecordsOf } from '../helpers/stand-ins.js';
import { blockNetwork } from '../helpers/no-network.js';
import { writePostmortem } from '../../src/postmortem/write-postmortem.js';
import { loadRunbooks } from '../../src/runbook/load.js';
import { projectRoot } from '../helpers/cli-process.js';

const operator = 'U0OPERATOR';
const teammate = 'U0TEAMMATE';

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness;
/** How far the bot's clock is ahead of the test's: past a plan's approval time, the sweep expires it. */
let aheadMs = 0;

blockNetwork();

beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
  aheadMs = 0;
});
afterEach(() => closeStandIns(harness, slack, checkout));

const journalRecords = () => journalRecordsOf(checkout);
const incidentId = () => journalRecords().find((r) => r.type === 'incident.opened')?.incident as string;

/**
 * A corrupt file diagnosed, path A proposed on that verdict, the file made healthy by hand, and the incident diagnosed
 * again ("healthy", no path offered): the plan's Approve button as drawn, and the old verdict's path A button.
 */
async function planThenHealthy() {
  writeGarbage(checkout.databasePath);
  harness = await startBot(checkout, slack, {}, () => new Date(Date.now() + aheadMs), 3_600_000);
  await harness.command('diagnose duckdb', operator);
  await harness.settle();
  const oldPathButton = slack.buttons('choose_path_a')[0]!;
  await harness.click(oldPathButton, operator);
  await harness.settle();
  const approve = slack.buttons('approve_plan').at(-1)!;
  expect(approve).toBeDefined();
  fs.rmSync(checkout.databasePath, { force: true });
  await createHealthyDatabase(checkout.databasePath, 1000);
  await harness.command(`diagnose duckdb incident=${incidentId()}`, operator);
  await harness.settle();
  const verdicts = journalRecords().filter((r) => r.type === 'diagnosis.verdict');
  expect(verdicts).toHaveLength(2);
  expect(verdicts[1]!.data.paths).toEqual([]);
  return { approve, oldPathButton, plan: JSON.parse(approve.value).run as string, newer: { runId: String(verdicts[1]!.data.runId), title: String(verdicts[1]!.data.title) } };
}

const newerSaid = (incident: string, newer: { runId: string; title: string }) =>
  new RegExp(`made on an older diagnosis of incident ${incident} \\(diagnosis ${incident}/1\\), and the incident was diagnosed again since \\(diagnosis ${newer.runId} at \\d\\d:\\d\\d UTC, verdict "${newer.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\)\\. Nothing of this plan ran: the newest verdict offers no recovery; if one is still needed, propose it again`);

describe('a plan made on an older verdict of its incident', () => {
  it('records the diagnosis it was made on, and once diagnosed again its message loses Approve, saying so, journaled', async () => {
    const { approve, plan, newer } = await planThenHealthy();
    const incident = incidentId();
    const proposed = journalRecords().find((r) => r.type === 'run.proposed' && r.data.runId === plan)!;
    expect(proposed.data.run.madeOnDiagnosis).toBe(`${incident}/1`);
    expect(journalRecords().filter((r) => r.type === 'run.diagnosed-again')).toEqual([
      expect.objectContaining({ incident, data: expect.objectContaining({ runId: plan, diagnosis: newer.runId, reason: expect.stringMatching(newerSaid(incident, newer)) }) }),
    ]);
    const message = slack.messages().find((m) => m.ts === approve.ts)!;
    expect(message.blocks).not.toContain('approve_plan');
    const { markdown } = writePostmortem({ stateDir: checkout.stateDir, runbooks: loadRunbooks(path.join(projectRoot, 'runbooks')), root: checkout.root, incidentId: incident });
    expect(markdown).toMatch(new RegExp(`The plan \`${plan}\` \\(Path A: [^)]*\\) was no longer approvable: this plan was made on an older diagnosis`));
    const last = JSON.parse(message.blocks).at(-1);
    expect(last.type).toBe('context');
    expect(last.elements[0].text).toMatch(/^:no_entry_sign: No longer approvable: This plan was made on an older diagnosis/);
    expect(last.elements[0].text).toMatch(newerSaid(incident, newer));
  });

  it('is refused when its old Approve button is clicked, naming the newer verdict, journaled, and nothing runs', async () => {
    const { approve, plan, newer } = await planThenHealthy();
    const incident = incidentId();
    await harness.click(approve, teammate);
    await harness.settle();
    expect(slack.ephemerals(teammate).at(-1)).toMatch(newerSaid(incident, newer));
    expect(journalRecords().filter((r) => r.type === 'run.approved')).toEqual([]);
    expect(journalRecords().filter((r) => r.type === 'approval.refused').at(-1)?.data).toEqual(expect.objectContaining({ runId: plan, decision: 'approve', reason: expect.stringMatching(newerSaid(incident, newer)) }));
    expect(journalRecords().filter((r) => r.type === 'run.started' && r.data.runId === plan)).toEqual([]);
    expect(fs.existsSync(checkout.databasePath)).toBe(true);
  });

  it('is refused at a terminal too', async () => {
    const { approve, plan, newer } = await planThenHealthy();
    const incident = incidentId();
    const cli = await runCliProcess(['approve', plan, JSON.parse(approve.value).hash], {
      env: cliEnv({ DATABOX_ROOT: checkout.root, DATABOX_STATE_DIR: checkout.stateDir, PATH: `${standinBin}:${process.env.PATH}`, USER: 'alice' }),
      stdin: 'ignore',
    });
    expect(cli.code).not.toBe(0);
    expect(cli.stdout + cli.stderr).toMatch(newerSaid(incident, newer));
    expect(journalRecords().filter((r) => r.type === 'run.approved')).toEqual([]);
  });

  it("an older verdict's path button says the newest verdict offers no recovery, on the click and on its message", async () => {
    const { oldPathButton } = await planThenHealthy();
    await harness.click(oldPathButton, operator);
    await harness.settle();
    expect(slack.ephemerals(operator).at(-1)).toContain('Nothing was proposed: the newest verdict offers no recovery');
    const verdict = slack.messages().find((m) => m.ts === oldPathButton.ts)!;
    expect(verdict.blocks).toContain('are gone: the newest verdict offers no recovery.');
    expect(verdict.blocks).not.toContain('use the buttons on the newest verdict');
  });

  it('once expired, its message still says why it could not be approved, and when it expired', async () => {
    const { approve, plan, newer } = await planThenHealthy();
    const incident = incidentId();
    aheadMs = 16 * 60_000;
    await harness.bot.sweep();
    await harness.settle();
    expect(harness.bot.service.state.runs.get(plan)?.status).toBe('expired');
    const last = JSON.parse(slack.messages().find((m) => m.ts === approve.ts)!.blocks).at(-1);
    expect(last.elements[0].text).toMatch(/^:no_entry_sign: No longer approvable: This plan was made on an older diagnosis/);
    expect(last.elements[0].text).toMatch(newerSaid(incident, newer));
    expect(last.elements[0].text).toMatch(/It expired at \d\d:\d\d UTC\.$/);
  });

  it('is called no longer approvable, not waiting, by the status in Slack and at a terminal, and in the postmortem', async () => {
    const { plan, newer } = await planThenHealthy();
    const incident = incidentId();
    const slackStatus = JSON.parse((await harness.command('status', operator)).text).text as string;
    expect(slackStatus).toContain('*Waiting for approval:* nothing.');
    expect(slackStatus).toMatch(new RegExp(`\\*No longer approvable:\\* \`${plan}\` Path A: [^:]*: this plan was ${newerSaid(incident, newer).source}`));
    expect(slackStatus).toContain(`now: a plan no longer approvable (${plan})`);
    const cli = await runCliProcess(['status'], { env: cliEnv({ DATABOX_ROOT: checkout.root, DATABOX_STATE_DIR: checkout.stateDir, PATH: `${standinBin}:${process.env.PATH}`, USER: 'alice' }), stdin: 'ignore' });
    expect(cli.stdout).toMatch(/Waiting for approval\n {2}nothing\n/);
    expect(cli.stdout).toMatch(new RegExp(`No longer approvable\\n {2}${plan} Path A: [^:]*: this plan was ${newerSaid(incident, newer).source}`));
    expect(cli.stdout).toContain(`now: a plan no longer approvable (${plan})`);
    const { markdown } = writePostmortem({ stateDir: checkout.stateDir, runbooks: loadRunbooks(path.join(projectRoot, 'runbooks')), root: checkout.root, incidentId: incident });
    const olderSaid = `no longer be approved (made on an older diagnosis, ${incident}/1; diagnosed again since, ${newer.runId})`;
    expect(markdown).toContain(`| Outcome | not recovered: Path A: Rebuild from raw dlt state can ${olderSaid} |`);
    expect(markdown).toMatch(new RegExp(`### Path A: [^\\n]* \\(\`${plan}\`\\): no longer approvable \\(made on an older diagnosis`));
    // Its first message never called it waiting: the newer diagnosis is where the incident stands.
    expect(slack.messages().find((m) => !m.threadTs && m.blocks.includes(incident))!.blocks).toContain('Status: diagnosis finished');
  });

  it('loses Approve at the next sweep, once, when the incident is diagnosed again at a terminal while the bot runs', async () => {
    writeGarbage(checkout.databasePath);
    harness = await startBot(checkout, slack, {}, undefined, 3_600_000);
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    await harness.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness.settle();
    const approve = slack.buttons('approve_plan').at(-1)!;
    const plan = JSON.parse(approve.value).run as string;
    const incident = incidentId();
    fs.rmSync(checkout.databasePath, { force: true });
    await createHealthyDatabase(checkout.databasePath, 1000);
    const cli = await runCliProcess(['diagnose', 'duckdb', `incident=${incident}`], {
      env: cliEnv({ DATABOX_ROOT: checkout.root, DATABOX_STATE_DIR: checkout.stateDir, PATH: `${standinBin}:${process.env.PATH}`, USER: 'alice' }),
      stdin: 'ignore',
    });
    expect(cli.code).toBe(0);
    expect(journalRecords().filter((r) => r.type === 'run.diagnosed-again').map((r) => r.data.runId)).toEqual([plan]);
    await harness.bot.sweep();
    await harness.settle();
    await harness.bot.sweep();
    await harness.settle();
    const message = slack.messages().find((m) => m.ts === approve.ts)!;
    expect(message.blocks).not.toContain('approve_plan');
    expect(message.blocks).toContain(':no_entry_sign: No longer approvable: This plan was made on an older diagnosis');
    expect(slack.callsTo('chat.update').filter((u) => u.ts === approve.ts && String(u.blocks).includes('No longer approvable'))).toHaveLength(1);
  });
});
