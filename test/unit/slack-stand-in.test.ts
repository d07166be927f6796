// The Slack stand-in started again on a port another process took meanwhile: a clean failure, not an uncaught error.
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { SlackStandIn } from '../helpers/slack-stand-in.js';

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('the Slack stand-in started on a port already taken', () => {
  it('rejects its start with EADDRINUSE', async () => {
    const taker = http.createServer();
    servers.push(taker);
    await new Promise<void>((resolve) => taker.listen(0, '127.0.0.1', resolve));
    const port = (taker.address() as { port: number }).port;
    // Before: the listen error was emitted with no handler (uncaught in the worker) and the start never settled.
    await expect(new SlackStandIn().start(port)).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});
