// A read-only run's message refused for good (its channel archived) while the run goes on, through the real reporter,
// outbox and Web API client against the Slack stand-in: an update queued before the refusal never waits on the post
// queued after it, so the thread's line keeps going and every message behind it is tried: the rollback offer refused
// too, and its approver told.
import { Writable } from 'node:stream';
import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ResolvedStep, StepRecord } from '../../src/engine/types.js';
import type { Incident, Run } from '../../src/incidents/state.js';
import { createLogger } from '../../src/logger.js';
import { SlackOutbox } from '../../src/slack/outbox.js';
import { SlackReporter } from '../../src/slack/slack-reporter.js';
import { blockNetwork } from '../helpers/no-network.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';

blockNetwork();

const quiet = createLogger('error', (text) => text, new Writable({ write: (_c, _e, done) => done() }));
const rootTs = '1700000000.000100';

const step = (id: string): ResolvedStep =>
  ({ id, kind: 'command', title: `Check ${id}`, argv: ['task', id], cwd: '/srv/databox', env: {}, classify: [], detach: false, timeoutMs: 60_000, destructive: false, mutates: false, guard: false, acceptStatuses: [] }) as unknown as ResolvedStep;

let slack: SlackStandIn;
let outbox: SlackOutbox;

beforeEach(async () => {
  slack = new SlackStandIn();
  await slack.start();
});
afterEach(async () => {
  outbox.stop();
  await slack.stop();
});

describe("a read-only run's message refused for good while the run goes on", () => {
  it('leaves no update waiting on a post queued behind it: the messages behind it are tried, the rollback offer refused and its approver told', async () => {
    outbox = new SlackOutbox({ logger: quiet, retryDelayMs: () => 5, updateIntervalMs: 1, keptRetryMs: 600_000 });
    const reporter = new SlackReporter({
      client: new WebClient('xoxb-test', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }),
      redact: (text) => text,
      logger: quiet,
      root: '/srv/databox',
      stateDir: '/srv/state',
      runbook: () => {
        throw new Error('no runbook loaded');
      },
      allowSelfApproval: false,
      outbox,
      record: async () => undefined,
      rollbackOfferRefused: (recovery, reason) => offersRefused.push(`${recovery.id}: ${reason}`),
    });
    const offersRefused: string[] = [];
    const steps = [step('verify'), step('audit')];
    const validation = { id: 'dbx-1/4', incidentId: 'dbx-1', kind: 'validation', title: 'Validation', steps, hash: 'abc', lockKey: 'k', params: {}, needsApproval: false, destructive: false, mutates: false, requestedBy: 'U1', proposedAt: '2026-01-01T00:00:00Z', status: 'running', refs: {}, results: [] } as unknown as Run;
    const recovery = { ...validation, id: 'dbx-1/3', kind: 'recovery', title: 'Path A', steps: [], needsApproval: true, mutates: true, status: 'succeeded' } as unknown as Run;
    const incident = { id: 'dbx-1', scenario: 'duckdb', title: 'DuckDB', openedBy: 'U1', openedAt: '2026-01-01T00:00:00Z', origin: 'slack:C0INCIDENT', refs: { slack: { channel: 'C0INCIDENT', ts: rootTs } }, runs: [validation] } as unknown as Incident;
    // The channel is archived; the incident's first message's update is left unanswered until the test lets it go.
    slack.refuse = (method, args) => (args.channel === 'C0INCIDENT' && method.startsWith('chat.') ? 'is_archived' : undefined);
    slack.troubled = (method, args) => method === 'chat.update' && args.ts === rootTs;
    slack.trouble = ['silence'];

    // The run's message is posted (refused), the incident's first message updated (held), the run's first step shown.
    await reporter.runProposed(incident, validation);
    await reporter.stepStarted(incident, validation, steps[0]!, 0);
    await vi.waitFor(() => expect(slack.callsTo('chat.update').filter((u) => u.ts === rootTs)).toHaveLength(1));
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
    // The step ends while the update is held: the run, having no message, is posted again, behind the queued update.
    const record: StepRecord = { stepId: 'verify', status: 'ok', summary: 'exit 0', exitCode: 0, durationMs: 5, outputs: {} } as StepRecord;
    await reporter.stepFinished(incident, validation, steps[0]!, record, undefined);
    await reporter.rollbackOffered(incident, recovery);
    slack.dropHeld();

    // The run's new post and the rollback offer are tried (and refused): nothing is left waiting on Slack or on itself.
    await vi.waitFor(() => expect(slack.callsTo('chat.postMessage')).toHaveLength(3), { timeout: 10_000 });
    await vi.waitFor(() => expect(offersRefused).toEqual([expect.stringMatching(/^dbx-1\/3: Slack refused it \(is_archived\)/)]), { timeout: 10_000 });
    await vi.waitFor(() => expect(outbox.backlog()).toEqual({ waiting: 0, failingSince: undefined }), { timeout: 10_000 });
  });
});
