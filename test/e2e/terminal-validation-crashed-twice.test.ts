// A recovery a terminal ran, whose validation the terminal died in twice (killed mid-validation, validated again, killed
// again): the bot's next start still offers the rollback the recovery never got to offer, once. The second validation,
// neither the recovery's first nor a run again of it, must not hide the recovery it followed.
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { cliArgs, cliEnv, projectRoot } from '../helpers/cli-process.js';
import { standinBin, writeGarbage } from '../helpers/databox-checkout.js';
import { startBot } from '../helpers/bot-harness.js';
import { journalRecordsOf, useStandIns } from '../helpers/stand-ins.js';
import { blockNetwork } from '../helpers/no-network.js';

const operator = 'U0OPERATOR';

blockNetwork();
const stage = useStandIns();

/** The CLI as its own process, to be killed: `terminal:alice` at the checkout's state dir. */
function terminalProcess(args: string[]) {
  const { checkout } = stage;
  return execa(process.execPath, [...cliArgs, ...args], {
    cwd: projectRoot,
    env: cliEnv({ DATABOX_ROOT: checkout.root, DATABOX_STATE_DIR: checkout.stateDir, PATH: `${standinBin}:${process.env.PATH}`, USER: 'alice' }),
    extendEnv: false,
    stdin: 'ignore',
    reject: false,
  });
}

/** How many validations have started their `task verify` (journaled as its process): the terminal is inside one then. */
function verifyStarted(): number {
  return journalRecordsOf(stage.checkout).filter((r) => r.type === 'step.process' && JSON.stringify(r.data).includes('"verify"')).length;
}

/** Kills the terminal (SIGKILL: no orderly stop, its validation left "running") once its `nth` validation runs `task verify`. */
async function killedInValidation(terminal: ReturnType<typeof terminalProcess>, nth: number): Promise<void> {
  await stage.slack.waitFor(`validation ${nth} running`, () => verifyStarted() === nth, 60_000);
  terminal.kill('SIGKILL');
  await terminal;
}

/**
 * A corrupt file diagnosed in Slack and path A proposed there, then the bot stopped; the plan approved at a terminal,
 * whose recovery succeeds and which is killed in the validation after it. The plan's run id.
 */
async function terminalKilledInItsRecoveryValidation(): Promise<string> {
  writeGarbage(stage.checkout.databasePath);
  stage.harness = await startBot(stage.checkout, stage.slack, {}, undefined, 200);
  const { slack } = stage;
  await stage.harness.command('diagnose duckdb', operator);
  await stage.harness.settle();
  await stage.harness.click(slack.buttons('choose_path_a')[0]!, operator);
  await stage.harness.settle();
  const { run, hash } = JSON.parse(slack.buttons('approve_plan').at(-1)!.value) as { run: string; hash: string };
  await stage.harness.stop();
  stage.harness = undefined;
  // Held in `task verify` until killed; the bot's start stops what each dead terminal left running.
  stage.checkout.behave({ 'task verify': { stdout: 'verifying…\n', sleepMs: 60_000 } });
  await killedInValidation(terminalProcess(['approve', run, hash.slice(0, 8), '--approver', 'bob']), 1);
  return run;
}

describe("a terminal's recovery whose validation the terminal died in twice", () => {
  it('gets its rollback offered at the bot\'s next start, once, both validations interrupted naming the command', async () => {
    const run = await terminalKilledInItsRecoveryValidation();
    const { slack } = stage;
    const incident = run.split('/')[0] as string;
    await killedInValidation(terminalProcess(['validate', 'duckdb', `incident=${incident}`]), 2);
    const validations = journalRecordsOf(stage.checkout).filter((r) => r.type === 'run.proposed' && r.data.run.kind === 'validation').map((r) => r.data.runId as string);
    expect(validations).toHaveLength(2);
    expect(journalRecordsOf(stage.checkout).filter((r) => r.type === 'run.rollback-offered')).toEqual([]);

    stage.checkout.behave({ 'task verify': { stdout: 'verified\n' } });
    stage.harness = await startBot(stage.checkout, stage.slack, {}, undefined, 200);
    await slack.waitFor('the rollback offer', () => slack.buttons('request_rollback').length === 1, 60_000);
    await stage.harness.settle();
    const records = journalRecordsOf(stage.checkout);
    expect(records.filter((r) => r.type === 'run.rollback-offered').map((r) => r.data.runId)).toEqual([run]);
    for (const validation of validations) {
      const finished = records.find((r) => r.type === 'run.finished' && r.data.runId === validation)?.data;
      expect(finished).toMatchObject({ status: 'interrupted' });
      expect(finished.reason).toContain(`the terminal running it stopped before it finished (found unfinished at the bot's restart)`);
    }
    // The bot does not run a terminal's validation again.
    expect(records.filter((r) => r.type === 'run.proposed' && r.data.run.kind === 'validation')).toHaveLength(2);
  }, 180_000);

  it('gets it offered at the start after the first, and not again at the start after the second', async () => {
    const run = await terminalKilledInItsRecoveryValidation();
    const { slack, checkout } = stage;
    const incident = run.split('/')[0] as string;
    stage.harness = await startBot(checkout, slack, {}, undefined, 200);
    await slack.waitFor('the rollback offer', () => slack.buttons('request_rollback').length === 1, 60_000);
    await stage.harness.stop();
    stage.harness = undefined;

    await killedInValidation(terminalProcess(['validate', 'duckdb', `incident=${incident}`]), 2);
    const second = journalRecordsOf(checkout).filter((r) => r.type === 'run.proposed' && r.data.run.kind === 'validation').at(-1)?.data.runId as string;
    stage.harness = await startBot(checkout, slack, {}, undefined, 200);
    await slack.waitFor('the second validation ended', () => journalRecordsOf(checkout).some((r) => r.type === 'run.finished' && r.data.runId === second), 60_000);
    await stage.harness.settle();
    expect(journalRecordsOf(checkout).find((r) => r.type === 'run.finished' && r.data.runId === second)?.data.reason).toContain('the terminal running it stopped before it finished');
    expect(journalRecordsOf(checkout).filter((r) => r.type === 'run.rollback-offered').map((r) => r.data.runId)).toEqual([run]);
    expect(slack.buttons('request_rollback')).toHaveLength(1);
  }, 180_000);
});
