// What the reporter remembers of its messages' contents: an update that changes nothing is told apart, only so many
// messages are remembered, and nothing is assumed of a message whose last update failed.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebClient } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { section, type Rendered } from '../../src/slack/blocks.js';
import { MessageContents } from '../../src/slack/message-contents.js';
import type { SlackOutbox } from '../../src/slack/outbox.js';
import { SlackReporter } from '../../src/slack/slack-reporter.js';
import { blockNetwork } from '../helpers/no-network.js';

blockNetwork();

const message = (ts: string) => ({ channel: 'C0INCIDENT', ts });

describe('MessageContents', () => {
  it('knows what Slack last took for a message, text and blocks alike', () => {
    const contents = new MessageContents();
    const running: Rendered = { text: 'Recovery running', blocks: [section('step 1 of 3')] };
    expect(contents.shows(message('1.1'), running)).toBe(false);
    contents.took(message('1.1'), running);
    expect(contents.shows(message('1.1'), { ...running })).toBe(true);
    expect(contents.shows(message('1.1'), { ...running, text: 'Recovery succeeded' })).toBe(false);
    expect(contents.shows(message('1.1'), { ...running, blocks: [] })).toBe(false);
    expect(contents.shows(message('1.2'), running)).toBe(false);
    expect(contents.shows({ channel: 'C0OTHER', ts: '1.1' }, running)).toBe(false);
    contents.took(message('1.1'), { ...running, text: 'Recovery succeeded' });
    expect(contents.shows(message('1.1'), running)).toBe(false);
  });

  it('forgets the message it heard of longest ago once it knows a thousand, not one it has just updated', () => {
    const contents = new MessageContents();
    const shown: Rendered = { text: 'x', blocks: [] };
    for (let i = 0; i < 1_000; i += 1) contents.took(message(`1.${i}`), shown);
    contents.took(message('1.0'), shown);
    contents.took(message('2.0'), shown);
    expect(contents.shows(message('1.0'), shown)).toBe(true);
    expect(contents.shows(message('1.1'), shown)).toBe(false);
    expect(contents.shows(message('1.2'), shown)).toBe(true);
    expect(contents.shows(message('2.0'), shown)).toBe(true);
  });

  it("sends an update after one that failed, even back to what Slack last took: the failed one may have been made", async () => {
    // A Slack that makes each update and, when told to, loses its answer (cuts it short), as a timeout would.
    const shows = new Map<string, string>();
    let loseAnswer = false;
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const args = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString()));
        const ts = args.ts ?? '1.1';
        shows.set(ts, String(args.text));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(loseAnswer ? '{"ok":tr' : JSON.stringify({ ok: true, channel: args.channel, ts }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const client = new WebClient('xoxb-test', { slackApiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`, retryConfig: { retries: 0 } });
      const reporter = new SlackReporter({
        client,
        redact: (text) => text,
        logger: createLogger('silent', (text) => text),
        root: '/',
        stateDir: '/',
        runbook: () => expect.unreachable('no runbook is read'),
        allowSelfApproval: false,
        outbox: {} as SlackOutbox,
        record: () => expect.unreachable('nothing is journaled'),
      });
      const finished: Rendered = { text: 'Status: diagnosis finished', blocks: [] };
      const running: Rendered = { text: 'Status: diagnosis running', blocks: [] };
      const root = await reporter.post('C0INCIDENT', finished);
      await reporter.update(root, finished);
      loseAnswer = true;
      await expect(reporter.update(root, running)).rejects.toThrow();
      loseAnswer = false;
      expect(shows.get(root.ts)).toBe(running.text);
      await reporter.update(root, finished);
      expect(shows.get(root.ts)).toBe(finished.text);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
