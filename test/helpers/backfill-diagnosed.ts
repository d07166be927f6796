// Scenario 2's bundled runbook diagnosed on the engine (no Slack) over a backfill database changed by a test's SQL.
import { DuckDBInstance } from '@duckdb/node-api';
import { createBackfillDatabase, dayAfterTheData } from './backfill-data.js';
import type { Checkout } from './databox-checkout.js';
import { openEngine } from './engine.js';
import { quietReporter } from './quiet-reporter.js';

/** `checkout`'s database made with 1,000 rows a day per source up to 2026-04-24, changed by `sql`; today is 2026-04-25. */
export async function diagnoseBackfill(checkout: Checkout, params: Record<string, string>, sql: string) {
  await createBackfillDatabase(checkout.databasePath, { lastDay: '2026-04-24', rowsPerDay: 1_000 });
  const instance = await DuckDBInstance.create(checkout.databasePath);
  const connection = await instance.connect();
  await connection.run(sql);
  connection.closeSync();
  instance.closeSync();
  const { service } = openEngine(checkout.root, checkout.stateDir, quietReporter(), {}, undefined, dayAfterTheData());
  const { incident } = await service.start({ verb: 'diagnose', scenario: 'backfill', params }, 'U0OPERATOR', 'test');
  return { service, incident: service.incident(incident.id) };
}
