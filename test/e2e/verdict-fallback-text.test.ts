// A verdict's title reaches chat.postMessage's text fallback (notifications, screen readers) escaped as in its blocks: no <!channel> pings.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { Checkout, createHealthyDatabase } from '../helpers/databox-checkout.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns } from '../helpers/stand-ins.js';
import { blockNetwork } from '../helpers/no-network.js';
import { projectRoot, useTempDirs } from '../support/fixtures.js';

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness;
const tempDir = useTempDirs('databox-verdict-text-');

blockNetwork();

beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
});
afterEach(() => closeStandIns(harness, slack, checkout));

describe("a verdict title holding Slack's control characters", () => {
  it('is escaped in the text fallback as in the blocks, so <!channel> is shown, never sent as a mention', async () => {
    const runbooks = tempDir();
    fs.cpSync(path.join(projectRoot, 'runbooks'), runbooks, { recursive: true });
    const doc = parse(fs.readFileSync(path.join(runbooks, 'duckdb.yml'), 'utf8')) as { title: string; diagnosis: { verdicts: { title: string }[] } };
    doc.diagnosis.verdicts.at(-1)!.title = 'Healthy: disk < 90% & <!channel> *ok*';
    // The incident's title too, which its root message's fallback carries.
    doc.title = 'DuckDB file <!here>';
    fs.writeFileSync(path.join(runbooks, 'duckdb.yml'), stringify(doc));
    await createHealthyDatabase(checkout.databasePath);
    harness = await startBot(checkout, slack, { DATABOX_RUNBOOKS_DIR: runbooks });
    await harness.command('diagnose duckdb', 'U0OPERATOR');
    await slack.waitFor('the verdict', () => slack.callsTo('chat.postMessage').some((p) => String(p.text).startsWith('Verdict: ')), 60_000);
    await harness.settle();
    const verdict = slack.callsTo('chat.postMessage').find((p) => String(p.text).startsWith('Verdict: '));
    expect(verdict?.text).toBe('Verdict: Healthy: disk &lt; 90% &amp; &lt;!channel&gt; *ok*');
    expect(JSON.stringify(verdict?.blocks)).toContain('Verdict: Healthy: disk &lt; 90% &amp; &lt;!channel&gt; *ok*');
    const texts = [...slack.callsTo('chat.postMessage'), ...slack.callsTo('chat.update')].map((p) => String(p.text));
    expect(texts.find((t) => t.startsWith('Incident '))).toMatch(/: DuckDB file &lt;!here&gt;$/);
    expect(texts.filter((t) => /<!(channel|here)>/.test(t))).toEqual([]);
  });
});
