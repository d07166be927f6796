// Sends requests to the bot exactly as Slack does: form-encoded bodies signed with the v0 HMAC-SHA256 scheme.
import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const signingSecret = 'test-signing-secret-0123456789abcdef';
const fixtures = path.resolve(import.meta.dirname, '../fixtures/slack');

export function fixture<T = Record<string, any>>(name: string): T {
  return JSON.parse(fs.readFileSync(path.join(fixtures, name), 'utf8')) as T;
}

export interface SignOptions {
  secret?: string;
  /** Seconds since the epoch; Slack's requests are refused when more than five minutes old. */
  timestamp?: number;
  signature?: string;
  /** Slack sends forms; the Events API sends JSON (application/json). */
  contentType?: string;
  /** Headers beside the signed ones (X-Slack-Retry-Num, say), which the signature does not cover. */
  headers?: Record<string, string>;
}

export function sign(body: string, timestamp: number, secret = signingSecret): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** The headers Slack sends with a request body: its type, the timestamp and the v0 signature over both. */
export function signedHeaders(body: string, options: SignOptions = {}): Record<string, string> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return {
    'content-type': options.contentType ?? 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': options.signature ?? sign(body, timestamp, options.secret),
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    ...options.headers,
  };
}

export async function postSigned(url: string, body: string, options: SignOptions = {}): Promise<{ status: number; text: string; json?: any }> {
  const response = await fetch(url, { method: 'POST', headers: signedHeaders(body, options), body });
  const text = await response.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

let slashCommandFields: Record<string, string> | undefined;

let triggers = 0;
/** A trigger_id as Slack gives each command, click and form submission its own: no two requests are the same bytes. */
export function freshTriggerId(): string {
  triggers += 1;
  return `${Date.now()}.${1234567890 + triggers}.${randomBytes(16).toString('hex')}`;
}

/** The form fields of a /databox slash command, from the recorded fixture (read once), with the given text and user. */
export function slashCommandBody(text: string, overrides: Record<string, string> = {}): string {
  slashCommandFields ??= fixture<Record<string, string>>('slash-command.json');
  return new URLSearchParams({ ...slashCommandFields, trigger_id: freshTriggerId(), text, ...overrides }).toString();
}

/** A block_actions payload for a click on `actionId` in a message the bot posted. */
export function blockActionBody(options: {
  actionId: string;
  value: string;
  /** The button's label as the bot drew it: Slack sends it back with the click. */
  text?: string;
  user: string;
  channel: string;
  messageTs: string;
  threadTs?: string;
  responseUrl: string;
  /** Where the click comes from, when not the installed workspace T0DATABOX (Slack Connect, another Enterprise org). */
  from?: { userTeamId?: string; team?: Record<string, unknown>; enterprise?: Record<string, unknown> | null };
}): string {
  const payload = fixture('block-actions.json');
  payload.trigger_id = freshTriggerId();
  payload.user = { ...payload.user, id: options.user, username: options.user.toLowerCase(), name: options.user.toLowerCase() };
  if (options.from?.userTeamId) payload.user.team_id = options.from.userTeamId;
  if (options.from?.team) payload.team = options.from.team;
  if (options.from?.enterprise !== undefined) payload.enterprise = options.from.enterprise;
  payload.container = { ...payload.container, message_ts: options.messageTs, channel_id: options.channel, thread_ts: options.threadTs };
  payload.channel = { ...payload.channel, id: options.channel };
  payload.message = { ...payload.message, ts: options.messageTs, thread_ts: options.threadTs };
  payload.response_url = options.responseUrl;
  const shown = options.text === undefined ? {} : { text: { ...payload.actions[0].text, text: options.text } };
  payload.actions = [{ ...payload.actions[0], ...shown, action_id: options.actionId, value: options.value, action_ts: `${Date.now() / 1000}` }];
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** A view_submission payload for a modal the bot opened, with the given field values. */
export function viewSubmissionBody(options: { user: string; callbackId: string; privateMetadata: string; values: Record<string, string | null> }): string {
  const payload = fixture('view-submission.json');
  payload.trigger_id = freshTriggerId();
  payload.user = { ...payload.user, id: options.user };
  payload.view = {
    ...payload.view,
    callback_id: options.callbackId,
    private_metadata: options.privateMetadata,
    state: {
      values: Object.fromEntries(Object.entries(options.values).map(([block, value]) => [block, { value: { type: 'plain_text_input', value } }])),
    },
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
