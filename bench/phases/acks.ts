// Ack latency of /databox help and /databox diagnose duckdb over HTTP, 1 and 50 concurrent senders, against a bare Bolt
// app that only acks, started the same way, in alternating rounds; also start-up time and idle memory beside the bare app's.
import { createHealthyDatabase } from '../../test/helpers/databox-checkout.js';
import { openStage } from '../lib/bot-setup.js';
import { rssMiB, startChild, type Child } from '../lib/child.js';
import { ratioFigure, type BenchContext } from '../lib/figures.js';
import { sendCommands } from '../lib/load.js';
import { latency } from '../lib/stats.js';

export const maxAckMs = 3_000;
/** Each ack figure's requests are sent in this many rounds, alternately to the bare app and to the bot. */
const rounds = 4;

async function settle(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

export async function benchAcks(ctx: BenchContext): Promise<void> {
  // Every sender stays under the per-person command limit (10 in 5 minutes by default): past it, a diagnose is answered
  // with the limit's refusal, and the figure would measure that rather than a diagnose joining the running diagnosis.
  const stage = await openStage({ DATABOX_USER_COMMAND_LIMIT: '100000/1h' });
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
    const floorUrl = `http://127.0.0.1:${bare.port}/slack/events`;
    const botUrl = `http://127.0.0.1:${bot.port}/slack/events`;
    const botChild = bot;
    for (const text of (process.env.BENCH_ACK_TEXTS ?? 'help,diagnose duckdb').split(',')) {
      for (const concurrency of [1, 50]) {
        ctx.log(`acks: /databox ${text}, ${ctx.sizes.requests} requests from ${concurrency} senders`);
        // Taken in alternating rounds, so both sides meet the same load of a shared machine, which drifts over a run.
        const floorTimes: number[] = [];
        const ownTimes: number[] = [];
        const perRound = Math.ceil(ctx.sizes.requests / rounds);
        for (let round = 0; round < rounds; round += 1) {
          const sides = [
            async () => floorTimes.push(...(await sendCommands(floorUrl, text, perRound, concurrency, responseUrl))),
            async () => {
              ownTimes.push(...(await sendCommands(botUrl, text, perRound, concurrency, responseUrl)));
              await botChild.idle();
            },
          ];
          for (const side of round % 2 === 0 ? sides : sides.reverse()) await side();
        }
        const floor = latency(floorTimes);
        const own = latency(ownTimes);
        const name = `ack p99, /databox ${text}, ${concurrency} sender${concurrency > 1 ? 's' : ''} (p50 ${own.p50.toFixed(1)} vs ${floor.p50.toFixed(1)} ms)`;
        ctx.figures.push(ratioFigure(name, own.p99, floor.p99, 'ms', 1.3));
        ctx.figures.push({ name: `slowest ack, /databox ${text}, ${concurrency} senders`, value: own.max, floor: floor.max, unit: 'ms', target: `≤ ${maxAckMs} ms`, met: own.max <= maxAckMs });
      }
    }
  } finally {
    await bare?.stop();
    await bot?.stop();
    await stage.close();
  }
}
