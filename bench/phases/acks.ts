// Ack latency of /databox help and /databox diagnose duckdb over HTTP, 1 and 50 concurrent senders, against a bare Bolt
// app that only acks, started the same way, in alternating rounds; then diagnose again to a bot without the per-person
// command limit (reported); also the CPU time per ack, start-up time and idle memory beside the bare app's.
import { createHealthyDatabase } from '../../test/helpers/databox-checkout.js';
import { openStage } from '../lib/bot-setup.js';
import { cpuMs, eventsUrl, rssMiB, startChild, type Child } from '../lib/child.js';
import { ratioFigure, type BenchContext } from '../lib/figures.js';
import { sendCommands, warmUp } from '../lib/load.js';
import { latency } from '../lib/stats.js';

export const maxAckMs = 3_000;
/** Each ack figure's requests are sent in this many rounds, alternately to the bare app and to the bot. */
const rounds = 4;

async function settle(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

interface Sides {
  floor: number[];
  own: number[];
  /** CPU time each process used during its rounds (the bot's until its queue drained), per request. */
  floorCpuMs: number;
  ownCpuMs: number;
}

/** One figure's requests, in alternating rounds to the bare app and the bot, so both meet the same drift of a shared machine. */
async function alternate(bare: Child, bot: Child, text: string, total: number, concurrency: number, responseUrl: string): Promise<Sides> {
  const sides: Sides = { floor: [], own: [], floorCpuMs: 0, ownCpuMs: 0 };
  const perRound = Math.ceil(total / rounds);
  const cpuOf = (child: Child) => cpuMs(child.process.pid as number);
  for (let round = 0; round < rounds; round += 1) {
    const turns = [
      async () => {
        const cpu = cpuOf(bare);
        sides.floor.push(...(await sendCommands(eventsUrl(bare), text, perRound, concurrency, responseUrl)));
        sides.floorCpuMs += cpuOf(bare) - cpu;
      },
      async () => {
        const cpu = cpuOf(bot);
        sides.own.push(...(await sendCommands(eventsUrl(bot), text, perRound, concurrency, responseUrl)));
        await bot.idle();
        sides.ownCpuMs += cpuOf(bot) - cpu;
      },
    ];
    for (const turn of round % 2 === 0 ? turns : turns.reverse()) await turn();
  }
  return { ...sides, floorCpuMs: sides.floorCpuMs / sides.floor.length, ownCpuMs: sides.ownCpuMs / sides.own.length };
}

function senders(concurrency: number): string {
  return `${concurrency} sender${concurrency > 1 ? 's' : ''}`;
}

export async function benchAcks(ctx: BenchContext): Promise<void> {
  const stage = await openStage();
  await createHealthyDatabase(stage.checkout.databasePath, 20_000);
  let bare: Child | undefined;
  let bot: Child | undefined;
  try {
    ctx.log('acks: starting the bare Bolt app and the bot');
    bare = await startChild('bare-bolt.ts', stage.env);
    bot = await startChild('bot.ts', stage.env);
    await settle(2_000);
    ctx.figures.push(ratioFigure('start-up to ready (floor: bare Bolt app)', bot.readyMs, bare.readyMs, 'ms'));
    ctx.figures.push(ratioFigure('idle RSS, the bot with its command host (floor: bare Bolt app)', rssMiB(bot.process.pid as number), rssMiB(bare.process.pid as number), 'MiB'));
    const responseUrl = stage.slack.responseUrl();
    await warmUp(eventsUrl(bare), ctx.sizes.requests / 4, responseUrl);
    await warmUp(eventsUrl(bot), ctx.sizes.requests / 4, responseUrl);
    const texts = (process.env.BENCH_ACK_TEXTS ?? 'help,diagnose duckdb').split(',');
    // The bot as configured by default: past 10 commands in 5 minutes, one person's diagnose is answered with the
    // per-person limit's refusal, so most of one sender's 2,000 measure that answer.
    for (const text of texts) {
      for (const concurrency of [1, 50]) {
        ctx.log(`acks: /databox ${text}, ${ctx.sizes.requests} requests from ${senders(concurrency)}`);
        const times = await alternate(bare, bot, text, ctx.sizes.requests, concurrency, responseUrl);
        const floor = latency(times.floor);
        const own = latency(times.own);
        ctx.figures.push(ratioFigure(`ack p99, /databox ${text}, ${senders(concurrency)} (p50 ${own.p50.toFixed(1)} vs ${floor.p50.toFixed(1)} ms)`, own.p99, floor.p99, 'ms', 1.3));
        ctx.figures.push(ratioFigure(`CPU per ack, /databox ${text}, ${senders(concurrency)}`, times.ownCpuMs, times.floorCpuMs, 'ms'));
        ctx.figures.push({ name: `slowest ack, /databox ${text}, ${senders(concurrency)}`, value: own.max, floor: floor.max, unit: 'ms', target: `≤ ${maxAckMs} ms`, met: own.max <= maxAckMs });
      }
    }
    const diagnose = texts.find((text) => text.startsWith('diagnose'));
    if (diagnose) {
      // The same commands to a bot without that limit: each one starts a diagnosis or joins the running one, and a
      // diagnosis starts again as soon as the last has ended (about every half second here). Reported, not a target.
      await bot.stop();
      bot = undefined;
      const unlimited = await startChild('bot.ts', { ...stage.env, DATABOX_USER_COMMAND_LIMIT: '100000/1h' });
      bot = unlimited;
      await settle(2_000);
      await warmUp(eventsUrl(unlimited), ctx.sizes.requests / 4, responseUrl);
      for (const concurrency of [1, 50]) {
        ctx.log(`acks: /databox ${diagnose}, ${ctx.sizes.requests} requests from ${senders(concurrency)}, no per-person limit`);
        const times = await alternate(bare, unlimited, diagnose, ctx.sizes.requests, concurrency, responseUrl);
        const floor = latency(times.floor);
        const own = latency(times.own);
        ctx.figures.push(ratioFigure(`ack p99, /databox ${diagnose}, ${senders(concurrency)}, no per-person limit (p50 ${own.p50.toFixed(1)} vs ${floor.p50.toFixed(1)} ms)`, own.p99, floor.p99, 'ms'));
        ctx.figures.push({ name: `slowest ack, /databox ${diagnose}, ${senders(concurrency)}, no per-person limit`, value: own.max, floor: floor.max, unit: 'ms', target: `≤ ${maxAckMs} ms`, met: own.max <= maxAckMs });
      }
    }
  } finally {
    await bare?.stop();
    await bot?.stop();
    await stage.close();
  }
}
