// Scenario 3 through the real Bolt app over signed HTTP against the MotherDuck stand-in: the swap's named snapshot
// removed by hand (no cleanup) refuses its rollback, and the refusal gives the time the swap started, from the journal,
// with the command that diagnoses that moment; followed, that diagnosis and path B put back the state from before it.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localTarget } from '../../src/database/local-target.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import type { Checkout } from '../helpers/databox-checkout.js';
import { createTablesSql, MotherDuckStandIn } from '../helpers/motherduck-stand-in.js';
import { blockNetwork } from '../helpers/no-network.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, journalRecordsOf, openStandIns } from '../helpers/stand-ins.js';
import { escapeRegExp } from '../support/escape-regexp.js';

const operator = 'U0OPERATOR';
const teammate = 'U0TEAMMATE';
const token = 'md-gone-secret-token-value-0123';
const marts = ['ebird.fct_daily_bird_observations', 'noaa.fct_daily_weather', 'usgs.fct_daily_streamflow', 'analytics.fct_species_environment_daily'];
const count = 'SELECT count(*) FROM analytics.fct_species_environment_daily';
const day = 86_400_000;
const utc = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
/** Slack's text as a person reads it: the quotes in JSON blocks unescaped, and &, < and > as typed. */
const readable = (text: unknown) => String(text).replace(/\\"/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness;
let md: MotherDuckStandIn;

blockNetwork();
beforeAll(async () => {
  ({ slack, checkout } = await openStandIns());
  md = new MotherDuckStandIn(path.join(checkout.stateDir, '..', 'md'));
  // 15 days ago the marts with 100 rows; 2 hours ago the bad write that kept 30.
  await md.createDatabase('databox', createTablesSql(marts), new Date(Date.now() - 15 * day));
  await md.write('databox', marts.map((t) => `DELETE FROM ${t} WHERE id < 70;`).join(' '), new Date(Date.now() - 2 * 3_600_000));
  harness = await startBot(checkout, slack, { MOTHERDUCK_TOKEN: token, DATABOX_BACKEND: 'motherduck', DATABOX_REQUESTERS: `${operator},${teammate}` }, undefined, undefined, {
    targets: { local: localTarget(checkout.databasePath), motherduck: md, backend: md },
  });
});
afterAll(() => closeStandIns(harness, slack, checkout));

const approveNewest = async () => {
  await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
  await harness.settle();
};

describe("the swap's named snapshot removed by hand", () => {
  it('refuses the rollback with the time the swap started and the command that diagnoses it; followed, path B puts back the state from before the swap', async () => {
    await harness.command(`recover motherduck path=a at="${utc(Date.now() - day)}"`, operator);
    await harness.settle();
    const incident = journalRecordsOf(checkout).filter((r) => r.type === 'incident.opened').at(-1)?.incident as string;
    const slug = incident.replace(/-/g, '_');
    await approveNewest();
    await approveNewest();
    expect(await md.value('databox', count), 'swapped').toBe('100');
    const swapRun = journalRecordsOf(checkout).filter((r) => r.type === 'run.proposed' && r.data.run.pathId === 's').at(-1)?.data.runId as string;
    const started = journalRecordsOf(checkout).find((r) => r.type === 'run.started' && r.data.runId === swapRun)?.at as string;
    // The journal's time as `at` takes it: to the millisecond, in six digits, none when they are all zero.
    const moment = `${started.slice(0, 10)} ${started.slice(11, 19)}${started.slice(20, 23) === '000' ? '' : `.${started.slice(20, 23)}000`}`;
    const swapSnapshot = md.namedSnapshots().find((name) => name.startsWith(`databox_bot_${slug}_swap_`)) as string;
    expect(swapSnapshot).toBeDefined();

    // By hand, outside the bot: no cleanup of the incident knows of it.
    md.renameSnapshot('databox', swapSnapshot, '');
    const sent = md.sent.length;
    const plans = slack.buttons('approve_plan').length;
    await harness.click(slack.buttons('request_rollback').find((b) => JSON.parse(b.value).run === swapRun)!, operator);
    await harness.settle();
    const said = readable(slack.ephemerals(operator).at(-1));
    expect(said).toContain('refused, nothing was run: the check "The named snapshot taken before the swap still has its name');
    expect(said).toContain(
      `'${swapSnapshot}' is no longer a named snapshot of databox, and no cleanup of this incident removed its name: it was removed or renamed by hand. ` +
        `The bot took it in ${swapRun}, right before its step "swap"; ${swapRun} started at ${moment} UTC (its journal), so databox as it was before it is the moment at="${moment}". ` +
        `While the retention (7 days) keeps that moment, diagnose it, \`/databox diagnose motherduck at="${moment}" incident=${incident}\`, and restore it by time on the path its verdict offers; databox has no named snapshot now`,
    );
    expect(slack.buttons('approve_plan'), 'nothing proposed').toHaveLength(plans);
    expect(md.sent.slice(sent).filter((s) => !/^\s*SELECT/i.test(s.sql)), 'nothing but reads sent').toEqual([]);

    // The way out works: that moment is restorable, and path B at it puts back the state from before the swap.
    await harness.command(`diagnose motherduck at="${moment}" incident=${incident}`, operator);
    await harness.settle();
    const verdict = readable(slack.callsTo('chat.postMessage').filter((p) => String(p.text).includes('A restorable moment')).at(-1)?.blocks);
    expect(verdict).toMatch(new RegExp(`${escapeRegExp(moment)} UTC \\(read as UTC, as every moment given to the bot is\\) can be restored`));
    expect(verdict).toContain('analytics.fct_species_environment_daily 100 now, 30 at');
    await harness.command(`recover motherduck path=b at="${moment}" incident=${incident}`, operator);
    await harness.settle();
    await approveNewest();
    expect(await md.value('databox', count), 'back to before the swap').toBe('30');
  });
});
