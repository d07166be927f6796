// Tests startHealthListener (src/health/health-listener.ts): the bot's answer served on loopback from its own thread,
// 503 with the reason when the bot's thread does not answer (its event loop stuck), a port in use said, not thrown.
import net from 'node:net';
import { Writable } from 'node:stream';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startHealthListener } from '../../src/health/health-listener.js';
import { healthzAnswer } from '../../src/health/healthz-answer.js';
import { createLogger } from '../../src/logger.js';

function logged() {
  const lines: { level: number; msg: string; port?: number }[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
      done();
    },
  });
  return { lines, logger: createLogger('info', (text) => text, destination) };
}

async function listening(answer: () => ReturnType<typeof healthzAnswer>, answerWithinMs = 2_000) {
  const { logger, lines } = logged();
  const listener = startHealthListener(0, answer, logger, { answerWithinMs });
  onTestFinished(() => listener.stop());
  const port = await listener.port;
  if (port === undefined) throw new Error(`the listener did not bind: ${JSON.stringify(lines)}`);
  return { port, lines };
}

describe('the Socket Mode /healthz listener', () => {
  it("answers GET and HEAD /healthz with the bot's answer, on 127.0.0.1", async () => {
    const { port } = await listening(() => healthzAnswer(undefined, 'no Socket Mode connection to Slack for 3 min'));
    const get = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect({ status: get.status, body: await get.json() }).toEqual({ status: 503, body: { ok: false, reason: 'no Socket Mode connection to Slack for 3 min' } });
    expect((await fetch(`http://127.0.0.1:${port}/healthz`, { method: 'HEAD' })).status).toBe(503);
    expect((await fetch(`http://127.0.0.1:${port}/slack/events`)).status).toBe(404);
  });

  it("answers 503 with the reason when the bot's thread does not answer in time, as when its event loop is stuck", async () => {
    // The bot's thread is held in its answer (a loop that never yields) for 30 times the listener's wait for it.
    const { port } = await listening(() => {
      const held = Date.now() + 3_000;
      while (Date.now() < held);
      return healthzAnswer(undefined);
    }, 100);
    const answer = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect({ status: answer.status, body: await answer.json() }).toEqual({
      status: 503,
      body: { ok: false, reason: "the bot's event loop did not answer within 0.1 s: it is stuck or overloaded, and takes no command or click meanwhile" },
    });
  });

  it('says, and does not throw, when the port is taken, naming it and HEALTH_PORT', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => holder.close(() => resolve())));
    const taken = (holder.address() as net.AddressInfo).port;
    const { logger, lines } = logged();
    const listener = startHealthListener(taken, () => healthzAnswer(undefined), logger);
    onTestFinished(() => listener.stop());
    expect(await listener.port).toBeUndefined();
    expect(lines.map(({ level, msg }) => ({ level, msg }))).toEqual([
      {
        level: 40,
        msg: `Socket Mode's /healthz cannot listen on 127.0.0.1:${taken} (listen EADDRINUSE: address already in use 127.0.0.1:${taken}): set HEALTH_PORT to a free port. The bot runs on, but its health check fails until it can`,
      },
    ]);
  });
});
