// New thread messages held back by an outage, through the real Bolt app against the Slack stand-in: once Slack answers
// again they go in the thread's order, paced per channel by the outbox's pacer (consulted for each; held back past the
// burst), not all at once. The spacing itself is tested on a fake clock (test/unit/slack-post-pacing.test.ts).
import { describe, expect, it } from 'vitest';
import { PostPacer } from '../../src/slack/post-pacer.js';
import { startBot } from '../helpers/bot-harness.js';
import { writeGarbage } from '../helpers/databox-checkout.js';
import { blockNetwork } from '../helpers/no-network.js';
import { journalRecordsOf, useStandIns } from '../helpers/stand-ins.js';

blockNetwork();

const stage = useStandIns();
const journal = () => journalRecordsOf(stage.checkout);

/** The real pacer (a burst of one here), noting each post it counted and each it held back, by channel. */
class RecordingPacer extends PostPacer {
  readonly spentIn: string[] = [];
  readonly heldBackIn = new Set<string>();

  override dueAt(channel: string, now: number, thread?: string): number {
    const due = super.dueAt(channel, now, thread);
    if (due > now) this.heldBackIn.add(channel);
    return due;
  }

  override spent(channel: string, now: number, thread?: string): void {
    this.spentIn.push(channel);
    super.spent(channel, now, thread);
  }
}

describe('new thread messages after an outage', () => {
  it("go in the thread's order once Slack answers, each counted against its channel's pace and held back past the burst", async () => {
    const { slack, checkout } = stage;
    const pacer = new RecordingPacer({ intervalMs: 300, burst: 1 });
    writeGarbage(checkout.databasePath);
    checkout.behave({ 'task full-refresh': { stdout: 'reloading…\n', sleepMs: 1_000 } });
    stage.harness = await startBot(checkout, slack, {}, undefined, undefined, { slackRetryDelayMs: () => 200, slackPostPacer: pacer });
    await stage.harness.command('recover duckdb path=a');
    await stage.harness.settle();
    await stage.harness.click(slack.buttons('approve_plan')[0]!, 'U0TEAMMATE');
    await slack.waitFor('full-refresh to start', () => checkout.calls().some((c) => c.command === 'task full-refresh'), 60_000);
    const channel = String(slack.calls.find((c) => c.method === 'chat.postMessage' && !c.args.thread_ts && c.result)?.result?.channel);

    // Slack fails every message while the recovery ends, its validation runs and the rollback is offered.
    slack.troubled = /^chat\./;
    slack.lastingTrouble = { status: 500 };
    await slack.waitFor('the rollback offer journaled', () => journal().some((r) => r.type === 'run.rollback-offered'), 120_000);
    const before = slack.calls.length;
    slack.lastingTrouble = undefined;
    await stage.harness.settle();

    const posted = slack.calls.slice(before).filter((c) => c.method === 'chat.postMessage' && c.args.thread_ts && c.result);
    expect(posted.map((c) => String(c.args.text).split(':')[0]), "in the thread's order").toEqual([expect.stringMatching(/^Validation/), expect.stringMatching(/^Validation/), 'Next', 'A rollback is available']);
    expect(pacer.spentIn.length, 'every try of a new message counted').toBeGreaterThanOrEqual(posted.length);
    expect(new Set(pacer.spentIn)).toEqual(new Set([channel]));
    expect(pacer.heldBackIn, 'the second held back behind the first').toEqual(new Set([channel]));
  });
});
