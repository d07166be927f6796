// Interaction payloads nobody should send: malformed JSON, unknown action_ids, values the bot never gave, plan hashes never
// issued, users of another workspace. Each gets a 4xx or an ephemeral refusal, is journaled, and nothing runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeGarbage, type Checkout } from '../helpers/databox-checkout.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { blockNetwork } from '../helpers/no-network.js';
import { blockActionBody, postSigned, slashCommandBody, viewSubmissionBody } from '../helpers/signed-request.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns, journalRecordsOf } from '../helpers/stand-ins.js';

const operator = 'U0OPERATOR';
const teammate = 'U0TEAMMATE';

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness;
let approve: { actionId: string; value: string; channel: string; ts: string; threadTs?: string };

blockNetwork();

beforeAll(async () => {
  ({ slack, checkout } = await openStandIns());
  writeGarbage(checkout.databasePath);
  harness = await startBot(checkout, slack);
  await harness.command('diagnose duckdb', operator);
  await harness.settle();
  const [pathA] = slack.buttons('choose_path_a');
  await harness.click(pathA!, operator);
  await harness.settle();
  approve = slack.buttons('approve_plan').at(-1)!;
  expect(approve, 'a real plan awaits approval').toBeDefined();
});
afterAll(() => closeStandIns(harness, slack, checkout));

/**
 * The journal without the watchers' lines: the database watcher journals the damaged file when its first check ends,
 * which on a busy machine can be after the set-up, among the lines a case counts as its request's.
 */
function journal(): Record<string, any>[] {
  return journalRecordsOf(checkout).filter((r) => !r.type.startsWith('watch.'));
}

/**
 * Sends a click with a payload changed by `edit`, and returns the status, how long the bot took to answer the request
 * (not counting the work after it), what was journaled and the replies after it.
 */
async function send(body: string): Promise<{ status: number; answeredMs: number; journaled: Record<string, any>[]; replies: string[] }> {
  const lines = journal().length;
  const responses = slack.responses.length;
  const ephemerals = slack.ephemerals().length;
  const sent = Date.now();
  const { status } = await postSigned(harness.url, body);
  const answeredMs = Date.now() - sent;
  await harness.settle();
  const replies = [...slack.responses.slice(responses).map((r) => String(r.body.text)), ...slack.ephemerals().slice(ephemerals)];
  return { status, answeredMs, journaled: journal().slice(lines), replies };
}

function clickBody(overrides: { actionId?: string; value?: string; user?: string }, edit: (payload: Record<string, any>) => void = () => {}): string {
  const body = blockActionBody({
    actionId: overrides.actionId ?? approve.actionId,
    value: overrides.value ?? approve.value,
    user: overrides.user ?? teammate,
    channel: approve.channel,
    messageTs: approve.ts,
    threadTs: approve.threadTs,
    responseUrl: slack.responseUrl('action'),
  });
  const payload = JSON.parse(new URLSearchParams(body).get('payload') as string) as Record<string, any>;
  edit(payload);
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

function nothingRan(): void {
  expect(checkout.calls(), 'no command was run').toEqual([]);
  expect(checkout.listData(), 'no file was moved').toEqual(['databox.duckdb']);
  expect(journal().some((r) => r.type === 'run.approved' || r.type === 'run.started' && r.data.runId === JSON.parse(approve.value).run)).toBe(false);
}

describe('a form submitted without its values', () => {
  // First, while the diagnosis's path buttons still open forms.
  it('is answered with a reason under its first field, not a crash, and runs nothing', async () => {
    await harness.click(slack.buttons('choose_path_b')[0]!, operator);
    await harness.settle();
    const view = slack.lastForm();
    const plansBefore = slack.buttons('approve_plan').length;
    const body = new URLSearchParams(viewSubmissionBody({ user: operator, callbackId: view.callback_id, privateMetadata: view.private_metadata, values: {} }));
    const payload = JSON.parse(body.get('payload')!);
    payload.view = { ...payload.view, state: null, blocks: view.blocks };
    const answer = await postSigned(harness.url, new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ response_action: 'errors', errors: { backup: expect.stringMatching(/this form came without the values typed into it; nothing was run/) } });
    await harness.settle();
    expect(slack.buttons('approve_plan')).toHaveLength(plansBefore);
  });
});

describe('interaction payloads the bot did not make', () => {
  it('answers a signed payload that is not JSON with 400, and journals it', async () => {
    const { status, journaled } = await send(new URLSearchParams({ payload: '{"type":"block_actions","actions":[{' }).toString());
    expect(status).toBe(400);
    expect(journaled).toEqual([expect.objectContaining({ type: 'request.refused', data: expect.objectContaining({ reason: expect.stringContaining('not valid JSON') }) })]);
    nothingRan();
  });

  it.each([
    ['JSON null', 'null', 'application/json', /its body is null, not an object/],
    ['a form whose payload is null', new URLSearchParams({ payload: 'null' }).toString(), undefined, /its body is null, not an object/],
    ['a form whose payload is a number', new URLSearchParams({ payload: '5' }).toString(), undefined, /its body is a number, not an object/],
    ['a form whose payload is a list', new URLSearchParams({ payload: '[]' }).toString(), undefined, /its body is a list, not an object/],
    ['JSON text', '"hello"', 'application/json', /its body is a string, not an object/],
    ['a form that is neither a command nor a payload', 'foo=bar', undefined, /neither a slash command nor a payload with a type/],
    ['a payload without a type', new URLSearchParams({ payload: JSON.stringify({ user: { id: teammate } }) }).toString(), undefined, /neither a slash command nor a payload with a type/],
    ['a click whose actions are text', new URLSearchParams({ payload: JSON.stringify({ type: 'block_actions', user: { id: teammate }, team: { id: 'T0DATABOX' }, actions: 'approve_plan' }) }).toString(), undefined, /actions are not a list of actions/],
    ['a click whose action is null', new URLSearchParams({ payload: JSON.stringify({ type: 'block_actions', user: { id: teammate }, team: { id: 'T0DATABOX' }, actions: [null] }) }).toString(), undefined, /actions are not a list of actions/],
    ['a click carrying two actions (Approve, then Reject)', new URLSearchParams({ payload: JSON.stringify({ type: 'block_actions', user: { id: teammate }, team: { id: 'T0DATABOX' }, actions: [{ action_id: 'approve_plan', value: '{}' }, { action_id: 'reject_plan', value: '{}' }] }) }).toString(), undefined, /a block_actions carrying 2 actions \(a click sends one\)/],
    ['a click without its user', new URLSearchParams({ payload: JSON.stringify({ type: 'block_actions', team: { id: 'T0DATABOX' }, actions: [{ action_id: 'approve_plan', value: '{}' }] }) }).toString(), undefined, /a block_actions without its user's id/],
    ['a form submission without its view', new URLSearchParams({ payload: JSON.stringify({ type: 'view_submission', user: { id: teammate }, team: { id: 'T0DATABOX' } }) }).toString(), undefined, /a view_submission without its view/],
    ['a slash command without its user', 'command=%2Fdatabox&text=help&team_id=T0DATABOX&channel_id=C0INCIDENTS', undefined, /a slash command without its user_id/],
    ['a slash command without its text', `command=%2Fdatabox&user_id=${operator}&channel_id=C0INCIDENTS`, undefined, /a slash command without its text/],
    ['a slash command with its text twice', `command=%2Fdatabox&text=help&text=status&user_id=${operator}&channel_id=C0INCIDENTS`, undefined, /a slash command with its text given 2 times \(Slack gives it once\)/],
    ['a slash command with its user twice', `command=%2Fdatabox&text=help&user_id=${operator}&user_id=${teammate}&channel_id=C0INCIDENTS`, undefined, /a slash command with its user_id given 2 times \(Slack gives it once\)/],
    ['a slash command without its channel', `command=%2Fdatabox&text=diagnose+duckdb&user_id=${operator}`, undefined, /a slash command without its channel_id/],
    ['a slash command with two channels', `command=%2Fdatabox&text=diagnose+duckdb&user_id=${operator}&channel_id=C0INCIDENTS&channel_id=C0OTHER`, undefined, /a slash command with its channel_id given 2 times \(Slack gives it once\)/],
    ['an event without its event', JSON.stringify({ type: 'event_callback', event: null }), 'application/json', /an event_callback without its event/],
    ['an SSL check that is not one', JSON.stringify({ ssl_check: null }), 'application/json', /neither a slash command nor a payload with a type/],
    ['a form sent as text/plain', `command=%2Fdatabox&text=help&user_id=${operator}&channel_id=C0INCIDENTS`, 'text/plain', /^a signed request sent as text\/plain, not as Slack sends one \(a form, application\/x-www-form-urlencoded, or JSON\): answered 400$/],
  ])('answers a signed body Slack never sends (%s) with 400 at once, journals it, and keeps running', async (_name, body, contentType, reason) => {
    const lines = journal().length;
    const { status } = await postSigned(harness.url, body, { contentType });
    expect(status).toBe(400);
    await harness.settle();
    // (The help command of the case before may be journaled meanwhile: a command's line waits a moment for company.)
    expect(journal().slice(lines).filter((r) => r.type !== 'command.received')).toEqual([expect.objectContaining({ type: 'request.refused', data: expect.objectContaining({ reason: expect.stringMatching(reason) }) })]);
    // Still answering: the process did not die of it.
    expect((await harness.command('help', operator)).status).toBe(200);
    await slack.waitFor('the help command journaled', () => journal().slice(lines).some((r) => r.type === 'command.received'));
    nothingRan();
  });

  it('answers the same bodies unsigned with 401, and journals nothing', async () => {
    const lines = journal().length;
    for (const [body, contentType] of [['null', 'application/json'], ['foo=bar', undefined]] as const) {
      expect((await postSigned(harness.url, body, { contentType, signature: 'v0=00' })).status).toBe(401);
    }
    await harness.settle();
    expect(journal().slice(lines).filter((r) => r.type !== 'command.received')).toEqual([]);
  });

  it('acts once on a signed request sent again byte for byte (a replay within the five minutes), and journals the replay', async () => {
    const lines = journal().length;
    const body = slashCommandBody('diagnose duckdb', { user_id: operator });
    const timestamp = Math.floor(Date.now() / 1000);
    expect((await postSigned(harness.url, body, { timestamp })).status).toBe(200);
    expect((await postSigned(harness.url, body, { timestamp })).status).toBe(200);
    // X-Slack-Retry-Num is not signed: added to a copy, it makes no replay Slack's own retry.
    expect((await postSigned(harness.url, body, { timestamp, headers: { 'x-slack-retry-num': '1' } })).status).toBe(200);
    await harness.settle();
    const records = journal().slice(lines);
    expect(records.filter((r) => r.type === 'incident.opened')).toHaveLength(1);
    // Not acted on either way; one marked as a retry is said to be one, so a reader does not take it for an attack.
    expect(records.filter((r) => r.type === 'request.refused').map((r) => r.data.reason)).toEqual([
      'a signed request sent again, the same signature within five minutes (a replay): answered, not acted on',
      'a signed request sent again, the same signature within five minutes (a retry: X-Slack-Retry-Num 1): answered, not acted on',
    ]);
    // Sent twice unsigned (a forged signature), it is Bolt's 401 both times, and nothing is journaled.
    const forged = slashCommandBody('diagnose duckdb', { user_id: operator });
    for (let i = 0; i < 2; i += 1) expect((await postSigned(harness.url, forged, { signature: 'v0=00' })).status).toBe(401);
    await harness.settle();
    expect(journal().slice(lines).filter((r) => r.type === 'request.refused')).toHaveLength(2);
  });

  it('refuses a signed command stamped more than five minutes ahead, as one five minutes old, and takes a small skew', async () => {
    const lines = journal().length;
    const now = Math.floor(Date.now() / 1000);
    expect((await postSigned(harness.url, slashCommandBody('help', { user_id: operator }), { timestamp: now + 3_600 })).status).toBe(401);
    expect((await postSigned(harness.url, slashCommandBody('help', { user_id: operator }), { timestamp: now - 3_600 })).status).toBe(401);
    await harness.settle();
    expect(journal().slice(lines), 'nothing journaled for a refused signature').toEqual([]);
    expect((await postSigned(harness.url, slashCommandBody('help', { user_id: operator }), { timestamp: now + 60 })).status).toBe(200);
    // Its line is written a moment later (a command's line waits for company): in before the next case counts lines.
    await slack.waitFor('the help command journaled', () => journal().slice(lines).some((r) => r.type === 'command.received'));
  });

  it('refuses an action_id the bot never drew, at once', async () => {
    const { status, journaled, replies } = await send(clickBody({ actionId: 'delete_everything' }));
    expect(status).toBe(200);
    expect(journaled).toEqual([expect.objectContaining({ type: 'request.refused', actor: teammate, data: expect.objectContaining({ action: 'delete_everything' }) })]);
    expect(replies).toEqual([expect.stringMatching(/"delete_everything" is not a button the bot drew\. Nothing was run/)]);
    nothingRan();
  });

  it.each([
    ['a form of another version (unknown callback_id)', { type: 'view_submission', user: { id: teammate, team_id: 'T0DATABOX' }, team: { id: 'T0DATABOX' }, view: { id: 'V1', callback_id: 'old_form_v1', private_metadata: '', state: { values: {} } } }, /this form \("old_form_v1"\) is not one this version of the bot opens/],
    ['a closed form', { type: 'view_closed', user: { id: teammate, team_id: 'T0DATABOX' }, team: { id: 'T0DATABOX' }, view: { id: 'V1', callback_id: 'x' } }, /nothing to do for a view closed/],
    ['a global shortcut', { type: 'shortcut', callback_id: 'sc', trigger_id: '1.2', user: { id: teammate, team_id: 'T0DATABOX' }, team: { id: 'T0DATABOX' } }, /nothing to do for a shortcut/],
    ['a click without actions', { type: 'block_actions', actions: [], user: { id: teammate, team_id: 'T0DATABOX' }, team: { id: 'T0DATABOX' } }, /nothing to do for a block actions/],
  ])('answers %s at once, journaled as refused, instead of leaving Slack to time out', async (_name, payload, reason) => {
    const { status, answeredMs, journaled } = await send(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
    expect(status).toBe(200);
    expect(answeredMs, 'answered well within Slack\'s 3 seconds').toBeLessThan(2_500);
    expect(journaled).toEqual([expect.objectContaining({ type: 'request.refused', data: expect.objectContaining({ reason: expect.stringMatching(reason) }) })]);
    nothingRan();
  });

  it('keeps a form of another version open with the reason under its first field, so what was typed is not lost', async () => {
    const payload = {
      type: 'view_submission',
      user: { id: teammate, team_id: 'T0DATABOX' },
      team: { id: 'T0DATABOX' },
      view: { id: 'V1', callback_id: 'old_form_v1', private_metadata: '', state: { values: { backup: { value: { type: 'plain_text_input', value: '/backups/x.duckdb' } } } } },
    };
    const lines = journal().length;
    const answer = await postSigned(harness.url, new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
    await harness.settle();
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ response_action: 'errors', errors: { backup: expect.stringMatching(/^Refused: this form \("old_form_v1"\) is not one this version of the bot opens; open it again from the thread/) } });
    expect(journal().slice(lines)).toEqual([expect.objectContaining({ type: 'request.refused' })]);
    nothingRan();
  });

  it('answers a slash command that is not /databox with its refusal', async () => {
    const { status, journaled } = await send(slashCommandBody('status', { command: '/other', response_url: slack.responseUrl() }));
    expect(status).toBe(200);
    expect(journaled).toEqual([expect.objectContaining({ type: 'request.refused', data: expect.objectContaining({ reason: expect.stringMatching(/the command \/other is not one databox-bot answers/) }) })]);
  });

  it.each([
    ['not JSON', 'approve'],
    ['a plan button without its hash', JSON.stringify({ run: 'x/1' })],
    ['a hash that is not one', JSON.stringify({ run: 'x/1', hash: 'abc' })],
    ['extra JSON where a string belongs', JSON.stringify({ run: { $gt: '' }, hash: '0'.repeat(64) })],
    // Read from the real plan's button when the case runs: a field the bot never puts on one beside its run and hash.
    ['the real plan\'s with a field the bot never gives it', () => JSON.stringify({ ...JSON.parse(approve.value), note: 'x' })],
  ])('refuses an Approve button whose value is %s', async (_name, value) => {
    const { status, journaled, replies } = await send(clickBody({ value: typeof value === 'function' ? value() : value }));
    expect(status).toBe(200);
    expect(journaled).toEqual([expect.objectContaining({ type: 'request.refused', data: expect.objectContaining({ reason: 'this button carries a value the bot never gave it' }) })]);
    expect(replies).toEqual([expect.stringMatching(/never gave it\. Nothing was run/)]);
    nothingRan();
  });

  it.each([
    // The tester's: a real plan's run and hash padded with a field of 3,000 characters.
    ['padded with a field of its own', () => JSON.stringify({ ...JSON.parse(approve.value), pad: 'A'.repeat(3_000) })],
    // The real plan's run and hash, nothing else, but with spaces JSON allows: only its length is wrong.
    ['padded with spaces JSON allows', () => approve.value.replace('{', `{${' '.repeat(2_000)}`)],
  ])('refuses an Approve button whose value is longer than Slack lets a button carry (%s), journaled with its length', async (_name, value) => {
    const sent = value();
    expect(sent.length).toBeGreaterThan(2_000);
    const { status, journaled, replies } = await send(clickBody({ value: sent }));
    expect(status).toBe(200);
    const reason = `this button carries a value of ${sent.length.toLocaleString('en-US')} characters, longer than the 2,000 Slack lets a button carry: the bot never gave it`;
    expect(journaled).toEqual([expect.objectContaining({ type: 'request.refused', data: expect.objectContaining({ reason, value: sent.slice(0, 200) }) })]);
    expect(replies).toEqual([`:no_entry_sign: Refused: ${reason}. Nothing was run.`]);
    nothingRan();
  });

  it('refuses a plan hash the bot never issued, for a real plan and for an unknown one', async () => {
    const real = JSON.parse(approve.value) as { run: string; hash: string };
    for (const value of [{ run: real.run, hash: 'f'.repeat(64) }, { run: 'dbx-20260101-beef/1', hash: real.hash }]) {
      const { status, journaled, replies } = await send(clickBody({ value: JSON.stringify(value) }));
      expect(status).toBe(200);
      expect(journaled).toEqual([expect.objectContaining({ type: 'approval.refused', actor: teammate, data: expect.objectContaining({ runId: value.run }) })]);
      expect(replies).toHaveLength(1);
      expect(replies[0]).toMatch(/^:no_entry_sign:/);
      nothingRan();
    }
  });

  it.each([
    ['a message of its channel outside the incident\'s thread', (payload: Record<string, any>) => {
      payload.container.message_ts = payload.message.ts = '1776699999.000100';
      payload.container.thread_ts = payload.message.thread_ts = '1776699999.000100';
    }],
    ['its message ts, but in another channel', (payload: Record<string, any>) => (payload.channel.id = payload.container.channel_id = 'C0ELSEWHERE')],
  ])('refuses an Approve whose value names a real plan from %s: the clicker never saw that plan there', async (_where, edit) => {
    const { status, journaled, replies } = await send(clickBody({}, edit));
    expect(status).toBe(200);
    const runId = JSON.parse(approve.value).run as string;
    expect(journaled).toEqual([expect.objectContaining({ type: 'approval.refused', actor: teammate, data: expect.objectContaining({ runId, reason: expect.stringContaining(`this button is not in plan ${runId}'s incident thread`) }) })]);
    expect(replies).toEqual([expect.stringMatching(/^:no_entry_sign: this button is not in plan .*'s incident thread, so it does not decide that plan/)]);
    nothingRan();
  });

  it('refuses a click and a command from a user of another workspace', async () => {
    const click = await send(
      clickBody({ user: 'U0STRANGER' }, (payload) => {
        payload.user.team_id = 'T0OTHER';
        payload.team = { id: 'T0OTHER', domain: 'other' };
      }),
    );
    expect(click.status).toBe(200);
    expect(click.journaled).toEqual([expect.objectContaining({ type: 'request.refused', actor: 'U0STRANGER', data: expect.objectContaining({ team: 'T0OTHER' }) })]);
    expect(click.replies).toEqual([expect.stringMatching(/another Slack workspace \(T0OTHER\)/)]);

    const lines = journal().length;
    const command = await postSigned(harness.url, slashCommandBody('recover duckdb path=a', { user_id: 'U0STRANGER', team_id: 'T0OTHER', response_url: slack.responseUrl() }));
    await harness.settle();
    expect(command.status).toBe(200);
    expect(command.json).toEqual({ response_type: 'ephemeral', text: expect.stringMatching(/another Slack workspace \(T0OTHER\)/) });
    expect(journal().slice(lines)).toEqual([expect.objectContaining({ type: 'request.refused', actor: 'U0STRANGER' })]);
    const nameless = await postSigned(harness.url, slashCommandBody('recover duckdb path=a', { team_id: '', response_url: slack.responseUrl() }));
    expect(nameless.json).toEqual({ response_type: 'ephemeral', text: expect.stringMatching(/this request names no Slack workspace \(an empty team id\)/) });
    await harness.settle();
    nothingRan();
  });

  it('refuses a path button whose value names this incident from another channel: no form, no plan', async () => {
    const incident = JSON.parse(approve.value).run.split('/')[0] as string;
    const formsBefore = slack.callsTo('views.open').length;
    const { status, journaled, replies } = await send(
      clickBody({ actionId: 'choose_path_b', value: JSON.stringify({ incident, path: 'b' }), user: operator }, (payload) => {
        payload.channel.id = payload.container.channel_id = 'C0ELSEWHERE';
      }),
    );
    expect(status).toBe(200);
    expect(replies).toEqual([expect.stringContaining(`this button is not in incident ${incident}'s thread, so it chooses no path for it`)]);
    expect(journaled).toEqual([expect.objectContaining({ type: 'request.refused', actor: operator })]);
    expect(slack.callsTo('views.open')).toHaveLength(formsBefore);
    nothingRan();
  });

  it('refuses the requester\'s own Reject from another channel: the plan stays waiting', async () => {
    const { status, journaled, replies } = await send(
      clickBody({ actionId: 'reject_plan', user: operator }, (payload) => (payload.channel.id = payload.container.channel_id = 'C0ELSEWHERE')),
    );
    expect(status).toBe(200);
    expect(journaled).toEqual([expect.objectContaining({ type: 'approval.refused', actor: operator, data: expect.objectContaining({ reason: expect.stringContaining('is not in plan') }) })]);
    expect(replies).toEqual([expect.stringMatching(/^:no_entry_sign: this button is not in plan .*'s incident thread/)]);
    expect(journal().some((r) => r.type === 'run.rejected')).toBe(false);
  });

  it('still runs the real plan when its own approver clicks it, also on a second copy of the plan in its thread', async () => {
    // A copy Slack posted twice (its answer to the first post lost): another ts, the same thread and the same hash.
    const { status } = await send(clickBody({}, (payload) => (payload.container.message_ts = payload.message.ts = '1776699998.000100')));
    expect(status).toBe(200);
    expect(checkout.calls().map((c) => c.command)).toContain('task full-refresh');
  });
});
