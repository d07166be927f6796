// The same validation of an incident typed again while it is queued or running, through the real Bolt app: the second
// joins the first (answered in its ack with the thread, journaled as a join), so the file is read once and the thread
// gets one result; typed after it has finished, it runs again.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bundledRunbooksDir } from '../../src/config.js';
import { writePostmortem } from '../../src/postmortem/write-postmortem.js';
import { loadRunbooks } from '../../src/runbook/load.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { createHealthyDatabase, type Checkout } from '../helpers/databox-checkout.js';
import { blockNetwork } from '../helpers/no-network.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, journalRecordsOf, openStandIns } from '../helpers/stand-ins.js';

const operator = 'U0OPERATOR';
const teammates = ['U0TEAMMATE', 'U0SECOND', 'U0THIRD'];

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness | undefined;

blockNetwork();
beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
  harness = undefined;
});
afterEach(async () => {
  await closeStandIns(harness, slack, checkout);
});

const validations = () => journalRecordsOf(checkout).filter((r) => r.type === 'run.proposed' && r.data.run.kind === 'validation');
const audits = () => checkout.calls().filter((c) => c.command === 'uv run sqlmesh audit');
const validationResults = () => slack.callsTo('chat.postMessage').filter((p) => /Validation (succeeded|failed)/.test(String(p.text)));

describe('validate <scenario> incident=<id> typed again', () => {
  it('joins the validation queued or running: one read, one result, each joiner answered in the ack and journaled; typed after it finished, it runs again', async () => {
    await createHealthyDatabase(checkout.databasePath);
    harness = await startBot(checkout, slack);
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    const incident = String(journalRecordsOf(checkout).find((r) => r.type === 'incident.opened')?.incident);
    const root = slack.calls.find((c) => c.method === 'chat.postMessage' && !c.args.thread_ts && c.result);
    const link = `<https://databox.slack.com/archives/${String(root?.result?.channel)}/p${String(root?.result?.ts).replace('.', '')}|follow it in its thread>`;
    const auditsOfDiagnosis = audits().length;

    // The validation's audit held until the joiners are answered.
    checkout.behave({ 'uv run sqlmesh audit': { sleepMs: 180_000, untilReleased: true } });
    const typed = `validate duckdb incident=${incident}`;
    const first = await harness.command(typed, operator);
    expect(first.text, 'the first is acked empty: it runs').toBe('');
    // Typed at once (the first still queued), and in another channel.
    const queuedJoin = await harness.command(typed, teammates[0]);
    const elsewhere = await harness.command(typed, teammates[1], 'C0ELSEWHERE');
    await slack.waitFor("the validation's audit to be running", () => audits().length > auditsOfDiagnosis, 60_000);
    const runningJoin = await harness.command(typed, teammates[2]);

    const joined = `:link: The same validation of incident \`${incident}\` is already queued or running (<@${operator}> asked for it): you joined it; ${link}. Nothing new was started; once it has finished, the same command runs a fresh validation.`;
    for (const ack of [queuedJoin, elsewhere, runningJoin]) {
      expect(ack.json?.response_type).toBe('ephemeral');
      expect(ack.json?.text).toBe(joined);
    }
    checkout.release();
    await harness.settle();

    expect(validations(), 'one validation ran').toHaveLength(1);
    expect(audits().length - auditsOfDiagnosis, 'the validation read once').toBe(1);
    expect(validationResults(), 'one result in the thread').toHaveLength(1);
    const records = journalRecordsOf(checkout);
    const joins = records.filter((r) => r.type === 'validation.joined');
    expect(joins.map((r) => r.actor)).toEqual(teammates);
    expect(joins.find((r) => r.actor === teammates[1])).toMatchObject({ incident, data: { text: `/databox ${typed}`, origin: 'slack:C0ELSEWHERE' } });
    expect(records.filter((r) => r.type === 'command.received' && r.incident === incident && teammates.includes(String(r.actor))), "each joiner's command on the incident's record").toHaveLength(3);
    const { markdown } = writePostmortem({ stateDir: checkout.stateDir, runbooks: loadRunbooks(bundledRunbooksDir), root: checkout.root, incidentId: incident });
    expect(markdown).toContain(`**U0SECOND** asked for the same validation with \`/databox ${typed}\` in Slack (channel C0ELSEWHERE) while it was queued or running, and **joined** it: nothing new was started`);

    // Finished: the same command is a fresh check.
    const again = await harness.command(typed, teammates[0]);
    expect(again.text).toBe('');
    await harness.settle();
    expect(validations()).toHaveLength(2);
    expect(validationResults()).toHaveLength(2);
  });

  it('joins one validate to the other when both are typed at once, each arriving before the other is acked', async () => {
    await createHealthyDatabase(checkout.databasePath);
    harness = await startBot(checkout, slack);
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    const incident = String(journalRecordsOf(checkout).find((r) => r.type === 'incident.opened')?.incident);
    const typed = `validate duckdb incident=${incident}`;
    const acks = await Promise.all([harness.command(typed, operator), harness.command(typed, teammates[0])]);
    await harness.settle();
    expect(acks.filter((a) => a.text === ''), 'one of them runs').toHaveLength(1);
    expect(acks.filter((a) => a.json?.response_type === 'ephemeral' && /you joined it/.test(String(a.json?.text))), 'the other joins it').toHaveLength(1);
    expect(validations(), 'one validation ran').toHaveLength(1);
    expect(validationResults()).toHaveLength(1);
  });
});
