// Scenario 1's diagnosis through the real Bolt app, of a database with a view over a file that never answers (a named
// pipe nobody writes to, as a file on a hung network mount reads): the verdict is reached and names the view.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { createHealthyDatabase, type Checkout } from '../helpers/databox-checkout.js';
import { blockNetwork } from '../helpers/no-network.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns, verdictTextOf } from '../helpers/stand-ins.js';

blockNetwork();

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness | undefined;
let pipe: string | undefined;

beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
  harness = undefined;
  pipe = undefined;
});
afterEach(async () => {
  // The view's bind still waits on the pipe (it holds one of libuv's pool threads in this process): opened for writing,
  // then closed, it gets its end of file and returns, before the pipe is removed with the checkout.
  try {
    if (pipe) fs.closeSync(fs.openSync(pipe, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
  } catch {
    // No reader left (ENXIO): nothing waits on it.
  }
  await closeStandIns(harness, slack, checkout);
});

/** The checkout's healthy database with scratch.ext, a view over ext.csv, which is then replaced by a named pipe. */
async function withViewOverPipe(): Promise<string> {
  await createHealthyDatabase(checkout.databasePath, 100);
  const csv = checkout.path('ext.csv');
  fs.writeFileSync(csv, 'a,b\n1,2\n');
  const instance = await DuckDBInstance.create(checkout.databasePath);
  const connection = await instance.connect();
  await connection.run(`CREATE SCHEMA scratch; CREATE VIEW scratch.ext AS SELECT * FROM read_csv('${csv}')`);
  connection.closeSync();
  instance.closeSync();
  fs.rmSync(csv);
  execFileSync('mkfifo', [csv]);
  pipe = csv;
  return csv;
}

// The bind is given its 20 s (answer-within.ts; no setting shortens it), on top of the diagnosis' other checks.
describe('/databox diagnose duckdb with a view over a file that never answers', { timeout: 120_000 }, () => {
  it('reaches its verdict, naming the view and what it reads, not judged', async () => {
    const csv = await withViewOverPipe();
    harness = await startBot(checkout, slack);
    expect((await harness.command('diagnose duckdb')).status).toBe(200);
    await harness.settle();
    const verdict = verdictTextOf(slack);
    expect(verdict).toMatch(/^Verdict: Healthy/);
    expect(verdict).toContain(`scratch.ext (does not answer binding: it reads ${csv}: what it reads is not this file, so not judged)`);
  });
});
