// Over Socket Mode Slack sends an envelope again when its ack did not reach Slack in time (retry_attempt 1 and up): the
// copy is acknowledged and not acted on a second time, as a replayed signed request is in HTTP mode (guard-requests.ts).
import { createHash } from 'node:crypto';
import type { App, ReceiverEvent } from '@slack/bolt';
import type { Logger } from '../logger.js';
import { senderOf } from './request-shape.js';
import { SeenRecently } from './seen-recently.js';

export interface RedeliveryOptions {
  logger: Logger;
  /** A delivery came again: who sent it and why it was not acted on. Called once for each, however many copies come. */
  onRedelivered: (sender: string, reason: string) => void;
  /** How many envelopes are remembered at most (default 100,000), the oldest going first past it. */
  kept?: number;
}

/** Slack tries an envelope again over about five minutes (at once, after a minute, after five): remembered for ten. */
const rememberedMs = 10 * 60 * 1000;

/** For SocketModeReceiver's customPropertiesExtractor: the envelope's id, which Bolt hands on no other way. */
export function envelopeIdOf(args: { envelope_id?: unknown }): { envelopeId?: string } {
  return typeof args.envelope_id === 'string' ? { envelopeId: args.envelope_id } : {};
}

function digestOf(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('base64url');
}

/**
 * Puts the check in front of the app's listeners. A copy is an envelope whose id was seen within the ten minutes, or
 * one marked as a retry whose payload was (Slack may give a retry an id of its own). A retry of a delivery that never
 * reached the bot (the connection was down) is its only delivery, and is acted on; so is a payload sent again unmarked,
 * which two commands typed alike may be. The envelopes are those of the bot's own connection, which only Slack sends.
 */
export function ignoringRedeliveries(app: App, options: RedeliveryOptions): App {
  const kept = options.kept ?? 100_000;
  const envelopes = new SeenRecently(kept, rememberedMs);
  const payloads = new SeenRecently(kept, rememberedMs);
  const reported = new SeenRecently(kept, rememberedMs);
  const actOn = app.processEvent.bind(app);
  app.processEvent = async (event: ReceiverEvent) => {
    const now = Date.now();
    const envelopeId = event.customProperties?.envelopeId;
    const payload = digestOf(event.body);
    const newEnvelope = typeof envelopeId !== 'string' || envelopes.firstTime(envelopeId, now);
    const newPayload = payloads.firstTime(payload, now);
    const attempt = event.retryNum ?? 0;
    if (newEnvelope && (attempt === 0 || newPayload)) return actOn(event);
    await event.ack();
    const retried = attempt > 0 ? `retry_attempt ${attempt}${event.retryReason ? `, ${String(event.retryReason).slice(0, 40)}` : ''}` : 'not marked as a retry';
    const what = `${newEnvelope ? 'its payload' : 'its envelope id'} seen before, ${retried}`;
    options.logger.warn({ envelopeId, retryAttempt: attempt, retryReason: event.retryReason }, `a Socket Mode envelope was delivered again (${what}): acknowledged, not acted on`);
    if (reported.firstTime(payload, now)) options.onRedelivered(senderOf(event.body), `a Socket Mode envelope delivered again within ten minutes (${what}): acknowledged, not acted on`);
  };
  return app;
}
