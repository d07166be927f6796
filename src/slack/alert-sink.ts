// Posts watcher alerts to DATABOX_ALERT_CHANNEL: one message per outage with a button that opens the right scenario, reminders, a crossing into the top level and the recovery in its thread and the channel, other notes in its thread only (a flapping outage reopens it).
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { formatDuration } from '../format-duration.js';
import type { Logger } from '../logger.js';
import type { Redactor } from '../redact.js';
import { silencedAt, type AlertRef, type OutageState, type Silence } from '../watchers/alert-state.js';
import type { Finding, Watcher } from '../watchers/finding.js';
import { leftOffText, recoveryText, type OutageSpan } from '../watchers/outage-span.js';
import { UndeliverableError } from '../watchers/undeliverable.js';
import { flappingText, ordinal, type AlertSink } from '../watchers/watch-service.js';
import { section } from './blocks.js';
import { lastingRefusal } from './lasting-refusals.js';
import { codeBlock, cutWithin, escapeMrkdwn, escapeMrkdwnNames } from './mrkdwn.js';

export const openFromAlertActionId = 'open_incident_from_alert';
/** The alert's second button: a form saying it is so on purpose, until when, which silences its reminders till then. */
export const silenceAlertActionId = 'silence_alert';

const scenarioLabels: Record<Finding['scenario'], string> = {
  schedule: 'Diagnose (scenario 4: a stopped daemon or paused schedules)',
  duckdb: 'Diagnose (scenario 1: the DuckDB file, a full disk)',
};

/** ":mute: Reminders silenced by @alice until 2026-05-01 09:00 UTC: upstream API migration", said on the alert and in its thread. */
export function silenceText(silence: Silence): string {
  return `:mute: Reminders silenced by <@${silence.by}> until ${silence.until.slice(0, 16).replace('T', ' ')} UTC, as so on purpose: ${escapeMrkdwnNames(silence.reason)}`;
}

/**
 * `flapping`: how a condition that came back after recovering flapped ("bad 3 times in 12 min"), said on the alert;
 * `silence`: who silenced its reminders, why and until when.
 */
export function alertBlocks(finding: Finding, since: string, flapping?: string, silence?: Silence): { text: string; blocks: KnownBlock[] } {
  const details = finding.details.join('\n').trim();
  return {
    text: `:rotating_light: ${finding.summary}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: cutWithin(`:rotating_light: *${escapeMrkdwnNames(finding.summary)}*`, 3_000) } },
      ...(flapping
        ? [section(`:repeat: *Flapping: ${flapping}.* This message shows whether it is wrong now; its thread says a return no more often than the reminders, the end after each return it said, and any other end once it has held.`)]
        : []),
      ...(silence ? [section(silenceText(silence))] : []),
      ...(details ? [{ type: 'section', text: { type: 'mrkdwn', text: codeBlock(details) } } as KnownBlock] : []),
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            // The button opens an incident here; typed in an incident channel, the command opens one there.
            text: `Noticed by the ${finding.watcher} watcher at ${since.slice(0, 16).replace('T', ' ')} UTC. One message per outage; the recovery is posted in this thread. The first button below diagnoses it here, or type \`/databox diagnose ${finding.scenario}\` where you handle incidents; *Paused on purpose…* silences its reminders until a time you give.`,
          },
        ],
      },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: openFromAlertActionId,
            style: 'danger',
            text: { type: 'plain_text', text: scenarioLabels[finding.scenario] },
            value: JSON.stringify({ scenario: finding.scenario, watcher: finding.watcher }),
          },
          {
            type: 'button',
            action_id: silenceAlertActionId,
            text: { type: 'plain_text', text: 'Paused on purpose…' },
            value: JSON.stringify({ watcher: finding.watcher }),
          },
        ],
      },
    ],
  };
}

export class SlackAlertSink implements AlertSink {
  constructor(
    private readonly client: WebClient,
    readonly channel: string | undefined,
    private readonly redact: Redactor,
    private readonly logger: Logger,
  ) {}

  async alert(finding: Finding, since: string): Promise<AlertRef | undefined> {
    if (!this.channel) {
      this.logger.warn({ watcher: finding.watcher, summary: finding.summary }, 'a watcher found a problem; set DATABOX_ALERT_CHANNEL to have it posted');
      return undefined;
    }
    const message = alertBlocks({ ...finding, summary: this.redact(finding.summary), details: finding.details.map(this.redact) }, since);
    try {
      const posted = await this.client.chat.postMessage({ channel: this.channel, ...message, unfurl_links: false });
      return { channel: posted.channel ?? this.channel, ts: posted.ts as string };
    } catch (error) {
      // The channel is the operator's setting: where Slack's lasting refusal is about the channel, say which one and what
      // to check, rather than Slack's code alone.
      const refusal = lastingRefusal(error);
      if (refusal?.kind === 'channel') {
        throw new Error(`Slack refused it in DATABOX_ALERT_CHANNEL ${this.channel}: ${refusal.code} (check the channel ID, and that the bot was invited to it)`, { cause: error });
      }
      throw error;
    }
  }

  async reminder(finding: Finding, outage: OutageState, now: Date, notRunning = ''): Promise<void> {
    const ref = outage.ref;
    if (!ref) return;
    const flapped = outage.returns ? ` (it flapped: bad ${outage.returns + 1} times)` : '';
    // Also to the channel: a reminder is there to be seen by whoever is on call now.
    const text = `:alarm_clock: Still wrong after ${formatDuration(now.getTime() - Date.parse(outage.since))}${notRunning}${flapped}: ${escapeMrkdwnNames(this.redact(finding.summary))}`;
    await this.inAlertChannel(ref.channel, () => this.client.chat.postMessage({ channel: ref.channel, thread_ts: ref.ts, reply_broadcast: true, text }));
  }

  async changed(finding: Finding, outage: OutageState, worse: boolean, toChannel: boolean, now: Date): Promise<void> {
    if (!outage.ref) return;
    const shown = { ...finding, summary: this.redact(finding.summary), details: finding.details.map(this.redact) };
    // The alert itself shows what is wrong now; the thread says it changed, so nobody acts on the old headline. A silence
    // that has ended is not shown: the alert would say its reminders are silenced until a time gone by.
    const ref = outage.ref;
    await this.inAlertChannel(ref.channel, () => this.client.chat.update({ channel: ref.channel, ts: ref.ts, ...alertBlocks(shown, outage.since, flappingText(outage), silencedAt(outage, now)) }));
    const how = worse ? ':arrow_up: Worse now' : ':arrows_counterclockwise: Still an outage, but what is wrong changed';
    const text = `${how}: ${escapeMrkdwnNames(shown.summary)} (was: ${escapeMrkdwnNames(this.redact(outage.summary))})`;
    // The thread only for a change or a smaller step worse: the edited alert already shows the channel what is wrong now.
    // Crossing into the top level (out of space) goes to the channel too: an edit notifies nobody.
    await this.inAlertChannel(ref.channel, () =>
      toChannel ? this.client.chat.postMessage({ channel: ref.channel, thread_ts: ref.ts, reply_broadcast: true, text }) : this.client.chat.postMessage({ channel: ref.channel, thread_ts: ref.ts, text }),
    );
  }

  async recovered(watcher: Watcher, outage: OutageState, span: OutageSpan, finding: Finding, said: boolean): Promise<void> {
    // Left off on purpose (a schedule marked databox/paused:) is no recovery: nothing changed in what was alerted on.
    const leftOff = finding.leftOff?.map((part) => this.redact(part.said));
    const back = leftOff ? leftOffText(watcher.title, span, leftOff) : recoveryText(watcher.title, span);
    const icon = leftOff ? ':mute:' : ':white_check_mark:';
    const flapped = flappingText(outage);
    // Said after "Back again": how it flapped, as its alert's edit says it.
    const text = `${icon} ${escapeMrkdwnNames(back)}${flapped ? `; it flapped: ${flapped}` : ''} (${escapeMrkdwnNames(this.redact(finding.summary))})`;
    // An outage never posted (no channel was set then) has no alert for its end to follow: nobody heard it began.
    const ref = outage.ref;
    if (!ref) return;
    const ended = `${icon} ${leftOff ? 'No longer alerted on' : 'Ended'} (${escapeMrkdwnNames(back)}${flapped ? `; it flapped: ${flapped}` : ''}): ~${escapeMrkdwnNames(this.redact(outage.summary))}~`;
    const markEnded = () => this.client.chat.update({ channel: ref.channel, ts: ref.ts, text: ended, blocks: [section(ended)] });
    if (this.channel && ref.channel !== this.channel) {
      // DATABOX_ALERT_CHANNEL was changed since the alert (its channel archived, say): the end goes where people look now,
      // and the old alert is marked ended where Slack still lets it be.
      const channel = this.channel;
      if (said) await this.inAlertChannel(channel, () => this.client.chat.postMessage({ channel, text: `${text} (its alert was posted in <#${ref.channel}>)`, unfurl_links: false }));
      await markEnded().catch((error: unknown) => this.logger.warn({ err: error, watcher: watcher.id, channel: ref.channel }, 'could not mark the alert in the former alert channel as ended'));
      return;
    }
    // Also to the channel, which saw the alert (or its "Back again"): the end is what everyone must see. A flapping
    // outage's end is said only after its thread said it is wrong again, so these come no more often than its returns.
    if (said) await this.inAlertChannel(ref.channel, () => this.client.chat.postMessage({ channel: ref.channel, thread_ts: ref.ts, reply_broadcast: true, text }));
    // The alert itself no longer reads as an outage with a red button to act on: it says it ended, and how it was
    // (the whole span of one that flapped). A quiet end of a flapping one is only this edit, so it must not be lost.
    await (said ? markEnded().catch((error: unknown) => this.logger.warn({ err: error, watcher: watcher.id }, 'could not mark the alert as ended; its thread says it')) : this.inAlertChannel(ref.channel, markEnded));
  }

  async returned(finding: Finding, outage: OutageState, said: boolean, now: Date): Promise<void> {
    if (!outage.ref) return;
    const shown = { ...finding, summary: this.redact(finding.summary), details: finding.details.map(this.redact) };
    // The same alert, active again with its button (a click joins the incident it already opened), saying it flaps.
    const ref = outage.ref;
    await this.inAlertChannel(ref.channel, () => this.client.chat.update({ channel: ref.channel, ts: ref.ts, ...alertBlocks(shown, outage.since, flappingText(outage), silencedAt(outage, now)) }));
    if (!said) return;
    const times = (outage.returns ?? 0) + 1;
    const span = formatDuration(Date.parse(outage.returnedAt ?? outage.since) - Date.parse(outage.since));
    const text = `:rotating_light: Back again, ${ordinal(times)} time in ${span}: ${escapeMrkdwnNames(shown.summary)}`;
    // Also to the channel, which was told it ended: an edit of the alert notifies nobody, and a return can come up to
    // the flap window (an hour or more) after that end. Said no more often than the reminders.
    await this.inAlertChannel(ref.channel, () => this.client.chat.postMessage({ channel: ref.channel, thread_ts: ref.ts, reply_broadcast: true, text }));
  }

  async settled(watcher: Watcher, outage: OutageState, span: OutageSpan, heldMs: number, finding: Finding): Promise<void> {
    const flapped = `it flapped: bad ${(outage.returns ?? 0) + 1} times in ${formatDuration(Date.parse(span.ended) - Date.parse(outage.since))}`;
    // Ended by being left off on purpose, as its alert's edit said: the same words as an outage that did not flap, never back to healthy.
    const leftOff = outage.endLeftOff?.map((part) => this.redact(part));
    const text = leftOff
      ? `:mute: ${escapeMrkdwnNames(leftOffText(watcher.title, span, leftOff))}; ${flapped}, and has not been alerted on since, for ${formatDuration(heldMs)} (${escapeMrkdwnNames(this.redact(finding.summary))})`
      : `:white_check_mark: ${escapeMrkdwn(recoveryText(watcher.title, span))}, and it has held for ${formatDuration(heldMs)}; ${flapped} (${escapeMrkdwnNames(this.redact(finding.summary))})`;
    // The thread only: the alert, edited to "Ended" at its last end, already told the channel.
    const ref = outage.ref;
    if (ref) await this.inAlertChannel(ref.channel, () => this.client.chat.postMessage({ channel: ref.channel, thread_ts: ref.ts, text }));
  }

  async silenced(finding: Finding, outage: OutageState): Promise<void> {
    const ref = outage.ref;
    const silence = outage.silenced;
    if (!ref || !silence) return;
    const shown = { ...finding, summary: this.redact(finding.summary), details: finding.details.map(this.redact) };
    const said = { ...silence, reason: this.redact(silence.reason) };
    await this.inAlertChannel(ref.channel, () => this.client.chat.update({ channel: ref.channel, ts: ref.ts, ...alertBlocks(shown, outage.since, flappingText(outage), said) }));
    // The thread only: the alert shows it; its end, a change for the worse and a return are still said as ever.
    await this.inAlertChannel(ref.channel, () => this.client.chat.postMessage({ channel: ref.channel, thread_ts: ref.ts, text: `${silenceText(said)}. Its end, and anything worse, are still said.` }));
  }

  /**
   * A call into the alert's channel, or its thread. Slack's lasting refusal there (the channel archived or gone, the bot
   * taken out of it, the alert deleted) names the channel as DATABOX_ALERT_CHANNEL's and is undeliverable: asking again
   * each minute would change nothing. Anything else is thrown as it is, to be tried again.
   */
  private async inAlertChannel(channel: string, call: () => Promise<unknown>): Promise<void> {
    try {
      await call();
    } catch (error) {
      const refusal = lastingRefusal(error);
      if (refusal?.kind !== 'channel' && refusal?.kind !== 'message') throw error;
      const which = channel === this.channel ? 'DATABOX_ALERT_CHANNEL' : 'the alert channel when the alert was posted (DATABOX_ALERT_CHANNEL has changed since)';
      throw new UndeliverableError(`Slack refused it in ${channel}, ${which}: ${refusal.code} (${refusal.means})`, { cause: error });
    }
  }
}
