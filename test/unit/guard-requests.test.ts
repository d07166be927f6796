// The guard in front of Bolt: a replay is told by its signature, and unsigned requests cannot push a real one out.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HTTPReceiver } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { guardRequests } from '../../src/slack/guard-requests.js';
import { createLogger } from '../../src/logger.js';
import { postSigned, signingSecret, slashCommandBody } from '../helpers/signed-request.js';

describe('guardRequests', () => {
  let server: http.Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  /** A server whose "Bolt" answers 204 to whatever the guard hands it, counting what it was handed. */
  async function guarded(signaturesKept: number) {
    const handedToBolt: string[] = [];
    const refused: string[] = [];
    const receiver = {
      requestListener: (req: http.IncomingMessage, res: http.ServerResponse) => {
        handedToBolt.push(String(req.headers['x-slack-signature']));
        res.writeHead(204);
        res.end();
      },
    } as unknown as HTTPReceiver;
    guardRequests(receiver, { signingSecret, logger: createLogger('silent', (t) => t), onRefused: (_sender, reason) => refused.push(reason), signaturesKept });
    server = http.createServer((req, res) => receiver.requestListener(req, res));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`, handedToBolt, refused };
  }

  it('still knows a signed request sent again after more unsigned ones than it keeps signatures', async () => {
    const { url, handedToBolt, refused } = await guarded(10);
    const body = slashCommandBody('recover duckdb path=A', { user_id: 'U0OPERATOR' });
    const timestamp = Math.floor(Date.now() / 1000);
    expect((await postSigned(url, body, { timestamp })).status).toBe(204);
    for (let i = 0; i < 25; i += 1) {
      await postSigned(url, 'x=1', { timestamp, signature: `v0=${String(i).padStart(64, '0')}` });
    }
    const replay = await postSigned(url, body, { timestamp });
    expect(replay.status).toBe(200);
    expect(refused).toEqual([expect.stringMatching(/^a signed request sent again, the same signature within five minutes \(a replay\)/)]);
    // The first one and the 25 unsigned were Bolt's to answer; the replay was not.
    expect(handedToBolt).toHaveLength(26);
  });

  it('lets the oldest signed request go once it keeps as many as it may, and no more than that', async () => {
    const { url, refused } = await guarded(3);
    const timestamp = Math.floor(Date.now() / 1000);
    const bodies = [1, 2, 3, 4].map((n) => slashCommandBody(`help ${n}`, { user_id: 'U0OPERATOR' }));
    for (const body of bodies) expect((await postSigned(url, body, { timestamp })).status).toBe(204);
    // The fourth pushed the first out; the last three are still known.
    expect((await postSigned(url, bodies[3]!, { timestamp })).status).toBe(200);
    expect((await postSigned(url, bodies[1]!, { timestamp })).status).toBe(200);
    expect(refused).toHaveLength(2);
    expect((await postSigned(url, bodies[0]!, { timestamp })).status).toBe(204);
  });
});
