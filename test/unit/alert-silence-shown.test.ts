// An alert redrawn (what is wrong changed, or it came back) says its reminders are silenced only while the silence lasts.
import { Writable } from 'node:stream';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { SlackAlertSink } from '../../src/slack/alert-sink.js';
import type { OutageState } from '../../src/watchers/alert-state.js';
import type { Finding } from '../../src/watchers/finding.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';

const quiet = createLogger('error', (text) => text, new Writable({ write: (_c, _e, done) => done() }));
const slack = new SlackStandIn();
beforeAll(() => slack.start());
afterAll(() => slack.stop());

const finding: Finding = { watcher: 'schedules', state: 'problem', summary: 'all_pipelines_daily is STOPPED', details: [], scenario: 'schedule', problem: 'stopped' };
const silence = { by: 'U0ONCALL', reason: 'upstream API migration', until: '2026-04-23T09:00:00.000Z', at: '2026-04-21T09:00:00.000Z' };
const outage: OutageState = { since: '2026-04-21T08:00:00.000Z', summary: 'all_pipelines_daily is paused', lastPostedAt: '2026-04-21T08:00:00.000Z', ref: { channel: 'C0ALERTS', ts: '1713686400.000100' }, problem: 'paused', silenced: silence };
const lastAlertDrawn = () => JSON.stringify(slack.callsTo('chat.update').at(-1)?.blocks);

describe('a silence on a redrawn alert', () => {
  const sink = () => new SlackAlertSink(new WebClient('xoxb-test', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }), 'C0ALERTS', (text) => text, quiet);
  const during = new Date('2026-04-22T09:00:00Z');
  const after = new Date('2026-04-23T10:00:00Z');

  it('is shown on a change while it lasts, and not once it has ended', async () => {
    await sink().changed(finding, outage, false, false, during);
    expect(lastAlertDrawn()).toContain('Reminders silenced by <@U0ONCALL> until 2026-04-23 09:00 UTC');
    await sink().changed(finding, outage, false, false, after);
    expect(lastAlertDrawn()).not.toContain('Reminders silenced');
  });

  it('is not shown on an alert reopened after it ended', async () => {
    await sink().returned(finding, { ...outage, returns: 1, returnedAt: after.toISOString() }, true, after);
    expect(lastAlertDrawn()).not.toContain('Reminders silenced');
  });
});
