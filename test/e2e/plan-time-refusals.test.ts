// A recovery plan is refused, before anyone approves it, for what would otherwise stop it or its validation only after
// the data changed: a command's cwd that is not there, a validation program missing, a kept copy's file already there.
// A path with no rollback says so on its plan and again when its validation fails, naming what it kept.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHealthyDatabase, type Checkout } from '../helpers/databox-checkout.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, journalRecordsOf, openStandIns } from '../helpers/stand-ins.js';
import { acceptPathForm } from '../helpers/form-flow.js';
import { blockNetwork } from '../helpers/no-network.js';
import { compactTimestamp } from '../../src/timestamps.js';

const operator = 'U0OPERATOR';
const teammate = 'U0TEAMMATE';
const projectRoot = path.resolve(import.meta.dirname, '..', '..');
const scanCmd = 'uv run soda scan -d databox -c soda/configuration.yml soda/checks.yml';
const reloadCmd = 'uv run dagster asset materialize --select ebird_dlt_assets -f packages/databox/databox/orchestration/definitions.py';

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness | undefined;
let runbooksDir: string;
blockNetwork();
beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
  harness = undefined;
  runbooksDir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-time-runbooks-'));
});
afterEach(async () => {
  await closeStandIns(harness, slack, checkout);
  fs.rmSync(runbooksDir, { recursive: true, force: true });
});

/** The shipped runbooks and the Soda one, with `edit` applied to the Soda one's text (each edit must find its text). */
function writeRunbooks(edits: [string, string][]): void {
  for (const file of fs.readdirSync(path.join(projectRoot, 'runbooks')).filter((f) => f.endsWith('.yml'))) {
    fs.copyFileSync(path.join(projectRoot, 'runbooks', file), path.join(runbooksDir, file));
  }
  let text = fs.readFileSync(path.join(projectRoot, 'test', 'fixtures', 'runbooks', 'soda.yml'), 'utf8');
  for (const [from, to] of edits) {
    expect(text).toContain(from);
    text = text.replace(from, to);
  }
  fs.writeFileSync(path.join(runbooksDir, 'soda.yml'), text);
}

async function sql(statements: string): Promise<unknown[][]> {
  const instance = await DuckDBInstance.create(checkout.databasePath);
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(statements)).getRowsJson() as unknown[][];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Diagnosed with failing checks, then path A's form sent as it opened: the plan proposed, or refused. `clock`: the bot's. */
async function diagnoseAndChoosePathA(edits: [string, string][], scanAfterExit = 0, clock?: () => Date): Promise<void> {
  writeRunbooks(edits);
  await createHealthyDatabase(checkout.databasePath, 1000);
  await sql(`CREATE SCHEMA soda; CREATE TABLE soda.check_results (check_name VARCHAR, outcome VARCHAR, source VARCHAR);
    INSERT INTO soda.check_results VALUES ('row_count > 900', 'fail', 'ebird');`);
  checkout.behave({
    [scanCmd]: { exit: 2, stdout: 'Scan summary:\n1/1 checks FAILED\n' },
    [reloadCmd]: { stdout: 'RUN_SUCCESS\n', sql: ["INSERT INTO raw_ebird.observations SELECT range + 1000000, DATE '2026-04-30', 'x' FROM range(50)"] },
  });
  harness = await startBot(checkout, slack, { DATABOX_RUNBOOKS_DIR: runbooksDir }, clock);
  await harness.command('diagnose soda source=ebird', operator);
  await harness.settle();
  expect(slack.buttons('choose_path_a').length).toBeGreaterThan(0);
  checkout.behave({ [scanCmd]: { exit: scanAfterExit, stdout: 'Scan summary:\n' } });
  await acceptPathForm(harness, slack, 'a', operator);
}

/** Everything the bot said in Slack: messages (text and blocks) and what only one person saw. */
function said(): string {
  return [...slack.messages().map((m) => `${m.text}\n${m.blocks}`), ...slack.callsTo('chat.postEphemeral').map((e) => String(e.text))].join('\n');
}

function nothingProposed(): void {
  expect(slack.buttons('approve_plan')).toEqual([]);
  expect(journalRecordsOf(checkout).filter((r) => r.type === 'run.proposed' && r.data.run.kind === 'recovery')).toEqual([]);
}

describe('a recovery plan refused before approval for a runbook mistake', () => {
  it("refuses a plan whose command step's cwd is not there, naming the step, the folder and the field", async () => {
    await diagnoseAndChoosePathA([['        timeout: 30m\n', '        timeout: 30m\n        cwd: orchestration\n']]);
    const text = said();
    expect(text).toContain(`refused, nothing was proposed: the step "Re-run the source's dlt load" runs uv in ${checkout.path('orchestration')}, and that folder does not exist (the runbook's \`cwd:\` of this step`);
    nothingProposed();
    expect(checkout.calls().map((c) => c.command)).not.toContain(reloadCmd);
  }, 120_000);

  it('refuses a recovery whose validation runs a program that is not on PATH, naming the validation and its step', async () => {
    await diagnoseAndChoosePathA([['      title: Run the Soda scan again\n      argv: [uv, run, soda,', '      title: Run the Soda scan again\n      argv: [soda,']]);
    const text = said();
    expect(text).toMatch(/refused, nothing was proposed: this plan could run, but the validation that runs after it could not start: the step "Run the Soda scan again" runs soda, and "soda" is not on PATH/);
    expect(text).toContain('a mistake in the runbook soda');
    nothingProposed();
  }, 120_000);

  it("refuses a plan whose kept copy's file is already there, and leaves that file as it is", async () => {
    // Its `to:` has {{now}}, as every runbook that loads has (a `to:` without it is refused at load), and the file of
    // that second is there all the same: another plan's made the same second, or one put there by hand.
    const planMadeAt = new Date();
    const earlier = checkout.path('var', 'backups', `raw_ebird.observations.${compactTimestamp(planMadeAt)}.parquet`);
    fs.mkdirSync(path.dirname(earlier), { recursive: true });
    fs.writeFileSync(earlier, 'an earlier recovery kept this');
    await diagnoseAndChoosePathA([['"{{state_dir}}/backups/{{incident_id}}/{{source.raw_table}}.{{now}}.parquet"', '"{{state_dir}}/backups/{{source.raw_table}}.{{now}}.parquet"']], 0, () => planMadeAt);
    const text = said();
    expect(text).toContain(`refused, nothing was proposed: the step "Keep the raw table before the reload": it keeps rows in ${earlier}, which already exists: it may be what an earlier recovery kept, and it is left as it is.`);
    expect(text).toContain('Propose again in a moment (the time in its name will differ), or move that file aside if nothing needs it');
    nothingProposed();
    expect(fs.readFileSync(earlier, 'utf8')).toBe('an earlier recovery kept this');
  }, 120_000);
});

describe('a changing path with no rollback', () => {
  it('says so on its plan, and when its validation fails says so again naming the file it kept', async () => {
    const text = fs.readFileSync(path.join(projectRoot, 'test', 'fixtures', 'runbooks', 'soda.yml'), 'utf8');
    const rollback = text.slice(text.indexOf('    rollback:\n'), text.indexOf('\nvalidation:'));
    await diagnoseAndChoosePathA([[rollback, '']], 2);
    const plan = slack.messages().find((m) => m.text.includes('Path A: Re-run the dlt load of the source') && String(m.blocks).includes(':clipboard:'));
    expect(String(plan?.blocks)).toContain(':warning: This path has no rollback: once it ran, nothing the bot offers undoes what it changes');
    await harness!.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness!.settle();
    const kept = journalRecordsOf(checkout).find((r) => r.type === 'step.finished' && r.data.result.stepId === 'keep_raw')?.data.result.outputs.file as string;
    expect(fs.existsSync(kept)).toBe(true);
    const said = slack.messages().map((m) => m.text).join('\n');
    expect(said).toContain(
      `The validation failed, and path A of soda (Re-run the dlt load of the source) has no rollback: nothing the bot offers undoes what plan ${journalRecordsOf(checkout).find((r) => r.type === 'incident.opened')?.incident}/2 changed. What it kept before changing anything, to compare with or put back by hand: \`${kept}\``,
    );
    expect(slack.buttons('request_rollback')).toEqual([]);
  }, 120_000);
});
