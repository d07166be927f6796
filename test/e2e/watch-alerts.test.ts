// The watchers inside the real bot: a disk alert posted once to DATABOX_ALERT_CHANNEL (also across a restart), its button
// opening a scenario-1 incident thread through Bolt over signed HTTP, and /databox status listing each watcher.
import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { Checkout, createHealthyDatabase } from '../helpers/databox-checkout.js';
import { blockNetwork } from '../helpers/no-network.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns } from '../helpers/stand-ins.js';

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness | undefined;

blockNetwork();
beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
  harness = undefined;
});
afterEach(() => closeStandIns(harness, slack, checkout));

const alerts = () => slack.callsTo('chat.postMessage').filter((a) => a.channel === 'C0ALERTS' && !a.thread_ts);

describe('watcher alerts in the bot', () => {
  it('posts a disk alert once, across a restart, and its button opens a scenario-1 incident thread', async () => {
    await createHealthyDatabase(checkout.databasePath, 1_000);
    const env = { DATABOX_ALERT_CHANNEL: 'C0ALERTS', DATABOX_DISK_ALERT_PERCENT: '1', DATABOX_WATCH_INTERVAL: '1h', DATABOX_WATCH_MARTS: 'false' };
    harness = await startBot(checkout, slack, env);
    await slack.waitFor('the disk alert', () => alerts().length === 1);
    expect(String(alerts()[0]?.text)).toMatch(/^:rotating_light: Disk at or over 1%: .*databox\.duckdb \d+(\.\d)?% used/);

    await harness.stop();
    harness = await startBot(checkout, slack, env);
    // The restarted bot has checked (its status says so) and has not alerted again.
    await slack.waitFor('the first check after the restart', () => harness?.bot.watch.lastCheck('disk') !== undefined);
    await harness.bot.watch.idle();
    expect(alerts()).toHaveLength(1);

    const [button] = slack.buttons('open_incident_from_alert');
    expect(button).toMatchObject({ channel: 'C0ALERTS', value: JSON.stringify({ scenario: 'duckdb', watcher: 'disk' }) });
    const clicked = await harness.click(button as NonNullable<typeof button>, 'U0ONCALL');
    expect(clicked.status).toBe(200);
    await harness.settle();
    const roots = slack.callsTo('chat.postMessage').filter((a) => !a.thread_ts && String(a.text).startsWith('Incident dbx-'));
    expect(roots).toHaveLength(1);
    expect(roots[0]).toMatchObject({ channel: 'C0ALERTS' });
    expect(String(roots[0]?.text)).toMatch(/^Incident dbx-\d{8}-[0-9a-f]{4}: Blown DuckDB file/);
    expect(slack.callsTo('chat.postMessage').some((a) => String(a.text).startsWith('Verdict:'))).toBe(true);
    const note = slack.callsTo('chat.postMessage').find((a) => a.thread_ts === button?.ts);
    expect(String(note?.text)).toMatch(/^<@U0ONCALL> opened incident `dbx-\d{8}-[0-9a-f]{4}` \(Blown DuckDB file/);
  });

  it('lists each watcher with its state and last check in /databox status', async () => {
    harness = await startBot(checkout, slack, { DATABOX_WATCH_INTERVAL: '1h', DATABOX_WATCH_MARTS: 'false' });
    await slack.waitFor('the first check', () => harness?.bot.watch.lastCheck('disk') !== undefined);
    const response = await harness.command('status');
    const text = String(response.json?.text ?? response.text);
    expect(text).toContain('*Watchers:*');
    expect(text).toContain('• Dagster daemon heartbeat: off: DAGSTER_URL is not set');
    expect(text).toMatch(/• Disk space: healthy: under 90% used: .* \(last check \d\d:\d\d:\d\d UTC, every 1 h 0 min\)/);
    expect(text).toContain('• Mart freshness: turned off (DATABOX_WATCH_MARTS=false)');
  });

  it('refuses a forged alert button without opening anything', async () => {
    harness = await startBot(checkout, slack, { DATABOX_WATCH_INTERVAL: '1h' });
    await harness.click({ actionId: 'open_incident_from_alert', value: '{"scenario":"rm -rf"}', channel: 'C0ALERTS', ts: '1.1' }, 'U0ONCALL');
    await harness.settle();
    const journal = fs.readFileSync(`${checkout.stateDir}/journal.jsonl`, 'utf8');
    expect(journal).toContain('this button carries a value the bot never gave it');
    expect(slack.callsTo('chat.postMessage').filter((a) => String(a.text).startsWith('Incident dbx-'))).toHaveLength(0);
  });
});
