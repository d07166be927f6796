// "/databox status" through the real Bolt app: an incident that still needs someone is listed however many settled ones
// came after it (five diagnoses of a healthy file), and the status says how many it left out.
import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { Checkout, createHealthyDatabase, writeGarbage } from '../helpers/databox-checkout.js';
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

const quiet = { DATABOX_WATCH_INTERVAL: '1h', DATABOX_WATCH_DATABASE: 'false', DATABOX_WATCH_DISK: 'false', DATABOX_WATCH_MARTS: 'false' };
const incidentIds = () => slack.callsTo('chat.postMessage').flatMap((m) => (!m.thread_ts ? (/^Incident (dbx-\d{8}-[0-9a-f]{4}):/.exec(String(m.text))?.slice(1) ?? []) : []));

describe('/databox status', () => {
  it('lists an incident whose plan waits however many settled incidents came after it, first, and says how many it left out', async () => {
    writeGarbage(checkout.databasePath);
    const bot = await startBot(checkout, slack, quiet);
    harness = bot;
    await bot.command('diagnose duckdb', 'U0ONCALL', 'C0INCIDENT');
    await bot.settle();
    await bot.click(slack.buttons('choose_path_a').at(-1)!, 'U0ONCALL');
    await bot.settle();
    const [waiting] = incidentIds();
    expect(slack.buttons('approve_plan')).toHaveLength(1);

    // The file put right by hand: five diagnoses of it (each its own incident) find it healthy, and offer nothing.
    fs.rmSync(checkout.databasePath);
    await createHealthyDatabase(checkout.databasePath, 100);
    for (const user of ['U0ONE', 'U0TWO', 'U0THREE', 'U0FOUR', 'U0FIVE']) {
      await bot.command('diagnose duckdb', user, 'C0INCIDENT');
      await bot.settle();
    }
    const ids = incidentIds();
    expect(ids).toHaveLength(6);

    const text = String((await bot.command('status', 'U0ONCALL')).json?.text ?? '');
    const listed = [...text.matchAll(/^• `(dbx-\d{8}-[0-9a-f]{4})`/gm)].map((m) => m[1]);
    // The one that needs someone first, then the four latest of the others; the oldest healthy one is left out, and said so.
    expect(listed).toEqual([waiting, ...ids.slice(2).reverse()]);
    expect(text).toMatch(new RegExp(`^• \`${waiting}\` Blown DuckDB file.*; now: a plan waiting for approval \\(${waiting}/\\d+\\)$`, 'm'));
    expect(text).toContain('*Latest incidents* (unfinished ones first, however old):');
    expect(text).toContain("_…and 1 more incident, all settled, not listed: each has its own thread, and `/databox postmortem &lt;incident-id&gt;` tells one's story._");
  });
});
