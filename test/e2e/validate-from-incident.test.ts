// A validation typed with incident= and nothing else, through the real Bolt app and at the terminal: it takes what the
// incident's diagnosis was given or found (source=, the window), as a recover on the incident does, rather than being
// refused as missing them.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/terminal/console.js';
import { createBackfillDatabase, dayAfterTheData } from '../helpers/backfill-data.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import type { Checkout } from '../helpers/databox-checkout.js';
import { blockNetwork } from '../helpers/no-network.js';
import { scriptedTerminal } from '../helpers/scripted-terminal.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, journalRecordsOf, openStandIns } from '../helpers/stand-ins.js';

const operator = 'U0OPERATOR';
const clock = dayAfterTheData();

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness | undefined;

blockNetwork();
beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
  harness = undefined;
  await createBackfillDatabase(checkout.databasePath, { lastDay: '2026-04-24', rowsPerDay: 1_000 });
});
afterEach(async () => {
  await closeStandIns(harness, slack, checkout);
});

const validations = () => journalRecordsOf(checkout).filter((r) => r.type === 'run.proposed' && r.data.run.kind === 'validation').map((r) => r.data.run);

describe('validate backfill incident=<id>', () => {
  it('takes source=, from= and to= from the diagnosis of its incident, in Slack and at the terminal', async () => {
    harness = await startBot(checkout, slack, { DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_SCHEDULES: 'false', DATABOX_WATCH_MARTS: 'false' }, clock);
    await harness.command('diagnose backfill source=ebird from=2026-04-18 to=2026-04-20', operator);
    await harness.settle();
    const incident = journalRecordsOf(checkout).find((r) => r.type === 'incident.opened')?.incident as string;

    const before = slack.responses.length;
    await harness.command(`validate backfill incident=${incident}`, operator);
    await harness.settle();
    const answers = slack.responses.slice(before).map((r) => String(r.body.text)).join('\n');
    expect(answers).not.toContain('missing');
    expect(validations().map((run) => run.params)).toEqual([{ source: 'ebird', from: '2026-04-18', to: '2026-04-20' }]);
    expect(slack.allText()).toMatch(/Validation (succeeded|failed)/);

    // The terminal's validate is the same command: the same values, taken the same way.
    await harness.stop();
    harness = undefined;
    const terminal = scriptedTerminal({ DATABOX_ROOT: checkout.root, DATABOX_STATE_DIR: checkout.stateDir, USER: 'alice', LOG_LEVEL: 'error' }, () => null);
    const code = await runCli(['validate', 'backfill', `incident=${incident}`], terminal.io, { clock });
    expect(terminal.stderr()).not.toContain('missing');
    expect([0, 1]).toContain(code);
    expect(validations().map((run) => run.params)).toEqual([
      { source: 'ebird', from: '2026-04-18', to: '2026-04-20' },
      { source: 'ebird', from: '2026-04-18', to: '2026-04-20' },
    ]);
  });
});
