// The bot's own time per step of an approved plan (approval click → first step started; last step's exit → its message
// posted), and its memory while a step prints a lot: scenario 1's path A through Slack's protocol, against stand-in tools.
import { writeGarbage } from '../../test/helpers/databox-checkout.js';
import { blockActionBody, postSigned, slashCommandBody } from '../../test/helpers/signed-request.js';
import type { ApiCall } from '../../test/helpers/slack-stand-in.js';
import { openStage, type Stage } from '../lib/bot-setup.js';
import { eventsUrl, peakRssMiB, resetPeak, rssMiB, startChild, type Child } from '../lib/child.js';
import type { BenchContext } from '../lib/figures.js';
import { median } from '../lib/stats.js';

const maxOwnMs = 50;

interface Button {
  actionId: string;
  value: string;
  channel: string;
  ts: string;
  threadTs?: string;
}

async function click(stage: Stage, bot: Child, button: Button, user: string): Promise<void> {
  const body = blockActionBody({ ...button, user, messageTs: button.ts, responseUrl: stage.slack.responseUrl('action') });
  const { status } = await postSigned(eventsUrl(bot), body);
  if (status !== 200) throw new Error(`a click answered ${status}`);
}

async function waitFor(what: string, predicate: () => boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Diagnoses the corrupt file, proposes path A and returns its Approve button. */
async function planPathA(stage: Stage, bot: Child): Promise<Button> {
  writeGarbage(stage.checkout.databasePath);
  const approvesBefore = stage.slack.buttons('approve_plan').length;
  const pathsBefore = stage.slack.buttons('choose_path_a').length;
  await postSigned(eventsUrl(bot), slashCommandBody('diagnose duckdb', { response_url: stage.slack.responseUrl() }));
  await waitFor('the verdict', () => stage.slack.buttons('choose_path_a').length > pathsBefore);
  await click(stage, bot, stage.slack.buttons('choose_path_a').at(-1) as Button, 'U0OPERATOR');
  await waitFor('the plan', () => stage.slack.buttons('approve_plan').length > approvesBefore);
  await bot.idle();
  return stage.slack.buttons('approve_plan').at(-1) as Button;
}

/** Approves the plan; returns the bot's own ms before the first step and after the last step's exit. */
async function approveAndTime(stage: Stage, bot: Child, approve: Button): Promise<{ toFirstStep: number; afterLastStep: number }> {
  const runId = (JSON.parse(approve.value) as { run: string }).run;
  const clicked = Date.now();
  await click(stage, bot, approve, 'U0TEAMMATE');
  const finished = () => stage.journal().find((r) => r.type === 'run.finished' && r.data.runId === runId);
  await waitFor('the run to finish', () => finished() !== undefined, 30 * 60_000);
  await bot.idle();
  const records = stage.journal().filter((r) => r.data?.runId === runId);
  const started = records.filter((r) => r.type === 'step.started');
  const done = records.filter((r) => r.type === 'step.finished');
  const first = started[0];
  const lastStart = started.at(-1);
  const last = done.at(-1);
  if (!first || !lastStart || !last) throw new Error(`run ${runId} has no steps in the journal`);
  // The last step's exit: its start plus the duration its runner measured (a little early, so the figure errs high).
  const exited = Date.parse(lastStart.at) + Number(last.data.result.durationMs);
  const title = String(last.data.result.stepId);
  const run = stage.journal().find((r) => r.type === 'run.proposed' && r.data.runId === runId)?.data.run as { steps: { id: string; title: string }[] };
  const stepTitle = run.steps.find((s) => s.id === title)?.title ?? title;
  const shows = (c: ApiCall) => (c.method === 'chat.update' || c.method === 'chat.postMessage') && c.at >= exited && `${c.args.text} ${c.args.blocks}`.includes(stepTitle) && /(ok|succeeded|failed)/.test(`${c.args.text}`);
  const posted = stage.slack.calls.find(shows);
  if (!posted) throw new Error(`no message showed the end of ${stepTitle}`);
  return { toFirstStep: Date.parse(first.at) - clicked, afterLastStep: posted.at - exited };
}

export async function benchSteps(ctx: BenchContext): Promise<void> {
  const stage = await openStage();
  let bot: Child | undefined;
  try {
    bot = await startChild('bot.ts', stage.env);
    const pid = bot.process.pid as number;
    ctx.log('steps: approval → first step, last step → its message (path A, 3 times)');
    const before: number[] = [];
    const after: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const approve = await planPathA(stage, bot);
      const timed = await approveAndTime(stage, bot, approve);
      before.push(timed.toFirstStep);
      after.push(timed.afterLastStep);
    }
    ctx.figures.push({ name: 'own time: approval click → first step started (median of 3)', value: median(before), unit: 'ms', target: `≤ ${maxOwnMs} ms`, met: median(before) <= maxOwnMs });
    ctx.figures.push({ name: "own time: last step's exit → its message posted (median of 3)", value: median(after), unit: 'ms', target: `≤ ${maxOwnMs} ms`, met: median(after) <= maxOwnMs });

    const mb = Math.round(ctx.sizes.outputBytes / 1e6);
    ctx.log(`steps: a step printing ${mb} MB`);
    const line = `${'x'.repeat(999)}\n`;
    stage.checkout.behave({ 'task full-refresh': { repeat: { text: line, times: Math.round(ctx.sizes.outputBytes / line.length) }, createDatabase: 'data/databox.duckdb' } });
    const approve = await planPathA(stage, bot);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const idle = rssMiB(pid);
    resetPeak(pid);
    await approveAndTime(stage, bot, approve);
    const peak = peakRssMiB(pid);
    ctx.figures.push({ name: `peak RSS above idle, the bot with its command host, while a step prints ${mb} MB (idle ${idle.toFixed(0)} MiB)`, value: peak - idle, unit: 'MiB', target: '≤ 64 MiB', met: peak - idle <= 64 });
    // The whole output is on disk, not in memory: the step's kept file holds every byte the command printed.
    const runId = (JSON.parse(approve.value) as { run: string }).run;
    const kept = stage.journal().find((r) => r.type === 'step.finished' && r.data.runId === runId && r.data.result.stepId === 'full_refresh')?.data.result as { outputBytes?: number } | undefined;
    const printed = Math.round(ctx.sizes.outputBytes / line.length) * line.length;
    ctx.figures.push({ name: `output kept on disk of the ${mb} MB step`, value: (kept?.outputBytes ?? 0) / 1e6, unit: 'MB', target: `all ${(printed / 1e6).toFixed(0)} MB`, met: kept?.outputBytes === printed });
  } finally {
    await bot?.stop();
    await stage.close();
  }
}
