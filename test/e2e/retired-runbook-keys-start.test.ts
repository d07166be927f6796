// The bot started on runbooks of an older version, one holding a key this one no longer reads: it starts, and its log warns once, naming the key to remove.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import type { Checkout } from '../helpers/databox-checkout.js';
import { projectRoot } from '../helpers/cli-process.js';
import { blockNetwork } from '../helpers/no-network.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns } from '../helpers/stand-ins.js';

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness;

blockNetwork();

beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
});
afterEach(() => closeStandIns(harness, slack, checkout));

describe('a start on runbooks holding a retired key', () => {
  it('starts, and warns once that launchedBackfill is no longer read, at its file and line', async () => {
    const runbooksDir = checkout.path('runbooks-copy');
    fs.cpSync(path.join(projectRoot, 'runbooks'), runbooksDir, { recursive: true });
    const doc = parse(fs.readFileSync(path.join(runbooksDir, 'schedule.yml'), 'utf8')) as Record<string, any>;
    const stop = doc.recovery.flatMap((p: any) => p.rollback?.steps ?? []).find((step: any) => step.kind === 'dagster-schedule-stop');
    stop.launchedBackfill = '{{recovery.backfill.backfillId?}}';
    const text = stringify(doc);
    fs.writeFileSync(path.join(runbooksDir, 'schedule.yml'), text);
    const line = text.split('\n').findIndex((l) => l.includes('launchedBackfill')) + 1;
    harness = await startBot(checkout, slack, { DATABOX_RUNBOOKS_DIR: runbooksDir });
    const warned = harness.logs.filter((l) => typeof l.msg === 'string' && l.msg.includes('launchedBackfill'));
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({ level: 40, runbooksDir });
    expect(warned[0]!.msg).toMatch(`${path.join(runbooksDir, 'schedule.yml')}:${line}: at recovery[`);
    expect(warned[0]!.msg).toMatch(/\.launchedBackfill: launchedBackfill is no longer read: the backfill step says this now; remove it$/);
  });
});
