// A rollback that takes a parameter, through the real Bolt app, on an operator's own runbook (the shipped backfill.yml
// with a restore step planted in path A's rollback): the form, the inspect step posted beside it, and what is left out.
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBackfillDatabase, reloadRawSql, restateMartSql, dayAfterTheData, ebirdReloadCommand, ebirdRestateCommand } from '../helpers/backfill-data.js';
import { Checkout, standinBin } from '../helpers/databox-checkout.js';
import { cliEnv, runCliProcess } from '../helpers/cli-process.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, journalRecordsOf, openStandIns } from '../helpers/stand-ins.js';
import { blockNetwork } from '../helpers/no-network.js';
import { useTempDirs } from '../support/fixtures.js';
import { leftOutNote, listPlansCommand, restorePlanCommand, writeBackfillWithRollbackParameter } from '../support/rollback-with-parameter.js';
import { acceptPathForm } from '../helpers/form-flow.js';

const operator = 'U0OPERATOR';
const teammate = 'U0TEAMMATE';
const reloadCommand = ebirdReloadCommand;
const restateCommand = ebirdRestateCommand;
// Today, for the bot, is 2026-04-25: the data's 60 days end yesterday.
const clock = dayAfterTheData();
const tempDir = useTempDirs('rollback-with-parameters-');

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness;
let runbooksDir: string;

blockNetwork();

beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
  await createBackfillDatabase(checkout.databasePath, { lastDay: '2026-04-24', rowsPerDay: 5_000, ebird: { zero: ['2026-04-18'], low: ['2026-04-19'], spike: ['2026-04-20'] } });
  checkout.behave({
    [reloadCommand]: { stdout: 'dlt: loaded raw_ebird\n', sql: [reloadRawSql('raw_ebird.observations', 5_000)], params: ['env:DATABOX_BACKFILL_START', 'env:DATABOX_BACKFILL_END'] },
    [restateCommand]: { stdout: 'sqlmesh: restated 2 models\n', sql: restateMartSql('raw_ebird.observations', 'ebird.fct_daily_bird_observations'), params: ['arg:--start', 'arg:--end'] },
    [listPlansCommand]: { stdout: 'plan_id          created_at\nplan_7f3a9c21    2026-04-17 06:00\nplan_0b1e77d4    2026-04-24 06:00\n' },
  });
  runbooksDir = writeBackfillWithRollbackParameter(tempDir());
  harness = await startBot(checkout, slack, { DATABOX_RUNBOOKS_DIR: runbooksDir }, clock);
});

afterEach(() => closeStandIns(harness, slack, checkout));

async function rawPerDay(): Promise<Record<string, string>> {
  const instance = await DuckDBInstance.create(checkout.databasePath, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    const rows = (await connection.runAndReadAll(`SELECT CAST(observation_date AS VARCHAR), count(*) FROM raw_ebird.observations GROUP BY 1`)).getRowsJson() as [string, string][];
    return Object.fromEntries(rows);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

const message = (startsWith: string) => slack.posted(startsWith);

/** Diagnose, pick path A, accept the window the form is prefilled with, and have a teammate approve it. */
async function recover(): Promise<void> {
  await harness.command('diagnose backfill source=ebird', operator);
  await harness.settle();
  await acceptPathForm(harness, slack, 'a', operator);
  await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
  await harness.settle();
}

const recoveryRunId = () => String(journalRecordsOf(checkout).find((r) => r.type === 'run.proposed' && r.data.run.kind === 'recovery')?.data.runId);

describe('a rollback that takes a parameter', () => {
  it('posts its inspect step beside the form, refuses a bad value there, and runs the step with the one given', async () => {
    const before = await rawPerDay();
    await recover();
    // Both workers are taken by long read-only runs: neither the rollback asked for (and the inspect step posted to
    // help fill in its form) nor the rollback submitted waits behind them.
    checkout.behave({ 'uv run sqlmesh audit': { sleepMs: 30_000 }, 'task verify': { sleepMs: 30_000 } });
    const longRuns = () => checkout.calls().filter((c) => c.command === 'uv run sqlmesh audit' || c.command === 'task verify');
    await harness.command('diagnose duckdb', teammate);
    await harness.command('validate duckdb', teammate);
    await slack.waitFor('both workers to be busy', () => longRuns().length === 2, 30_000);
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await slack.waitFor('the plans to be listed while both still run', () => slack.allText().includes('plan_7f3a9c21'), 20_000);
    const modal = slack.lastForm();
    expect(modal.callback_id).toBe('rollback_parameters_modal');
    const approvesBefore = new Set(slack.buttons('approve_plan').map((b) => b.value));
    expect(checkout.calls().at(-1)).toMatchObject({ command: listPlansCommand, cwd: checkout.path('transforms', 'main') });

    const bad = await harness.submitModal(operator, modal, { plan_id: 'plan; rm -rf /' });
    expect(bad.json?.errors?.plan_id).toMatch(/^plan_id contains ;, a shell metacharacter no value may hold: type the value without it\./);
    const badToken = await harness.submitModal(operator, modal, { plan_id: 'plan/../x' });
    expect(badToken.json?.errors?.plan_id).toMatch(/is not a plain token/);

    await harness.submitModal(operator, modal, { plan_id: 'plan_7f3a9c21' });
    await slack.waitFor('the rollback plan to be posted while both still run', () => slack.buttons('approve_plan').some((b) => !approvesBefore.has(b.value)), 20_000);
    expect(longRuns(), 'the long runs are still running').toHaveLength(2);
    checkout.behave({ 'uv run sqlmesh audit': {}, 'task verify': {} });
    for (const run of longRuns()) process.kill(run.pid);
    await harness.settle();
    expect(message('Plan Rollback')).toContain(restorePlanCommand('plan_7f3a9c21'));
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();

    expect(checkout.calls().slice(-2).map((c) => c.command)).toEqual([restateCommand, restorePlanCommand('plan_7f3a9c21')]);
    expect(await rawPerDay()).toEqual(before);
    expect(slack.allText()).toContain('Rollback passed');
  });

  it('says in its plan and the postmortem what it leaves out when the parameter is not given', async () => {
    const before = await rawPerDay();
    await recover();
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    const modal = slack.lastForm();
    await harness.submitModal(operator, modal, { plan_id: null });
    await harness.settle();
    const plan = message('Plan Rollback');
    expect(plan).toContain(`Left out, as plan_id= was not given: Restore the marts to the plan given (${leftOutNote}).`);
    expect(plan).not.toContain('restore-marts');
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(checkout.calls().map((c) => c.command)).not.toContain(restorePlanCommand(''));
    expect(await rawPerDay()).toEqual(before);
    const incidentId = String(journalRecordsOf(checkout).find((r) => r.type === 'incident.opened')?.incident);
    await harness.command(`postmortem ${incidentId}`, operator);
    await harness.settle();
    expect(fs.readFileSync(path.join(checkout.stateDir, 'postmortems', `${incidentId}.md`), 'utf8')).toContain(`- Left out, as plan_id= was not given: Restore the marts to the plan given (${leftOutNote})`);
  });

  it('asks for none when the step reading it is left out because what it undoes never ran, and refuses one typed', async () => {
    const before = await rawPerDay();
    checkout.behave({ [reloadCommand]: { exit: 98, stderr: 'dlt: source ebird failed\n' } });
    await recover();
    const recoveryRun = recoveryRunId();
    const env = cliEnv({ DATABOX_ROOT: checkout.root, DATABOX_STATE_DIR: checkout.stateDir, DATABOX_RUNBOOKS_DIR: runbooksDir, PATH: `${standinBin}:${process.env.PATH}`, USER: 'alice' });
    const typed = await runCliProcess(['rollback', recoveryRun, 'plan_id=plan_7f3a9c21'], { env, stdin: 'ignore' });
    expect(typed.code).toBe(2);
    expect(typed.stderr).toContain(`plan_id=: no step of this rollback uses it, since the step of ${recoveryRun} it would undo did not run. Nothing was proposed; ask again without it`);
    const viewsBefore = slack.callsTo('views.open').length;
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    expect(slack.callsTo('views.open'), 'no form: nothing to ask').toHaveLength(viewsBefore);
    expect(message('Plan Rollback')).not.toContain('restore-marts');
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(checkout.calls().map((c) => c.command)).toEqual([reloadCommand]);
    expect(await rawPerDay()).toEqual(before);
  });

  it("says Slack's refusal to open its form as what to do instead, not as the bot's own failure, and proposes nothing", async () => {
    await recover();
    const recoveryRun = recoveryRunId();
    const proposedBefore = journalRecordsOf(checkout).filter((r) => r.type === 'run.proposed').length;
    slack.refuse = (method) => (method === 'views.open' ? 'invalid_arguments' : undefined);
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    const told = [...slack.ephemerals(operator), ...slack.responses.map((r) => String(r.body.text))].join('\n');
    expect(told).toContain(`Slack would not open the rollback's form (invalid_arguments), so nothing was proposed: click *Roll back…* again for a new form, or a terminal proposes the rollback, \`npm run --silent cli -- rollback ${recoveryRun}\``);
    expect(told).not.toContain("went wrong on the bot's side");
    expect(journalRecordsOf(checkout).filter((r) => r.type === 'run.proposed')).toHaveLength(proposedBefore);
  });
});
