// Names from the operator's database holding characters Slack reads as formatting (*, ~, a backtick, _ at a word's edge) are shown in
// the verdict as code, through the real Bolt app and a real DuckDB file: exactly as written, and copied as they are.
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHealthyDatabase, type Checkout } from '../helpers/databox-checkout.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns } from '../helpers/stand-ins.js';
import { blockNetwork } from '../helpers/no-network.js';

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness;

blockNetwork();

beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
});
afterEach(() => closeStandIns(harness, slack, checkout));

/** SQLMesh's production views, one per name, each over a physical table then dropped: none binds, so each is named. */
async function brokenViewsNamed(names: string[]): Promise<void> {
  const instance = await DuckDBInstance.create(checkout.databasePath);
  const connection = await instance.connect();
  try {
    await connection.run('CREATE SCHEMA sqlmesh__analytics; CREATE SCHEMA IF NOT EXISTS analytics');
    for (const [i, name] of names.entries()) {
      const quoted = `"${name.replace(/"/g, '""')}"`;
      await connection.run(`CREATE TABLE sqlmesh__analytics.t__${i} AS SELECT 1 AS id; CREATE VIEW analytics.${quoted} AS SELECT * FROM sqlmesh__analytics.t__${i}; DROP TABLE sqlmesh__analytics.t__${i}`);
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe("names from the operator's database in a verdict", () => {
  it('are shown as code, exactly as SQL writes them, however many *, ~, backticks or _ at a word\'s edge they hold', async () => {
    await createHealthyDatabase(checkout.databasePath);
    await brokenViewsNamed(['raw_events_2024', 'a*b*c', 'x~y~z', '_dlt_loads', '_tmp_', 'tick`name']);
    harness = await startBot(checkout, slack);
    await harness.command('diagnose duckdb');
    await harness.settle();
    const verdict = slack.callsTo('chat.postMessage').find((p) => String(p.text).startsWith('Verdict:'));
    const blocks = JSON.parse(String(verdict?.blocks)) as any[];
    const evidence = String(blocks.find((b) => String(b.text?.text).startsWith('*Evidence*'))?.text.text);
    expect(evidence).toContain('production views do not bind');
    for (const shown of ['analytics."a*b*c"', 'analytics."x~y~z"', 'analytics._dlt_loads', 'analytics._tmp_']) expect(evidence).toContain(` \`${shown}\` (`);
    // An _ inside a word is not italic in Slack: such a name, as the stack's are, stays plain text.
    expect(evidence).toContain(' analytics.raw_events_2024 (');
    // A backtick would end inline code: that name is a code block, in which a single backtick is shown as it is.
    expect(evidence).toContain(' ```analytics."tick`name"``` (');
    // Outside code, nothing of the names is left for Slack to read as formatting.
    const outsideCode = evidence.replace(/```[^]*?```/g, '').replace(/`[^`\n]*`/g, '');
    expect(outsideCode).not.toMatch(/a\*b|x~y|_dlt_|_tmp_|tick/);
  }, 120_000);
});
