// Ack latency of /databox help and /databox diagnose duckdb over HTTP, 1 and 50 concurrent senders, against a bare Bolt
// app that only acks, started the same way; also start-up time and idle memory beside the bare app's.
import { createHealthyDatabase } from '../../test/helpers/databox-checkout.js';
import { openStage } from '../lib/bot-setup.js';
import { rssMiB, startChild, type Child } from '../lib/child.js';
import { ratioFigure, type BenchContext } from '../lib/figures.js';
import { sendCommands } from '../lib/load.js';
import { latency } from '../lib/stats.js';

export const maxAckMs = 3_000;

async function settle(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
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
    ctx.figures.push(ratioFigure('idle RSS (floor: bare Bolt app)', rssMiB(bot.process.pid as number), rssMiB(bare.process.pid as number), 'MiB'));
    const responseUrl = stage.slack.responseUrl();
    for (const text of (process.env.BENCH_ACK_TEXTS ?? 'help,diagnose duckdb').split(',')) {
      for (const concurrency of [1, 50]) {
        ctx.log(`acks: /databox ${text}, ${ctx.sizes.requests} requests from ${concurrency} senders`);
        const floor = latency(await sendCommands(`http://127.0.0.1:${bare.port}/slack/events`, text, ctx.sizes.requests, concurrency, responseUrl));
        const own = latency(await sendCommands(`http://127.0.0.1:${bot.port}/slack/events`, text, ctx.sizes.requests, concurrency, responseUrl));
        const name = `ack p99, /databox ${text}, ${concurrency} sender${concurrency > 1 ? 's' : ''} (p50 ${own.p50.toFixed(1)} vs ${floor.p50.toFixed(1)} ms)`;
        ctx.figures.push(ratioFigure(name, own.p99, floor.p99, 'ms', 1.3));
        ctx.figures.push({ name: `slowest ack, /databox ${text}, ${concurrency} senders`, value: own.max, floor: floor.max, unit: 'ms', target: `≤ ${maxAckMs} ms`, met: own.max <= maxAckMs });
        await bot.idle();
      }
    }
  } finally {
    await bare?.stop();
    await bot?.stop();
    await stage.close();
  }
}
