// Scenario 3 through the real Bolt app over signed HTTP, against the MotherDuck stand-in: the diagnosis' snapshot table
// and counts, path A's clone then its swap as a second plan a teammate approves, the named snapshot, no token anywhere,
// and a missing token, a refused token and an extension that cannot load each told in one line in the thread (scenario 2's
// diagnosis on MotherDuck too).
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localTarget } from '../../src/database/local-target.js';
import { motherDuckTarget } from '../../src/database/motherduck-target.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import type { Checkout } from '../helpers/databox-checkout.js';
import { createTablesSql, MotherDuckStandIn } from '../helpers/motherduck-stand-in.js';
import { blockNetwork } from '../helpers/no-network.js';
import { prefilledValues, type SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns } from '../helpers/stand-ins.js';

const operator = 'U0OPERATOR';
const teammate = 'U0TEAMMATE';
const token = 'md-e2e-secret-token-value-0042';
const marts = ['ebird.fct_daily_bird_observations', 'noaa.fct_daily_weather', 'usgs.fct_daily_streamflow', 'analytics.fct_species_environment_daily'];
const count = 'SELECT count(*) FROM analytics.fct_species_environment_daily';

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness;

blockNetwork();
beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
});
afterEach(() => closeStandIns(harness, slack, checkout));

async function motherDuck(): Promise<MotherDuckStandIn> {
  const md = new MotherDuckStandIn(path.join(checkout.stateDir, '..', 'md'));
  const hour = 3_600_000;
  const create = createTablesSql(marts);
  await md.createDatabase('databox', create, new Date(Date.now() - 48 * hour));
  await md.write('databox', marts.map((t) => `DELETE FROM ${t} WHERE id < 70;`).join(' '), new Date(Date.now() - 2 * hour));
  return md;
}

/** A UTC moment between the good snapshot and the bad write. */
const goodMoment = () => new Date(Date.now() - 24 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');

describe('scenario 3 in Slack', () => {
  it('diagnoses, clones, asks again with the counts in view, swaps after a named snapshot, and never shows the token', async () => {
    const md = await motherDuck();
    harness = await startBot(checkout, slack, { MOTHERDUCK_TOKEN: token, DATABOX_BACKEND: 'motherduck' }, undefined, undefined, {
      targets: { local: localTarget(checkout.databasePath), motherduck: md, backend: md },
    });
    const at = goodMoment();
    await harness.command(`diagnose motherduck at="${at}"`, operator);
    await harness.settle();
    const text = slack.allText();
    // Not plain "read-only": the counts as of `at` are read from a clone made on MotherDuck and dropped again.
    expect(text).toContain('2 steps, read-only but for a scratch clone of databox, dropped again at the end');
    expect(text).toMatch(/-- writes only a scratch clone beside databox, dropped again at the end: DROP DATABASE \\"databox_botscratch_dbx_\d{8}_[0-9a-f]{4}\\"/);
    expect(text).toContain('created_ts (UTC)');
    expect(text).toContain('A restorable moment');
    // In the verdict's evidence as in the run's message: an accepted status is a pass, not an orange diamond.
    const verdict = String(slack.callsTo('chat.postMessage').find((p) => String(p.text).startsWith('Verdict:'))?.blocks);
    expect(verdict).toContain(':white_check_mark: *The 20 newest snapshots and the retention in force*');
    expect(text).toContain(`analytics.fct_species_environment_daily 30 now, 100 at ${at} UTC`);

    const [pathA] = slack.buttons('choose_path_a');
    expect(pathA, 'the verdict offers path A').toBeDefined();
    await harness.click(pathA!, operator);
    await harness.settle();
    // The path's parameters come in a modal, prefilled with the moment the diagnosis judged.
    const modal = slack.lastForm();
    const prefilled = prefilledValues(modal);
    expect(prefilled).toEqual({ at });
    expect((await harness.submitModal(operator, modal, prefilled)).status).toBe(200);
    await harness.settle();
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(await md.value('databox', count), 'the clone changes nothing the stack reads').toBe('30');
    expect(slack.allText()).toMatch(/databox_restored_dbx_\d{8}_[0-9a-f]{4}: ebird\.fct_daily_bird_observations 100/);
    const runTexts = () => [...slack.callsTo('chat.postMessage'), ...slack.callsTo('chat.update')].map((p) => String(p.text));
    expect(runTexts(), 'a clone recovers nothing yet: it is not called a recovery that succeeded').toContain('First stage of the recovery succeeded: Path A: Clone the moment and check it (then swap, after a second approval)');
    expect(runTexts().filter((t) => t.startsWith('Recovery succeeded'))).toEqual([]);

    const swapPlan = slack.callsTo('chat.postMessage').find((p) => String(p.text).startsWith('Plan Path S'));
    expect(swapPlan, 'the swap is proposed as a second plan').toBeDefined();
    expect(String(swapPlan?.blocks)).toContain('CREATE SNAPSHOT');
    await harness.click(slack.buttons('approve_plan').at(-1)!, operator);
    await harness.settle();
    expect(await md.value('databox', count), 'the requester cannot approve the destructive swap').toBe('30');
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(await md.value('databox', count)).toBe('100');
    expect(runTexts()).toContain('Recovery succeeded: Path S: Swap the restored clone in (second approval)');
    const snapshot = md.namedSnapshots()[0] as string;
    const changes = md.sql().filter((sql) => !sql.startsWith('SELECT'));
    expect(changes.slice(-3)).toEqual([`CREATE SNAPSHOT '${snapshot}' OF "databox"`, expect.stringMatching(/^CREATE DATABASE IF NOT EXISTS "databox_broken_dbx_\d{8}_[0-9a-f]{4}" FROM "databox"$/), expect.stringMatching(/^COPY FROM DATABASE "databox_restored_dbx_\d{8}_[0-9a-f]{4}" \(OVERWRITE\) TO "databox"$/)]);
    expect(slack.allText()).toContain(snapshot);

    const everything = [slack.allText(), JSON.stringify(slack.calls), fs.readFileSync(path.join(checkout.stateDir, 'journal.jsonl'), 'utf8'), JSON.stringify(harness.logs)].join('\n');
    expect(everything).not.toContain(token);
  });

  it("gives a moment with a zone, typed into path B's form, back in UTC as the form takes it: bare, not in a command's quotes", async () => {
    const md = await motherDuck();
    harness = await startBot(checkout, slack, { MOTHERDUCK_TOKEN: token, DATABOX_BACKEND: 'motherduck' }, undefined, undefined, {
      targets: { local: localTarget(checkout.databasePath), motherduck: md, backend: md },
    });
    const at = goodMoment();
    await harness.command(`diagnose motherduck at="${at}"`, operator);
    await harness.settle();
    await harness.click(slack.buttons('choose_path_b').at(-1)!, operator);
    await harness.settle();
    const modal = slack.lastForm();
    const zoned = await harness.submitModal(operator, modal, { at: `${at}+02:00` });
    const utc = new Date(Date.parse(`${at.replace(' ', 'T')}Z`) - 2 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
    expect(zoned.json).toEqual({
      response_action: 'errors',
      errors: { at: `at=${at}+02:00 carries a time zone (+02:00): moments are given in UTC, without one; in UTC that is ${utc}` },
    });
    // Pasted back as said, the form takes it.
    const pasted = await harness.submitModal(operator, modal, { at: utc });
    expect(pasted.json?.response_action).toBeUndefined();
    await harness.settle();
    expect(slack.allText()).toContain(`SET SNAPSHOT TO (SNAPSHOT_TIME '${utc}')`);
  });

  it('does not call a moment after the bad write restorable: no mart differs, and only the clone is offered', async () => {
    const md = await motherDuck();
    harness = await startBot(checkout, slack, { MOTHERDUCK_TOKEN: token, DATABOX_BACKEND: 'motherduck' }, undefined, undefined, {
      targets: { local: localTarget(checkout.databasePath), motherduck: md, backend: md },
    });
    const afterTheBadWrite = new Date(Date.now() - 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
    await harness.command(`diagnose motherduck at="${afterTheBadWrite}"`, operator);
    await harness.settle();
    const verdict = slack.callsTo('chat.postMessage').find((p) => String(p.text).startsWith('Verdict:'));
    expect(String(verdict?.text)).toContain('No mart differs between now and that moment');
    expect(slack.allText()).not.toContain('A restorable moment');
    expect(String(verdict?.blocks)).toContain(`No table differs between now and ${afterTheBadWrite} UTC: if a bad write changed them, ${afterTheBadWrite} UTC is after it`);
    expect(slack.buttons('choose_path_a')).toHaveLength(1);
    expect(slack.buttons('choose_path_b')).toEqual([]);
  });

  it('says in the thread that MOTHERDUCK_TOKEN is missing, without waiting for a browser login', async () => {
    const noToken = motherDuckTarget({ database: 'databox', connectTimeoutMs: 5_000 }, (t) => t);
    harness = await startBot(checkout, slack, {}, undefined, undefined, {
      targets: { local: localTarget(checkout.databasePath), motherduck: noToken, backend: localTarget(checkout.databasePath) },
    });
    await harness.command('diagnose motherduck', operator);
    await harness.settle();
    const text = slack.allText();
    expect(text).toContain('MotherDuck cannot be reached');
    expect(text).toContain('MOTHERDUCK_TOKEN is not set');
    expect(slack.buttons('choose_path_a')).toEqual([]);
  });

  it('says which part failed when MotherDuck refuses the token or the extension cannot load, in one line each, with the token nowhere', async () => {
    const extensions = path.join(checkout.stateDir, '..', 'no-extensions');
    fs.mkdirSync(extensions, { recursive: true });
    const settings = { database: 'databox', token, connectTimeoutMs: 10_000 };
    // MotherDuck's answer to a bad token (played here: MotherDuck cannot be reached), echoing the token as a careless server might.
    const refused = motherDuckTarget(settings, (t) => t, async () => {
      throw new Error(`Invalid Error: Request failed: Your request is not authenticated. Please check your MotherDuck token. (token ${token})`);
    });
    // Real DuckDB, asked to fetch the extension from a loopback address where nothing answers.
    const noExtension = motherDuckTarget({ ...settings, extensionDirectory: extensions, duckdbOptions: { custom_extension_repository: 'http://127.0.0.1:9' } }, (t) => t);
    let current = refused;
    const switching = { ...refused, open: (options: { writable: boolean }) => current.open(options) };
    harness = await startBot(checkout, slack, { MOTHERDUCK_TOKEN: token }, undefined, undefined, {
      targets: { local: localTarget(checkout.databasePath), motherduck: switching, backend: localTarget(checkout.databasePath) },
    });
    await harness.command('diagnose motherduck', operator);
    await harness.settle();
    const verdicts = () => slack.callsTo('chat.postMessage').filter((p) => String(p.text).includes('MotherDuck cannot be reached'));
    expect(verdicts()).toHaveLength(1);
    expect(slack.allText()).toContain(
      'MotherDuck refused MOTHERDUCK_TOKEN (Invalid Error: Request failed: Your request is not authenticated. Please check your MotherDuck token. (token [REDACTED])): create a new access token in the MotherDuck UI',
    );

    current = noExtension;
    await harness.command('diagnose motherduck', operator);
    await harness.settle();
    expect(verdicts()).toHaveLength(2);
    // Blocks are JSON in the text searched: their quotes come escaped.
    const text = slack.allText().replace(/\\"/g, '"');
    expect(text).toMatch(/the motherduck DuckDB extension could not be loaded \(IO Error: Failed to download extension "motherduck" at URL "http:\/\/127\.0\.0\.1:9\//);
    expect(text).toContain('pre-install it where the bot runs (with network access: INSTALL motherduck; the Docker image does this at build time), or set DATABOX_DUCKDB_EXTENSION_DIRECTORY');
    expect(slack.buttons(/^choose_path_/)).toEqual([]);
    expect(text, 'no stack trace').not.toMatch(/\n\s+at [\w.<>]+ \(|node_modules|\.ts:\d+/);
    const everything = [text, JSON.stringify(slack.calls), fs.readFileSync(path.join(checkout.stateDir, 'journal.jsonl'), 'utf8'), JSON.stringify(harness.logs)].join('\n');
    expect(everything).not.toContain(token);
  });

  it("says scenario 2's MotherDuck refused the token, not that a database file does not open, with DATABOX_BACKEND=motherduck", async () => {
    const refused = motherDuckTarget({ database: 'databox', token, connectTimeoutMs: 5_000 }, (t) => t, async () => {
      throw new Error('Invalid Error: Request failed: Your request is not authenticated. Please check your MotherDuck token.');
    });
    harness = await startBot(checkout, slack, { MOTHERDUCK_TOKEN: token, DATABOX_BACKEND: 'motherduck' }, undefined, undefined, {
      targets: { local: localTarget(checkout.databasePath), motherduck: refused, backend: refused },
    });
    await harness.command('diagnose backfill source=ebird', operator);
    await harness.settle();
    const verdict = slack.messages().find((m) => m.text.startsWith('Verdict:'));
    expect(verdict?.text).toBe('Verdict: MotherDuck cannot be reached');
    expect(verdict?.blocks).toContain('MotherDuck refused MOTHERDUCK_TOKEN (Invalid Error: Request failed: Your request is not authenticated. Please check your MotherDuck token.): create a new access token in the MotherDuck UI');
    expect(verdict?.blocks).toContain('With DATABOX_BACKEND=motherduck the source');
    // The local file is not the database this diagnosis reads: scenario 1 is no way on.
    expect(slack.allText()).not.toContain('diagnose duckdb');
    expect(slack.buttons(/^choose_path_/)).toEqual([]);
  });
});
