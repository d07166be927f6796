// A bot asked to stop while a recovery runs: the recovery may finish within the grace, but no validation starts after it
// (one would be killed at the end of the grace and read as failed); the thread says how to validate instead.
import { describe, expect, it } from 'vitest';
import { startBot } from '../helpers/bot-harness.js';
import { writeGarbage } from '../helpers/databox-checkout.js';
import { blockNetwork } from '../helpers/no-network.js';
import { journalRecordsOf, useStandIns } from '../helpers/stand-ins.js';

blockNetwork();

const stage = useStandIns();

describe('a stop while a recovery runs', () => {
  it('lets the recovery finish within its grace, starts no validation after it, and says how to validate', async () => {
    writeGarbage(stage.checkout.databasePath);
    // Held until the stop has begun.
    stage.checkout.behave({ 'task full-refresh': { stdout: 'reloading…\n', sleepMs: 30_000, untilReleased: true, createDatabase: 'data/databox.duckdb' } });
    stage.harness = await startBot(stage.checkout, stage.slack);
    await stage.harness.command('recover duckdb path=a');
    await stage.harness.settle();
    await stage.harness.click(stage.slack.buttons('approve_plan')[0]!, 'U0TEAMMATE');
    await stage.slack.waitFor('full-refresh to start', () => stage.checkout.calls().some((c) => c.command === 'task full-refresh'));
    const stopped = stage.harness.stop();
    stage.checkout.release();
    await stopped;
    stage.harness = undefined;
    const records = journalRecordsOf(stage.checkout);
    const finished = records.filter((r) => r.type === 'run.finished').map((r) => r.data.status);
    expect(finished).toEqual(['succeeded']);
    expect(records.some((r) => r.type === 'run.proposed' && r.data.run.kind === 'validation')).toBe(false);
    expect(records.find((r) => r.type === 'run.follow-up')?.data.advice).toMatch(/^The validation was not started: the bot was stopping/);
    expect(stage.slack.allText()).toContain('The validation was not started: the bot was stopping as the recovery ended. Validate it once the bot is back: `/databox validate duckdb incident=dbx-');
  });

  it('answers what Slack sends during the stop, saying the bot is stopping, and journals it; nothing new starts', async () => {
    writeGarbage(stage.checkout.databasePath);
    // Held until everything sent during the stop has been answered.
    stage.checkout.behave({ 'task full-refresh': { sleepMs: 30_000, untilReleased: true, createDatabase: 'data/databox.duckdb' } });
    const harness = await startBot(stage.checkout, stage.slack);
    stage.harness = harness;
    await harness.command('recover duckdb path=a');
    await harness.settle();
    const approve = stage.slack.buttons('approve_plan')[0]!;
    await harness.click(approve, 'U0TEAMMATE');
    await stage.slack.waitFor('full-refresh to start', () => stage.checkout.calls().some((c) => c.command === 'task full-refresh'));
    const stopped = harness.stop();
    const answer = await harness.command('diagnose duckdb', 'U0OTHER');
    expect(answer.status).toBe(200);
    expect(answer.json?.text).toMatch(/^:hourglass: databox-bot is stopping \(a restart or a deploy\), so nothing was started\. Try again in a minute/);
    const clicked = await harness.click(approve, 'U0TEAMMATE');
    expect(clicked.status).toBe(200);
    await stage.slack.waitFor('the click to be answered', () => stage.slack.responses.some((r) => /databox-bot is stopping/.test(String(r.body.text))));
    // A form submitted meanwhile stays open, the reason under its field.
    const submitted = await harness.submitModal('U0OTHER', { callback_id: 'recover_path_parameters', private_metadata: '{}' }, { backup: '/backups/databox.duckdb' });
    expect(submitted.json).toEqual({ response_action: 'errors', errors: { backup: 'databox-bot is stopping (a restart or a deploy): nothing was started. Submit again in a minute.' } });
    stage.checkout.release();
    await stopped;
    stage.harness = undefined;
    const records = journalRecordsOf(stage.checkout);
    expect(records.filter((r) => r.type === 'request.refused' && r.data.reason === 'the bot was stopping').map((r) => [r.actor, r.data.kind])).toEqual([
      ['U0OTHER', 'slash_command'],
      ['U0TEAMMATE', 'block_actions'],
      ['U0OTHER', 'view_submission'],
    ]);
    expect(records.filter((r) => r.type === 'incident.opened')).toHaveLength(1);
    expect(records.filter((r) => r.type === 'run.approved')).toHaveLength(1);
  });
});
