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
    stage.checkout.behave({ 'task full-refresh': { stdout: 'reloading…\n', sleepMs: 1_500, createDatabase: 'data/databox.duckdb' } });
    stage.harness = await startBot(stage.checkout, stage.slack);
    await stage.harness.command('recover duckdb path=a');
    await stage.harness.settle();
    await stage.harness.click(stage.slack.buttons('approve_plan')[0]!, 'U0TEAMMATE');
    await stage.slack.waitFor('full-refresh to start', () => stage.checkout.calls().some((c) => c.command === 'task full-refresh'));
    await stage.harness.stop();
    stage.harness = undefined;
    const records = journalRecordsOf(stage.checkout);
    const finished = records.filter((r) => r.type === 'run.finished').map((r) => r.data.status);
    expect(finished).toEqual(['succeeded']);
    expect(records.some((r) => r.type === 'run.proposed' && r.data.run.kind === 'validation')).toBe(false);
    expect(records.find((r) => r.type === 'run.follow-up')?.data.advice).toMatch(/^The validation was not started: the bot was stopping/);
    expect(stage.slack.allText()).toContain('The validation was not started: the bot was stopping as the recovery ended. Validate it once the bot is back: `/databox validate duckdb incident=dbx-');
  });
});
