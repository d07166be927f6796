// Scenario 1's diagnosis through the real Bolt app, of a database with a view over a file that never answers (a named
// pipe nobody writes to, as a file on a hung network mount reads): the verdict is reached and names the view.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { createHealthyDatabase, type Checkout } from '../helpers/databox-checkout.js';
import { blockNetwork } from '../helpers/no-network.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns, verdictTextOf } from '../helpers/stand-ins.js';
import { databaseReadingPipes, releasePipe } from '../helpers/hung-pipe.js';

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
  // The view's bind still waits on the pipe (it holds one of libuv's pool threads in this process): released, it returns
  // before the pipe is removed with the checkout.
  if (pipe) releasePipe(pipe);
  await closeStandIns(harness, slack, checkout);
});

/** The checkout's healthy database with scratch.ext, a view over ext.csv, which is then replaced by a named pipe. */
async function withViewOverPipe(): Promise<string> {
  await createHealthyDatabase(checkout.databasePath, 100);
  const csv = checkout.path('ext.csv');
  await databaseReadingPipes(checkout.databasePath, [csv], `CREATE SCHEMA scratch; CREATE VIEW scratch.ext AS SELECT * FROM read_csv('${csv}')`);
  pipe = csv;
  return csv;
}

// The open and the bind are given 5 s rather than the storage's 20 s (answer-within.ts), which this test would otherwise
// wait out: the verdict said of a view that does not answer is what is checked, not how long it is waited for.
describe('/databox diagnose duckdb with a view over a file that never answers', { timeout: 120_000 }, () => {
  it('reaches its verdict, naming the view and what it reads, not judged', async () => {
    const csv = await withViewOverPipe();
    harness = await startBot(checkout, slack, {}, undefined, undefined, { storageAnswerMs: 5_000 });
    expect((await harness.command('diagnose duckdb')).status).toBe(200);
    await harness.settle();
    const verdict = verdictTextOf(slack);
    expect(verdict).toMatch(/^Verdict: Healthy/);
    expect(verdict).toContain(`scratch.ext (does not answer binding: it reads ${csv}: what it reads is not this file, so not judged)`);
  });
});
