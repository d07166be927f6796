// The Web API client's fetch on a worker thread (src/slack/fetch-off-thread.ts): what a server answers reaches the caller
// as fetch hands it over, a multipart upload arrives whole, a timeout and a refused connection fail as fetch's do, Slack's
// errors and 429s reach the Web API client as before, and a request leaves while this thread's event loop is blocked.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { webApi } from '@slack/bolt';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchOffThread } from '../../src/slack/fetch-off-thread.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';
import { projectRoot, scriptsDir } from '../support/fixtures.js';

interface Seen {
  method?: string;
  url?: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

const seen: Seen[] = [];
/** Requests that get no answer, to see that the thread lets go of them. */
const held: http.IncomingMessage[] = [];
const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    seen.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks) });
    if (req.url === '/silent') {
      held.push(req);
      return;
    }
    if (req.url === '/bom') {
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"ok":true}')]));
      return;
    }
    res.writeHead(201, 'Made', { 'Content-Type': 'application/json', 'X-OAuth-Scopes': 'chat:write,files:write' });
    res.end(JSON.stringify({ ok: true, echoed: Buffer.concat(chunks).toString() }));
  });
});
let base = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('fetchOffThread', { timeout: 30_000 }, () => {
  it('sends the method, headers and body, and hands back status, headers (any case) and body as fetch does', async () => {
    const response = await fetchOffThread(`${base}/api/chat.postMessage`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: 'Bearer xoxb-1' },
      body: 'channel=C1&text=h%C3%A9llo',
    });
    const request = seen.at(-1) as Seen;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/api/chat.postMessage');
    expect(request.headers.authorization).toBe('Bearer xoxb-1');
    expect(request.body.toString()).toBe('channel=C1&text=h%C3%A9llo');
    expect(response.status).toBe(201);
    expect(response.ok).toBe(true);
    expect(response.statusText).toBe('Made');
    expect(response.url).toBe(`${base}/api/chat.postMessage`);
    expect(response.headers.get('x-oauth-scopes')).toBe('chat:write,files:write');
    expect(response.headers.get('Content-Type')).toBe('application/json');
    expect(Object.fromEntries(response.headers.entries())['x-oauth-scopes']).toBe('chat:write,files:write');
    expect(await response.json()).toEqual({ ok: true, echoed: 'channel=C1&text=h%C3%A9llo' });
  });

  it('reads a body as fetch does: UTF-8, a byte order mark dropped', async () => {
    const response = await fetchOffThread(`${base}/bom`, { method: 'POST' });
    expect(await response.text()).toBe('{"ok":true}');
    expect(new Uint8Array(await response.arrayBuffer())[0], 'the bytes as they came').toBe(0xef);
  });

  it('sends a multipart body (a file upload) with its file name and bytes', async () => {
    const form = new FormData();
    form.append('token', 'xoxb-1');
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252]);
    form.append('file', new Blob([bytes]), 'step-output.log');
    await fetchOffThread(`${base}/upload/F1`, { method: 'POST', body: form });
    const request = seen.at(-1) as Seen;
    expect(request.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const received = await new Response(new Uint8Array(request.body), { headers: { 'content-type': request.headers['content-type'] as string } }).formData();
    expect(received.get('token')).toBe('xoxb-1');
    const file = received.get('file') as File;
    expect(file.name).toBe('step-output.log');
    expect(Buffer.from(await file.arrayBuffer())).toEqual(bytes);
  });

  it('fails when its signal aborts, with the signal\'s reason as fetch does, and the thread lets go of the request', async () => {
    const controller = new AbortController();
    const failure = fetchOffThread(`${base}/silent`, { method: 'POST', body: 'x', signal: controller.signal }).catch((error: unknown) => error);
    await expect.poll(() => held.length, { timeout: 10_000 }).toBe(1);
    controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    expect((await failure as Error).name).toBe('TimeoutError');
    const request = held[0] as http.IncomingMessage;
    await expect.poll(() => request.socket.destroyed, { timeout: 5_000 }).toBe(true);
  });

  it('sends nothing for a signal already aborted', async () => {
    const before = seen.length;
    await expect(fetchOffThread(`${base}/api/chat.postMessage`, { method: 'POST', body: 'x', signal: AbortSignal.abort() })).rejects.toThrow(/abort/i);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seen.length).toBe(before);
  });

  it('fails when nothing listens, naming what failed', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(fetchOffThread(`http://127.0.0.1:${port}/api/auth.test`, { method: 'POST' })).rejects.toThrow(/fetch failed.*ECONNREFUSED/);
  });

  describe('as the Web API client\'s fetch', () => {
    const slack = new SlackStandIn();
    let client: InstanceType<typeof webApi.WebClient>;
    beforeAll(async () => {
      await slack.start();
      client = new webApi.WebClient('xoxb-1111-test', { slackApiUrl: slack.apiUrl, fetch: fetchOffThread, retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 } });
    });
    afterAll(() => slack.stop());

    it('posts, and Slack\'s refusals keep their error code (the outbox decides by it)', async () => {
      const posted = await client.chat.postMessage({ channel: 'C1', text: 'hello' });
      expect(posted.ok).toBe(true);
      expect(slack.callsTo('chat.postMessage').at(-1)?.text).toBe('hello');
      slack.failures.set('chat.update', 'message_not_found');
      const refused = await client.chat.update({ channel: 'C1', ts: posted.ts as string, text: 'x' }).catch((error: unknown) => error);
      expect((refused as { data?: { error?: string } }).data?.error).toBe('message_not_found');
    });

    it('waits out a 429 for its Retry-After and then posts', async () => {
      slack.trouble.push({ status: 429, retryAfter: 1 });
      const before = slack.callsTo('chat.postMessage').length;
      const started = performance.now();
      const posted = await client.chat.postMessage({ channel: 'C1', text: 'after the limit' });
      expect(posted.ok).toBe(true);
      expect(performance.now() - started).toBeGreaterThanOrEqual(900);
      expect(slack.callsTo('chat.postMessage').length - before).toBe(2);
    });

    it('uploads a file through the upload URL Slack hands out', async () => {
      await client.files.uploadV2({ channel_id: 'C1', content: 'the whole plan', filename: 'plan.txt', title: 'plan' });
      const upload = slack.uploads.at(-1)?.bytes.toString();
      // The Web API client sends the bytes as a multipart file part, whichever fetch it is given.
      expect(upload).toContain('name="body"; filename="Untitled"');
      expect(upload).toContain('the whole plan');
    });
  });

  it('sends a request while this thread\'s event loop is blocked', async () => {
    const standIn = execa(process.execPath, ['--import', path.join(projectRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs'), path.join(scriptsDir, 'slack-api-standin.ts')], { buffer: false });
    try {
      const lines: Record<string, any>[] = [];
      standIn.stdout?.setEncoding('utf8').on('data', (text: string) => lines.push(...text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, any>)));
      await expect.poll(() => lines.length, { timeout: 20_000 }).toBeGreaterThan(0);
      const { apiUrl } = lines[0] as { apiUrl: string };
      // The thread is up (an earlier call started it), so what is measured is the call alone.
      await fetchOffThread(`${apiUrl}auth.test`, { method: 'POST' });
      const call = fetchOffThread(`${apiUrl}chat.postMessage`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'channel=C1&text=busy' });
      const blockedFrom = Date.now();
      while (Date.now() - blockedFrom < 3_000);
      const blockedUntil = Date.now();
      expect((await call).status).toBe(200);
      await expect.poll(() => lines.some((line) => line.method === 'chat.postMessage'), { timeout: 5_000 }).toBe(true);
      const arrived = lines.find((line) => line.method === 'chat.postMessage') as { at: number };
      expect(arrived.at, 'the request reached Slack before this thread was free again').toBeLessThan(blockedUntil);
    } finally {
      standIn.kill();
      await standIn.catch(() => undefined);
    }
  });
});
