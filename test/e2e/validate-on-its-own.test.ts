// A validation typed on its own, through the real Bolt app: with no window to wait through it reads the marts once and
// holds no worker; a diagnosis queued behind busy workers is told what it waits behind; a read-only validation that
// waits is stopped at once by /databox unlock, which does not call it a recovery.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import type { Checkout } from '../helpers/databox-checkout.js';
import { blockNetwork } from '../helpers/no-network.js';
import { createMartsDatabase } from '../helpers/schedule-data.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, journalRecordsOf, openStandIns } from '../helpers/stand-ins.js';

const operator = 'U0OPERATOR';
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
/** Scenario 4's settings as the tester had them: no DAGSTER_URL (the CLI is asked), no watchers. */
const noWebserver = { DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' };

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness | undefined;

blockNetwork();
beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
  harness = undefined;
});
afterEach(async () => {
  await closeStandIns(harness, slack, checkout);
});

const validationsStarted = () => journalRecordsOf(checkout).filter((r) => r.type === 'run.proposed' && r.data.run.kind === 'validation').map((r) => r.data.run.id as string);
const responses = () => slack.responses.map((r) => String(r.body.text));

describe('a validation typed on its own', () => {
  it('with no window to wait through (no incident=, no from= to=) reads the marts once: no two-hour wait holds a worker', async () => {
    // Marts stale for days, and nothing recovered: there is nothing that could still land.
    await createMartsDatabase(checkout.databasePath, daysAgo(6));
    harness = await startBot(checkout, slack, noWebserver);
    await harness.command('validate schedule', operator);
    // Before the fix the marts were read every minute for two hours: the validation did not end within the minute.
    await slack.waitFor('the validation to end', () => /Validation (succeeded|failed)/.test(slack.allText()), 60_000);
    await harness.settle();
    const text = slack.allText();
    expect(text).toContain('Validation failed');
    expect(text).not.toMatch(/repeated every 1m/);
    const run = journalRecordsOf(checkout).find((r) => r.type === 'run.proposed' && r.data.run.kind === 'validation')?.data.run;
    expect(run.steps.find((s: any) => s.id === 'fresh').waitUntil).toBeUndefined();
  });

  it('with a window waits, as after a backfill; a diagnosis queued behind two of them is told what it waits behind; unlock stops each at once, not as a recovery', async () => {
    await createMartsDatabase(checkout.databasePath, daysAgo(6));
    harness = await startBot(checkout, slack, { ...noWebserver, DATABOX_WORKERS: '2' });
    const window = `from=${daysAgo(5)} to=${daysAgo(2)}`;
    await harness.command(`validate schedule ${window}`, operator);
    await harness.command(`validate schedule ${window}`, operator);
    await slack.waitFor('both validations waiting for the marts', () => (slack.allText().match(/repeated every 1m/g) ?? []).length >= 2 && validationsStarted().length === 2, 30_000);

    // Both workers are held: the diagnosis waits, and is told behind what, with where to look.
    await harness.command('diagnose duckdb', operator);
    const queued = ':hourglass_flowing_sand: Your `/databox diagnose duckdb` is queued: every worker is busy (running: validate schedule, validate schedule). It starts as soon as one is free, and its incident opens in this channel then, with every step in its thread; `/databox status` lists what runs and what waits.';
    await slack.waitFor('the queued note', () => responses().includes(queued), 15_000);
    expect(responses().join('\n')).not.toContain("its incident's first message is not in the channel yet");

    // Read-only: stopped at once by whoever asks, no second person, and never called a recovery.
    const [first, second] = validationsStarted() as [string, string];
    await harness.command(`unlock ${first}`, operator);
    const stopped = `:octagonal_sign: Stopped validation \`${first}\` (Validation: Dagster daemon stopped or schedules paused) at once: it only reads, so stopping it changed nothing`;
    await slack.waitFor('the stop said', () => responses().some((text) => text.startsWith(stopped)), 15_000);
    await harness.command(`unlock ${second}`, operator);
    await harness.settle();
    expect(responses().join('\n')).not.toMatch(/recovery half-done|is running right now/);
    const records = journalRecordsOf(checkout);
    for (const id of [first, second]) {
      expect(records.find((r) => r.type === 'unlock.requested' && r.data.runId === id)?.data).toMatchObject({ was: 'running', stoppedAtOnce: 'read-only' });
      expect(records.find((r) => r.type === 'run.finished' && r.data.runId === id)?.data.status).toBe('failed');
    }
    // The diagnosis got a worker once they stopped.
    expect(records.some((r) => r.type === 'diagnosis.verdict')).toBe(true);
  });
});
