// An operator's new sql probe through the real Bolt app: its one-row result's value read by a verdict, and its classify rule choosing one.
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHealthyDatabase, type Checkout } from '../helpers/databox-checkout.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns, verdictTextOf } from '../helpers/stand-ins.js';
import { blockNetwork } from '../helpers/no-network.js';
import { projectRoot } from '../support/fixtures.js';

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness;

blockNetwork();

beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
});
afterEach(() => closeStandIns(harness, slack, checkout));

const probe = `    - id: row_probe
      kind: sql
      title: Count the bird observations
      sql: "SELECT count(*) AS n FROM ebird.fct_daily_bird_observations"
      onlyIf: { step: open, status: [ok, read-only] }
      outputs: [n]
      classify:
        - { status: empty, output: n, below: 1 }
`;
const verdicts = `    - id: no-birds
      title: The bird mart is empty
      severity: warning
      when: { step: row_probe, status: empty }
      advice: The probe counted {{steps.row_probe.n}} rows in the bird mart.
    - id: birds-counted
      title: Birds counted
      severity: ok
      when: { step: row_probe, status: ok }
      advice: The probe counted {{steps.row_probe.n}} rows.
`;

/** The bundled runbooks, duckdb.yml with the operator's probe and two verdicts on it, as DATABOX_RUNBOOKS_DIR. */
function editedRunbooks(): Record<string, string> {
  const dir = checkout.path('runbooks-edited');
  fs.cpSync(path.join(projectRoot, 'runbooks'), dir, { recursive: true });
  const file = path.join(dir, 'duckdb.yml');
  const text = fs.readFileSync(file, 'utf8');
  const audit = '    - id: audit\n';
  const healthy = '    - id: healthy\n';
  expect(text).toContain(audit);
  expect(text).toContain(healthy);
  fs.writeFileSync(file, text.replace(audit, probe + audit).replace(healthy, verdicts + healthy));
  return { DATABOX_RUNBOOKS_DIR: dir };
}

/** Runs SQL on the checkout's database file, as the stack's own tools would have: its first value, as a number. */
async function firstValue(sql: string): Promise<number> {
  const instance = await DuckDBInstance.create(checkout.databasePath);
  const connection = await instance.connect();
  try {
    return Number((await connection.runAndReadAll(sql)).getRowsJson()[0]?.[0]);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe("an operator's sql probe read by a verdict", () => {
  it('posts the value the probe counted, not the number of result rows', async () => {
    await createHealthyDatabase(checkout.databasePath, 100);
    const birds = await firstValue('SELECT count(*) FROM ebird.fct_daily_bird_observations');
    expect(birds).toBeGreaterThan(1);
    harness = await startBot(checkout, slack, editedRunbooks());
    await harness.command('diagnose duckdb');
    await harness.settle();
    expect(verdictTextOf(slack)).toContain(`The probe counted ${birds} rows.`);
  });

  it('chooses the verdict its classify rule gives when the mart is empty', async () => {
    await createHealthyDatabase(checkout.databasePath, 100);
    await firstValue('DELETE FROM ebird.fct_daily_bird_observations');
    harness = await startBot(checkout, slack, editedRunbooks());
    await harness.command('diagnose duckdb');
    await harness.settle();
    const verdict = verdictTextOf(slack);
    expect(verdict).toContain('The bird mart is empty');
    expect(verdict).toContain('The probe counted 0 rows in the bird mart.');
  });
});
