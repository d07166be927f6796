// Scenario 1 on a generated DuckDB file: the bot's time to verdict against a bare script doing the same reads (the
// external commands' own time aside), the bot's peak memory with DuckDB capped, and acks while the full read runs
// against an idle bare Bolt app measured just before and just after that read.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { postSigned, slashCommandBody } from '../../test/helpers/signed-request.js';
import { loadConfig } from '../../src/config.js';
import type { ReadOnlyLimits } from '../../src/duckdb/open.js';
import { openStage, type Stage } from '../lib/bot-setup.js';
import { builtProcess, childEnv, eventsUrl, peakRssMiB, resetPeak, rssMiB, startChild, type Child } from '../lib/child.js';
import { createScenario1Database } from '../lib/data.js';
import { ratioFigure, type BenchContext } from '../lib/figures.js';
import { sendCommands, warmUp } from '../lib/load.js';
import { latency, median } from '../lib/stats.js';
import { maxAckMs } from './acks.js';

/** `caps`: none (DuckDB's defaults), or the caps the bot's reads run with. */
function bareReads(file: string, caps: ReadOnlyLimits = {}): { ms: number; peakRssMiB: number } {
  const args = [caps.memoryLimit ?? '', caps.threads ? String(caps.threads) : ''];
  const out = execFileSync(process.execPath, [builtProcess('bare-reads.ts'), file, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').at(-1) as string) as { ms: number; peakRssMiB: number };
}

async function waitFor(what: string, predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** One diagnosis through Slack's protocol: ms from the command to the verdict posted, less the commands' own time. */
async function diagnoseOnce(stage: Stage, bot: Child): Promise<{ ms: number; commandsMs: number }> {
  const verdicts = () => stage.slack.calls.filter((c) => c.method === 'chat.postMessage' && String(c.args.text).startsWith('Verdict:'));
  const before = verdicts().length;
  const started = Date.now();
  await postSigned(eventsUrl(bot), slashCommandBody('diagnose duckdb', { response_url: stage.slack.responseUrl() }));
  await waitFor('the verdict', () => verdicts().length > before, 30 * 60_000);
  const ms = (verdicts().at(-1)?.at as number) - started;
  const records = stage.journal();
  const run = records.filter((r) => r.type === 'run.proposed').at(-1)?.data.run as { id: string; steps: { id: string; kind: string }[] };
  const commands = new Set(run.steps.filter((s) => s.kind === 'command').map((s) => s.id));
  const commandsMs = records
    .filter((r) => r.type === 'step.finished' && r.data.runId === run.id && commands.has(r.data.result.stepId))
    .reduce((sum, r) => sum + Number(r.data.result.durationMs ?? 0), 0);
  await bot.idle();
  return { ms, commandsMs };
}

async function measureFile(ctx: BenchContext, file: string, label: string, bare: Child): Promise<void> {
  ctx.log(`scenario 1 (${label}): bare reads`);
  const stage = await openStage({ DATABOX_DATABASE_PATH: file });
  let bot: Child | undefined;
  try {
    // The caps the bot's diagnosis reads with (DATABOX_DUCKDB_MEMORY_LIMIT, DATABOX_DUCKDB_THREADS), from the
    // environment the bot is started with (startChild's).
    const config = loadConfig(childEnv(stage.env));
    const botCaps: ReadOnlyLimits = { memoryLimit: config.duckdbMemoryLimit, threads: config.duckdbThreads };
    bareReads(file); // warms the page cache, so both sides read from memory alike
    const bareRuns = [bareReads(file), bareReads(file)];
    const cappedRuns = [bareReads(file, botCaps), bareReads(file, botCaps)];
    bot = await startChild('bot.ts', stage.env);
    const pid = bot.process.pid as number;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const idle = rssMiB(pid);
    ctx.log(`scenario 1 (${label}): the bot's diagnoses`);
    const own: number[] = [];
    let peak = 0;
    for (let i = 0; i < 2; i += 1) {
      resetPeak(pid);
      const { ms, commandsMs } = await diagnoseOnce(stage, bot);
      own.push(ms - commandsMs);
      peak = Math.max(peak, peakRssMiB(pid));
    }
    const caps = `${botCaps.threads} DuckDB thread${botCaps.threads === 1 ? '' : 's'}, ${botCaps.memoryLimit}`;
    ctx.figures.push(ratioFigure(`scenario 1 (${label}): time to verdict, commands' own time aside (floor: bare reads with the bot's caps, ${caps})`, median(own), median(cappedRuns.map((b) => b.ms)), 'ms', 1.2));
    ctx.figures.push(ratioFigure(`scenario 1 (${label}): what the caps cost: bare reads with the bot's caps (floor: bare reads with DuckDB's defaults)`, median(cappedRuns.map((b) => b.ms)), median(bareRuns.map((b) => b.ms)), 'ms'));
    ctx.figures.push({
      name: `scenario 1 (${label}): the bot's peak RSS (with its command host) during the diagnosis, DuckDB capped at ${botCaps.memoryLimit} (floor: bare reads, uncapped; capped: ${median(cappedRuns.map((b) => b.peakRssMiB)).toFixed(0)} MiB)`,
      value: peak,
      floor: median(bareRuns.map((b) => b.peakRssMiB)),
      unit: 'MiB',
      ratio: peak / median(bareRuns.map((b) => b.peakRssMiB)),
      target: `peak − idle (${idle.toFixed(0)}) ≤ 384 MiB`,
      met: peak - idle <= 256 + 128,
    });
    ctx.log(`scenario 1 (${label}): acks while the full read runs`);
    const botUrl = eventsUrl(bot);
    const bareUrl = eventsUrl(bare);
    const responseUrl = stage.slack.responseUrl();
    const half = ctx.sizes.requests / 2;
    await warmUp(botUrl, ctx.sizes.requests / 4, responseUrl);
    // The floor: the idle bare app, half its requests just before the read and half just after, so it meets the same
    // drift of a shared machine as the bot's acks between them.
    const floorTimes = await sendCommands(bareUrl, 'help', half, 50, responseUrl);
    const idleAcks = latency(await sendCommands(botUrl, 'help', ctx.sizes.requests, 50, responseUrl));
    await bot.idle();
    const before = stage.journal().length;
    await postSigned(botUrl, slashCommandBody('diagnose duckdb', { response_url: responseUrl }));
    const scanning = (records: Record<string, any>[]) => records.slice(before).some((r) => r.type === 'step.started' && r.data.stepId === 'scan');
    await waitFor('the full read to start', () => scanning(stage.journal()), 60_000);
    const times = await sendCommands(botUrl, 'help', ctx.sizes.requests, 50, responseUrl);
    const stillScanning = !stage.journal().slice(before).some((r) => r.type === 'step.finished' && r.data.result?.stepId === 'scan');
    await bot.idle();
    floorTimes.push(...(await sendCommands(bareUrl, 'help', half, 50, responseUrl)));
    const floor = latency(floorTimes).p99;
    const acks = latency(times);
    ctx.figures.push(ratioFigure(`ack p99, /databox help, 50 senders, the same bot just before that full read (floor: bare Bolt, idle, around the read)`, idleAcks.p99, floor, 'ms'));
    ctx.figures.push(ratioFigure(`ack p99, /databox help, 50 senders, during the full read of ${label} (floor: bare Bolt, idle, around the read)`, acks.p99, floor, 'ms', 1.3));
    ctx.figures.push({ name: `slowest ack during the full read of ${label}`, value: acks.max, unit: 'ms', target: `≤ ${maxAckMs} ms`, met: acks.max <= maxAckMs });
    if (!stillScanning) ctx.notes.push(`scenario 1 (${label}): the full read ended before the ${ctx.sizes.requests} acks did; part of them were sent after it`);
  } finally {
    await bot?.stop();
    await stage.close();
  }
}

/** The bare Bolt app whose idle acks are the floor of the acks during the full reads, warmed up like the bot. */
async function startBareBolt(ctx: BenchContext, stage: Stage): Promise<Child> {
  const bare = await startChild('bare-bolt.ts', stage.env);
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  await warmUp(eventsUrl(bare), ctx.sizes.requests / 4, stage.slack.responseUrl());
  return bare;
}

function freeBytes(dir: string): number {
  const stats = fs.statfsSync(dir);
  return stats.bavail * stats.bsize;
}

export async function benchScenario1(ctx: BenchContext): Promise<void> {
  const file = path.join(ctx.dir, 'scenario1.duckdb');
  ctx.log(`scenario 1: generating a ${(ctx.sizes.scenario1Bytes / 1e9).toFixed(2)} GB DuckDB file`);
  const size = await createScenario1Database(file, ctx.sizes.scenario1Bytes);
  const stage = await openStage();
  let bare: Child | undefined;
  try {
    bare = await startBareBolt(ctx, stage);
    await measureFile(ctx, file, `${(size / 1e9).toFixed(2)} GB`, bare);
    fs.rmSync(file);
    const big = 10_000_000_000;
    if (ctx.small) return;
    if (process.env.BENCH_SKIP_10GB === '1') {
      ctx.notes.push('scenario 1 on a 10 GB file: skipped (BENCH_SKIP_10GB=1)');
      return;
    }
    if (freeBytes(ctx.dir) < big * 1.5) {
      ctx.notes.push(`scenario 1 on a 10 GB file: skipped, ${(freeBytes(ctx.dir) / 1e9).toFixed(1)} GB free in ${ctx.dir}`);
      return;
    }
    ctx.log('scenario 1: generating a 10 GB DuckDB file');
    const bigFile = path.join(ctx.dir, 'scenario1-10gb.duckdb');
    const bigSize = await createScenario1Database(bigFile, big);
    await measureFile(ctx, bigFile, `${(bigSize / 1e9).toFixed(2)} GB`, bare);
    fs.rmSync(bigFile);
  } finally {
    await bare?.stop();
    await stage.close();
  }
}
