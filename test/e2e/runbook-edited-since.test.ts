// Runbooks edited while a plan waits, through Slack's real protocol: a recovery path taken out of a copied
// DATABOX_RUNBOOKS_DIR, the bot restarted to load them (it reads them at its start), then its plan's Approve clicked.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { writeGarbage, type Checkout } from '../helpers/databox-checkout.js';
import { projectRoot } from '../helpers/cli-process.js';
import { blockNetwork } from '../helpers/no-network.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, journalRecordsOf, openStandIns } from '../helpers/stand-ins.js';
import { fingerprint } from '../support/fingerprint.js';

const operator = 'U0OPERATOR';
const teammate = 'U0TEAMMATE';
const bundledDuckdb = fs.readFileSync(path.join(projectRoot, 'runbooks', 'duckdb.yml'), 'utf8');

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness;
let runbooksDir: string;

blockNetwork();

beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
  runbooksDir = checkout.path('runbooks-copy');
  fs.cpSync(path.join(projectRoot, 'runbooks'), runbooksDir, { recursive: true });
});
afterEach(() => closeStandIns(harness, slack, checkout));

describe('runbooks edited while a plan waits, in Slack', () => {
  it('refuses the Approve click of a plan whose recovery path was taken out of the runbooks since: says so to the approver, runs nothing, on the record', async () => {
    // A path R added (path A's steps under another id), its plan proposed, then R taken out again and the bot restarted.
    const doc = parse(bundledDuckdb) as Record<string, any>;
    doc.recovery.push({ ...doc.recovery[0], id: 'r', title: 'Rebuild from raw dlt state (a trial copy)' });
    fs.writeFileSync(path.join(runbooksDir, 'duckdb.yml'), stringify(doc));
    writeGarbage(checkout.databasePath);
    const broken = fingerprint(checkout.databasePath);
    const env = { DATABOX_RUNBOOKS_DIR: runbooksDir };
    harness = await startBot(checkout, slack, env);
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    await harness.command('recover duckdb path=r', operator);
    await harness.settle();
    const approve = slack.buttons('approve_plan').at(-1);
    expect(approve, "path R's plan was posted with an Approve button").toBeDefined();
    const runId = (JSON.parse(approve!.value) as { run: string }).run;
    fs.writeFileSync(path.join(runbooksDir, 'duckdb.yml'), bundledDuckdb);
    await harness.stop();
    harness = await startBot(checkout, slack, env);

    const answer = await harness.click(approve!, teammate);
    await harness.settle();
    expect(answer.status).toBe(200);
    const refusal = 'the duckdb runbook no longer has path R, which this plan is for: the runbooks were probably edited since the plan was made. Nothing was run; propose it again from the runbooks as they are now';
    expect(slack.ephemerals(teammate).at(-1)).toContain(refusal);
    expect(checkout.calls(), 'no command ran').toEqual([]);
    expect(checkout.listData(), 'nothing was moved').toEqual(['databox.duckdb']);
    expect(fingerprint(checkout.databasePath)).toBe(broken);
    const records = journalRecordsOf(checkout);
    expect(records.filter((r) => r.data?.runId === runId && ['run.approved', 'run.started', 'step.started'].includes(r.type))).toEqual([]);
    expect(records.filter((r) => r.type === 'approval.refused').map((r) => [r.actor, r.data.runId, r.data.reason])).toEqual([[teammate, runId, refusal]]);
  });
});
