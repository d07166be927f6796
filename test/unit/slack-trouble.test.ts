// How Slack's failures are told apart, from the errors the real Web API client throws for each kind of answer a
// loopback server gives: a refusal, Slack's own trouble, an answer that is not Slack's JSON, silence.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientAskedAgain, mayHaveBeenCarriedOut, slackFailureText, slackRefusal, slackTrouble, worthAskingAgain } from '../../src/slack/slack-trouble.js';
import { blockNetwork } from '../helpers/no-network.js';

blockNetwork();

type Answer = (res: http.ServerResponse) => void;
const json = (body: string): Answer => (res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(body);
};
const raw = (status: number, body: string, headers: Record<string, string> = {}): Answer => (res) => {
  res.writeHead(status, { 'content-type': 'text/html', ...headers });
  res.end(body);
};

let answer: Answer = json('{"ok":true}');
let server: http.Server;
let client: WebClient;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => answer(res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new WebClient('xoxb-test', { slackApiUrl: `http://127.0.0.1:${port}/api/`, retryConfig: { retries: 0 }, rejectRateLimitedCalls: false, timeout: 300 });
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function failureFor(given: Answer): Promise<unknown> {
  answer = given;
  return client.chat.postMessage({ channel: 'C0INCIDENT', text: 'x' }).then(
    () => expect.unreachable('Slack took it'),
    (error: unknown) => error,
  );
}

describe('a connection Slack refused', () => {
  it('never reached Slack: nothing it could have carried out, so asking again posts no copy', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const refused = new WebClient('xoxb-test', { slackApiUrl: `http://127.0.0.1:${port}/api/`, retryConfig: { retries: 0 }, timeout: 300 });
    const error = await refused.chat.postMessage({ channel: 'C0INCIDENT', text: 'x' }).then(() => expect.unreachable('refused'), (e: unknown) => e);
    expect(slackTrouble(error)).toBe('it did not answer');
    expect(mayHaveBeenCarriedOut(error)).toBe(false);
  });
});

describe('Slack trouble', () => {
  it.each([
    ['a refusal', json('{"ok":false,"error":"not_in_channel"}'), { refusal: 'not_in_channel', trouble: undefined, again: false, maybeDone: false }],
    ['ratelimited in a 200', json('{"ok":false,"error":"ratelimited"}'), { refusal: undefined, trouble: 'it answered "ratelimited"', again: true, maybeDone: false }],
    // Slack says internal_error may come after part of the call was carried out: asking again could do it twice.
    ['internal_error', json('{"ok":false,"error":"internal_error"}'), { refusal: undefined, trouble: 'it answered "internal_error"', again: false, maybeDone: true }],
    ["a proxy's page", raw(200, '<html><body>Bad gateway</body></html>'), { refusal: undefined, trouble: "its answer was not Slack's JSON (a proxy's error page, say)", again: true, maybeDone: false }],
    ['a word that is not one of Slack’s codes', raw(200, 'ok'), { refusal: undefined, trouble: "its answer was not Slack's JSON (a proxy's error page, say)", again: true, maybeDone: false }],
    ['an answer cut short', json('{"ok":true,"ts":"17'), { refusal: undefined, trouble: 'its answer was cut short', again: false, maybeDone: true }],
    ['a 429 without Retry-After', raw(429, '{"ok":false,"error":"ratelimited"}'), { refusal: undefined, trouble: 'it answered 429 without a Retry-After it could read', again: true, maybeDone: false }],
    ['429s past the client’s retries', raw(429, '{"ok":false,"error":"ratelimited"}', { 'retry-after': '0' }), { refusal: undefined, trouble: 'it kept answering "rate limited"', again: true, maybeDone: false }],
    ['a 500', raw(500, 'Internal Server Error'), { refusal: undefined, trouble: 'it answered HTTP 500', again: true, maybeDone: false }],
    ['silence', () => {}, { refusal: undefined, trouble: 'it did not answer', again: false, maybeDone: true }],
  ])('%s', async (_name, given, expected) => {
    const error = await failureFor(given);
    expect(slackRefusal(error)).toBe(expected.refusal);
    expect(slackTrouble(error)).toBe(expected.trouble);
    expect(worthAskingAgain(error)).toBe(expected.again);
    expect(mayHaveBeenCarriedOut(error)).toBe(expected.maybeDone);
    const text = slackFailureText(error) as string;
    expect(text).toBe(expected.refusal ? `Slack refused it (${expected.refusal})` : `Slack's Web API failed: ${expected.trouble}`);
    expect(text, 'no raw body, no address').not.toMatch(/html|127\.0\.0\.1|http:/i);
  });

  it('knows which failures the client itself asked again for', async () => {
    expect(clientAskedAgain(await failureFor(raw(500, 'x')))).toBe(true);
    expect(clientAskedAgain(await failureFor(json('{"ok":false,"error":"ratelimited"}')))).toBe(false);
    expect(clientAskedAgain(new Error('not Slack'))).toBe(false);
    expect(slackTrouble(new Error('not Slack'))).toBeUndefined();
  });
});
