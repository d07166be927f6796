// A bot stopped while Slack fails: what it could not post (a recovery's end, its failure, the rollback offer) is kept in
// the state dir and shown at the next start, from the journal, instead of leaving a live "waiting for approval" plan.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startBot } from '../helpers/bot-harness.js';
import { writeGarbage } from '../helpers/databox-checkout.js';
import { blockNetwork } from '../helpers/no-network.js';
import { useStandIns } from '../helpers/stand-ins.js';

blockNetwork();

const stage = useStandIns();

describe('a stop while Slack fails', () => {
  it('keeps what it could not post and shows it at the next start: the run in its final state, its failure, the rollback offer', async () => {
    writeGarbage(stage.checkout.databasePath);
    stage.checkout.behave({ 'task full-refresh': { stdout: 'reloading…\n', sleepMs: 60_000 } });
    stage.harness = await startBot(stage.checkout, stage.slack);
    await stage.harness.command('recover duckdb path=a');
    await stage.harness.settle();
    await stage.harness.click(stage.slack.buttons('approve_plan')[0]!, 'U0TEAMMATE');
    await stage.slack.waitFor('full-refresh to start', () => stage.checkout.calls().some((c) => c.command === 'task full-refresh'));

    // Slack answers every message with a 500 from now on; the stop kills the command and ends the run as failed.
    stage.slack.trouble = Array.from({ length: 100_000 }, () => ({ status: 500 as const }));
    const before = stage.slack.callsTo('chat.postMessage').length;
    await stage.harness.stop();
    stage.harness = undefined;
    const carryOver = path.join(stage.checkout.stateDir, 'slack-carry-over.json');
    expect(fs.existsSync(carryOver)).toBe(true);
    expect(JSON.parse(fs.readFileSync(carryOver, 'utf8'))).toEqual(expect.arrayContaining([expect.objectContaining({ what: 'failure' }), expect.objectContaining({ what: 'run' })]));

    stage.slack.trouble = [];
    stage.harness = await startBot(stage.checkout, stage.slack);
    await stage.slack.waitFor('the rollback offer', () => stage.slack.buttons('request_rollback').length > 0, 30_000);
    await stage.harness.settle();
    const posted = stage.slack.callsTo('chat.postMessage').slice(before).map((p) => String(p.text));
    expect(posted).toEqual(expect.arrayContaining([expect.stringMatching(/^Recovery failed: Path A/), expect.stringMatching(/rollback/i)]));
    // The plan's message no longer waits for approval: it shows how the run ended.
    const plan = stage.slack.messages().find((m) => m.text.startsWith('Recovery failed: Path A') || m.text.startsWith('Plan Path A'));
    expect(stage.slack.messages().some((m) => /^Plan Path A.*waiting for approval/.test(m.text))).toBe(false);
    expect(plan).toBeDefined();
    expect(fs.existsSync(carryOver), 'taken once').toBe(false);
  });
});
