// What a terminal does in an incident that has a Slack thread shows up in that thread, through the real bot and a real
// CLI process sharing its journal: the recovery's validation and rollback offer, a verdict, a plan left waiting.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writePostmortem } from '../../src/postmortem/write-postmortem.js';
import { loadRunbooks } from '../../src/runbook/load.js';
import { cliEnv, hashIn, projectRoot, runCliProcess } from '../helpers/cli-process.js';
import { standinBin, writeGarbage } from '../helpers/databox-checkout.js';
import { startBot } from '../helpers/bot-harness.js';
import { journalRecordsOf, useStandIns } from '../helpers/stand-ins.js';
import { blockNetwork } from '../helpers/no-network.js';

const operator = 'U0OPERATOR';
const teammate = 'U0TEAMMATE';

blockNetwork();
const stage = useStandIns();

function terminal(args: string[]) {
  const { checkout } = stage;
  return runCliProcess(args, {
    env: cliEnv({ DATABOX_ROOT: checkout.root, DATABOX_STATE_DIR: checkout.stateDir, PATH: `${standinBin}:${process.env.PATH}`, USER: 'alice' }),
    stdin: 'ignore',
  });
}

/** A corrupt file diagnosed in Slack, with the bot sweeping the journal every 200 ms; the incident's id. */
async function diagnosedInSlack(): Promise<string> {
  writeGarbage(stage.checkout.databasePath);
  stage.harness = await startBot(stage.checkout, stage.slack, {}, undefined, 200);
  await stage.harness.command('diagnose duckdb', operator);
  await stage.harness.settle();
  const incident = journalRecordsOf(stage.checkout).find((r) => r.type === 'incident.opened')?.incident as string;
  expect(incident).toMatch(/^dbx-/);
  return incident;
}

function threadTexts(): string[] {
  const root = stage.slack.messages()[0]?.ts;
  return stage.slack.messages().filter((m) => m.threadTs === root).map((m) => m.text);
}

/** Updates Slack took that left a message as it was: each one counts against Slack's limits for nothing. */
function repeatedUpdates(): string[] {
  const showing = new Map<string, string>();
  const repeats: string[] = [];
  for (const call of stage.slack.calls) {
    if (!call.result?.ok) continue;
    const ts = String(call.method === 'chat.postMessage' ? call.result.ts : call.args.ts);
    const content = JSON.stringify([call.args.text, call.args.blocks]);
    if (call.method === 'chat.update' && showing.get(ts) === content) repeats.push(String(call.args.text));
    if (call.method === 'chat.postMessage' || call.method === 'chat.update') showing.set(ts, content);
  }
  return repeats;
}

describe('a terminal working on an incident that has a Slack thread', () => {
  it("a Slack plan approved at a terminal: the terminal's validation and the rollback offer come to the thread, and the offer works", async () => {
    const incident = await diagnosedInSlack();
    const { slack, harness } = stage;
    await harness!.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness!.settle();
    const approve = slack.buttons('approve_plan').at(-1)!;
    const { run, hash } = JSON.parse(approve.value) as { run: string; hash: string };

    const cli = await terminal(['approve', run, hash.slice(0, 8), '--approver', 'bob']);
    expect(cli.code).toBe(0);

    await slack.waitFor('the rollback offer', () => slack.buttons('request_rollback').length === 1, 60_000);
    // The plan's own message lost its buttons and shows who approved it and how it ended.
    const plan = slack.messages().find((m) => m.ts === approve.ts);
    expect(plan?.updates.some((u) => u.blocks.includes('Approved by terminal:bob'))).toBe(true);
    expect(plan?.text).toMatch(/^Recovery succeeded/);
    expect(plan?.blocks).not.toContain('approve_plan');
    const texts = threadTexts();
    const recoveryAt = texts.findIndex((t) => t.startsWith('Recovery succeeded'));
    const validationAt = texts.findIndex((t) => /^Validation succeeded/.test(t));
    expect(recoveryAt, texts.join('\n')).toBeGreaterThan(-1);
    expect(validationAt, texts.join('\n')).toBeGreaterThan(recoveryAt);
    expect(texts.at(-1)).toBe('A rollback is available');
    // The verdict's path buttons, which a click would now refuse, give way to what the terminal ran and who approved it.
    const verdict = slack.messages().find((m) => m.ts === slack.buttons('choose_path_a')[0]!.ts);
    expect(verdict?.blocks).not.toContain('choose_path_');
    expect(verdict?.blocks).toContain(`(plan ${run}; asked for by <@${operator}>, approved by terminal:bob`);
    expect(slack.buttons('request_rollback')[0]!.value).toBe(JSON.stringify({ run }));
    // The offer is on the record where the terminal made it, after the validation.
    const { markdown } = writePostmortem({ stateDir: stage.checkout.stateDir, runbooks: loadRunbooks(path.join(projectRoot, 'runbooks')), root: stage.checkout.root, incidentId: incident });
    expect(markdown).toMatch(new RegExp(`Validation[^\\n]*\\*\\*succeeded\\*\\*[^]*The rollback of \`${run}\` \\(Path A: Rebuild from raw dlt state\\) was offered`));
    // Shown once: later sweeps add nothing, and the bot keeps nothing for it.
    const posted = slack.callsTo('chat.postMessage').length;
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(slack.callsTo('chat.postMessage')).toHaveLength(posted);
    expect(harness!.bot.elsewhere.held).toBe(0);
    expect(harness!.bot.reporter.runsHeld).toBe(0);
    // No update of a message is the same as what it already showed: each counts against Slack's limits.
    expect(repeatedUpdates()).toEqual([]);

    // The offer's button asks for the rollback's plan, as after a recovery the bot ran itself.
    await harness!.click(slack.buttons('request_rollback')[0]!, operator);
    await harness!.settle();
    const rollbackPlan = slack.buttons('approve_plan').at(-1)!;
    expect(JSON.parse(rollbackPlan.value).run).not.toBe(run);
    expect(journalRecordsOf(stage.checkout).filter((r) => r.type === 'run.proposed').at(-1)?.data.run.rollbackOf).toBe(run);
  });

  it("a terminal's diagnosis posts its verdict with the paths, and a plan it leaves waiting is approved from Slack", async () => {
    const incident = await diagnosedInSlack();
    const { slack, harness } = stage;
    expect(slack.buttons('choose_path_a')).toHaveLength(1);

    const diagnosis = await terminal(['diagnose', 'duckdb', `incident=${incident}`]);
    // Corrupt: its open check failed.
    expect(diagnosis.code).toBe(1);
    await slack.waitFor("the terminal's verdict", () => slack.buttons('choose_path_a').length === 2, 60_000);

    // Standard input is not a terminal: the plan is left waiting, and the CLI says where else it can be approved.
    const recover = await terminal(['recover', 'duckdb', 'path=a', `incident=${incident}`]);
    expect(recover.code).toBe(2);
    expect(recover.stderr + recover.stdout).toContain("A running bot also shows it in the incident's Slack thread, where it can be approved.");
    await slack.waitFor('the waiting plan with its buttons', () => slack.buttons('approve_plan').length === 1, 60_000);
    expect(stage.checkout.calls()).toEqual([]);

    await harness!.click(slack.buttons('approve_plan')[0]!, teammate);
    await harness!.settle();
    expect(stage.checkout.calls().map((c) => c.command)[0]).toBe('task full-refresh');
    const approved = journalRecordsOf(stage.checkout).find((r) => r.type === 'run.approved');
    expect(approved?.actor).toBe(teammate);
    expect(journalRecordsOf(stage.checkout).find((r) => r.type === 'run.proposed' && r.data.run.id === approved?.data.runId)?.actor).toBe('terminal:alice');
  });

  it('an incident opened at a terminal, with a plan left waiting, shows that plan once it gets a Slack thread, no longer approvable once diagnosed again there', async () => {
    writeGarbage(stage.checkout.databasePath);
    stage.harness = await startBot(stage.checkout, stage.slack, {}, undefined, 200);
    const { slack, harness } = stage;
    const diagnosis = await terminal(['diagnose', 'duckdb']);
    const incident = /Incident (dbx-\d{8}-[0-9a-f]{4}) opened by terminal:alice/.exec(diagnosis.stdout)?.[1] as string;
    expect((await terminal(['recover', 'duckdb', 'path=a', `incident=${incident}`])).code).toBe(2);
    // Sweeps pass while the incident has no thread: there is nowhere to show the plan yet.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(slack.callsTo('chat.postMessage')).toEqual([]);

    await harness!.command(`diagnose duckdb incident=${incident}`, operator);
    await harness!.settle();
    await slack.waitFor('the waiting plan in the new thread', () => slack.buttons('approve_plan').length === 1, 60_000);
    expect(slack.buttons('approve_plan')[0]!.threadTs).toBe(slack.messages()[0]?.ts);
    // Made on the terminal's diagnosis, which the one in Slack replaced: it says it can no longer be approved, and the
    // newer verdict's path button proposes a plan of its own rather than pointing to it.
    await slack.waitFor('the verdict', () => slack.buttons('choose_path_a').length === 1, 60_000);
    const planMessage = () => slack.messages().find((m) => m.text.startsWith('Plan '));
    await slack.waitFor('the waiting plan no longer approvable', () => planMessage()?.text.includes('No longer approvable') === true, 60_000);
    expect(planMessage()?.blocks).not.toContain('approve_plan');
    expect(planMessage()?.text).toMatch(new RegExp(`No longer approvable: This plan was made on an older diagnosis of incident ${incident} \\(diagnosis ${incident}/1\\)`));
    await harness!.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness!.settle();
    await slack.waitFor('the new plan', () => slack.buttons('approve_plan').length === 2, 60_000);
    expect(JSON.parse(slack.buttons('approve_plan').at(-1)!.value).run).toBe(`${incident}/4`);
  });

  it('a Slack plan approved at a terminal while the bot was down: its end, validation and rollback offer come when the bot is back', async () => {
    await diagnosedInSlack();
    const { slack } = stage;
    await stage.harness!.click(slack.buttons('choose_path_a')[0]!, operator);
    await stage.harness!.settle();
    const approve = slack.buttons('approve_plan').at(-1)!;
    const { run, hash } = JSON.parse(approve.value) as { run: string; hash: string };
    await stage.harness!.stop();
    stage.harness = undefined;

    expect((await terminal(['approve', run, hash.slice(0, 8), '--approver', 'bob'])).code).toBe(0);
    const posted = slack.callsTo('chat.postMessage').length;
    stage.harness = await startBot(stage.checkout, stage.slack, {}, undefined, 200);
    await slack.waitFor('the rollback offer', () => slack.buttons('request_rollback').length === 1, 60_000);
    const plan = slack.messages().find((m) => m.ts === approve.ts);
    expect(plan?.text).toMatch(/^Recovery succeeded/);
    expect(plan?.blocks).not.toContain('approve_plan');
    const texts = threadTexts();
    expect(texts.slice(-2)[0]).toMatch(/^Validation succeeded/);
    expect(texts.at(-1)).toBe('A rollback is available');
    // And only once: a second restart shows none of it again.
    await stage.harness.stop();
    const afterFirst = slack.callsTo('chat.postMessage').length;
    expect(afterFirst).toBeGreaterThan(posted);
    stage.harness = await startBot(stage.checkout, stage.slack, {}, undefined, 200);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(slack.callsTo('chat.postMessage')).toHaveLength(afterFirst);
  });

  it("a stop keeps what it had not shown yet of a terminal's work for the next start, and nothing of its own", async () => {
    writeGarbage(stage.checkout.databasePath);
    // No sweep after the one at the start, before the stop: not the default 15 s either, which a loaded host can reach
    // before the stop.
    stage.harness = await startBot(stage.checkout, stage.slack, {}, undefined, 3_600_000);
    const { slack } = stage;
    await stage.harness.command('diagnose duckdb', operator);
    await stage.harness.settle();
    const incident = journalRecordsOf(stage.checkout).find((r) => r.type === 'incident.opened')?.incident as string;
    expect(slack.buttons('choose_path_a')).toHaveLength(1);
    expect((await terminal(['diagnose', 'duckdb', `incident=${incident}`])).code).toBe(1);
    await stage.harness.stop();
    expect(slack.buttons('choose_path_a')).toHaveLength(1);

    stage.harness = await startBot(stage.checkout, stage.slack, {}, undefined, 200);
    await slack.waitFor("the terminal's verdict", () => slack.buttons('choose_path_a').length === 2, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(slack.buttons('choose_path_a')).toHaveLength(2);
  });

  it("a recovery run at a terminal in an incident of its own spends the Slack incident's verdict on the same database", async () => {
    const slackIncident = await diagnosedInSlack();
    const { slack, checkout } = stage;
    const verdictTs = slack.buttons('choose_path_a')[0]!.ts;
    const cli = await runCliProcess(['recover', 'duckdb', 'path=a', '--approver', 'bob'], {
      env: cliEnv({ DATABOX_ROOT: checkout.root, DATABOX_STATE_DIR: checkout.stateDir, PATH: `${standinBin}:${process.env.PATH}`, USER: 'alice' }),
      answer: hashIn,
    });
    expect(cli.code, cli.stderr).toBe(0);
    const recovery = journalRecordsOf(checkout).find((r) => r.type === 'run.proposed' && r.incident !== slackIncident && r.data.run.kind === 'recovery');
    expect(recovery, 'the terminal opened an incident of its own').toBeDefined();

    await slack.waitFor("the verdict's buttons to go", () => !slack.messages().find((m) => m.ts === verdictTs)?.blocks.includes('choose_path_'), 60_000);
    const verdict = slack.messages().find((m) => m.ts === verdictTs)!;
    expect(verdict.blocks).toContain(`(plan ${recovery!.data.runId}; asked for by terminal:alice, approved by terminal:bob`);
    expect(verdict.blocks).toContain(`of incident ${recovery!.incident} changed databox.duckdb since this diagnosis`);
    // The message and a late click agree.
    await stage.harness!.click(slack.buttons('choose_path_a')[0]!, operator);
    await stage.harness!.settle();
    expect(slack.ephemerals(operator).at(-1)).toMatch(/has changed since this incident's diagnosis/);
  });

  it("a terminal's diagnosis whose path ran before the bot showed it: its verdict is posted already spent, never with live buttons first", async () => {
    writeGarbage(stage.checkout.databasePath);
    // No sweep until the test asks for one: the terminal's diagnosis and its path A both ran before the bot shows them.
    stage.harness = await startBot(stage.checkout, stage.slack, {}, undefined, 3_600_000);
    const { slack, checkout } = stage;
    await stage.harness.command('diagnose duckdb', operator);
    await stage.harness.settle();
    const incident = journalRecordsOf(checkout).find((r) => r.type === 'incident.opened')?.incident as string;
    expect((await terminal(['diagnose', 'duckdb', `incident=${incident}`])).code).toBe(1);
    const cli = await runCliProcess(['recover', 'duckdb', 'path=a', `incident=${incident}`, '--approver', 'bob'], {
      env: cliEnv({ DATABOX_ROOT: checkout.root, DATABOX_STATE_DIR: checkout.stateDir, PATH: `${standinBin}:${process.env.PATH}`, USER: 'alice' }),
      answer: hashIn,
    });
    expect(cli.code, cli.stderr).toBe(0);

    await stage.harness.bot.sweep();
    await stage.harness.settle();
    const verdicts = slack.callsTo('chat.postMessage').filter((p) => String(p.text).startsWith('Verdict:'));
    expect(verdicts).toHaveLength(2);
    expect(String(verdicts[1]!.blocks)).not.toContain('choose_path_');
    expect(String(verdicts[1]!.blocks)).toMatch(new RegExp(`\\(plan ${incident}/3; asked for by terminal:alice, approved by terminal:bob[^)]*\\) was run — see below`));
  });

  it('a recovery a terminal proposes and runs itself is shown once it has ended, then its validation and the rollback offer', async () => {
    const incident = await diagnosedInSlack();
    const { slack, checkout } = stage;
    const cli = await runCliProcess(['recover', 'duckdb', 'path=a', `incident=${incident}`, '--approver', 'bob'], {
      env: cliEnv({ DATABOX_ROOT: checkout.root, DATABOX_STATE_DIR: checkout.stateDir, PATH: `${standinBin}:${process.env.PATH}`, USER: 'alice' }),
      answer: hashIn,
    });
    expect(cli.code, cli.stderr).toBe(0);
    expect(checkout.calls().map((c) => c.command)[0]).toBe('task full-refresh');

    await slack.waitFor('the rollback offer', () => slack.buttons('request_rollback').length === 1, 60_000);
    const texts = threadTexts();
    const recoveryAt = texts.findIndex((t) => t.startsWith('Recovery succeeded'));
    expect(recoveryAt, texts.join('\n')).toBeGreaterThan(-1);
    expect(texts.findIndex((t) => /^Validation succeeded/.test(t))).toBeGreaterThan(recoveryAt);
    expect(texts.at(-1)).toBe('A rollback is available');
    // Whether a sweep caught the plan while it waited at the prompt or not, no button to approve it is left.
    const planMessages = slack.messages().filter((m) => m.blocks.includes('approve_plan'));
    expect(planMessages).toEqual([]);
  });

  it('an incident worked at a terminal gets a thread: what ran there is summed up first, then only the rollbacks a click takes, each naming its recovery', async () => {
    writeGarbage(stage.checkout.databasePath);
    // No sweep until the test asks for one: the terminal's lines are read as the bot writes the new thread's, and the
    // sweep that follows must not show again what the summary says.
    stage.harness = await startBot(stage.checkout, stage.slack, {}, undefined, 3_600_000);
    const { slack, checkout } = stage;
    const diagnosis = await terminal(['diagnose', 'duckdb']);
    const incident = /Incident (dbx-\d{8}-[0-9a-f]{4}) opened by terminal:alice/.exec(diagnosis.stdout)?.[1] as string;
    const recoverA = () =>
      runCliProcess(['recover', 'duckdb', 'path=a', `incident=${incident}`, '--approver', 'bob'], {
        env: cliEnv({ DATABOX_ROOT: checkout.root, DATABOX_STATE_DIR: checkout.stateDir, PATH: `${standinBin}:${process.env.PATH}`, USER: 'alice' }),
        answer: hashIn,
      });
    // Two rebuilds, each validated and offered a rollback: the second stands on the first, whose rollback a click refuses.
    const first = await recoverA();
    expect(first.code, first.stderr).toBe(0);
    expect((await terminal(['diagnose', 'duckdb', `incident=${incident}`])).code).toBe(0);
    const second = await recoverA();
    expect(second.code, second.stderr).toBe(0);
    const ran = journalRecordsOf(checkout).filter((r) => r.type === 'run.proposed' && r.incident === incident).map((r) => ({ id: r.data.run.id as string, kind: r.data.run.kind as string }));
    const [firstRecovery, secondRecovery] = ran.filter((r) => r.kind === 'recovery').map((r) => r.id);
    expect(journalRecordsOf(checkout).filter((r) => r.type === 'run.rollback-offered').map((r) => r.data.runId)).toEqual([firstRecovery, secondRecovery]);

    await stage.harness!.command(`diagnose duckdb incident=${incident}`, operator);
    await stage.harness!.settle();
    await stage.harness!.bot.sweep();
    await stage.harness!.settle();
    // Right after the thread's first message, one message says what ran, each run in order with how it ended.
    const thread = slack.messages().filter((m) => m.threadTs === slack.messages()[0]?.ts);
    const summary = thread[0]!;
    expect(summary.text).toBe(`Before this thread, ${ran.length} runs in this incident`);
    const lines = summary.blocks.split('\\n').filter((line) => line.startsWith('•'));
    expect(lines.map((line) => /`([^`]+)`/.exec(line)?.[1])).toEqual(ran.map((r) => r.id));
    expect(lines[0]).toMatch(/` Diagnosis: .*: \*succeeded\* at .*, verdict: File corrupt \(asked for by terminal:alice\)$/);
    const validations = lines.filter((line) => /` Validation: .*: \*succeeded\*/.test(line));
    expect(validations).toHaveLength(2);
    expect(lines.find((line) => line.startsWith(`• \`${firstRecovery}\``))).toContain(`rollback not offered: databox.duckdb has changed since: ${secondRecovery}`);
    expect(lines.find((line) => line.startsWith(`• \`${secondRecovery}\``))).toMatch(/` Recovery Path A: Rebuild from raw dlt state: \*succeeded\*.*its rollback is offered below$/);
    // Only the rollback a click takes is offered, naming the recovery it undoes; it proposes that rollback.
    expect(slack.buttons('request_rollback').map((b) => b.value)).toEqual([JSON.stringify({ run: secondRecovery })]);
    expect(threadTexts().filter((t) => /^(Recovery|Validation) succeeded/.test(t))).toEqual([]);
    const offer = slack.messages().find((m) => m.ts === slack.buttons('request_rollback')[0]!.ts)!;
    expect(offer.blocks).toContain(`If this recovery (\`${secondRecovery}\`, Path A:`);
    await stage.harness!.click(slack.buttons('request_rollback')[0]!, operator);
    await stage.harness!.settle();
    expect(journalRecordsOf(checkout).filter((r) => r.type === 'run.proposed').at(-1)?.data.run.rollbackOf).toBe(secondRecovery);
  });
});
