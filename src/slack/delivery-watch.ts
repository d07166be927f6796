// What keeps the bot's words from reaching Slack (a 429's Retry-After, Slack not taking messages or files), for /databox
// status and for the person kept waiting for a new incident's first message: a silent thread should say why.
import { WebClientEvent, type WebClient } from '@slack/web-api';
import { cli } from '../commands/terminal-commands.js';
import { formatDuration } from '../format-duration.js';
import type { SlackOutbox } from './outbox.js';

/** A time as an operator reads it in Slack: HH:MM:SS UTC. */
function utcSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 19)} UTC`;
}

export class SlackDeliveryWatch {
  private pausedUntil = 0;

  constructor(
    client: WebClient,
    private readonly outbox: Pick<SlackOutbox, 'backlog' | 'uploadBacklog' | 'rollbackOffersWaiting' | 'rollbackOffersRefused'>,
    private readonly now: () => number = Date.now,
  ) {
    // The client pauses every call of its queue for the Retry-After it was given (rejectRateLimitedCalls: false).
    client.on(WebClientEvent.RATE_LIMITED, (seconds: number) => {
      this.pausedUntil = Math.max(this.pausedUntil, this.now() + seconds * 1_000);
    });
  }

  /** Until when Slack asked the bot to wait before its next call, while that wait lasts. */
  pausedUntilMs(): number | undefined {
    return this.pausedUntil > this.now() ? this.pausedUntil : undefined;
  }

  /** Why a new incident's first message has not appeared: Slack's wait, when it asked for one. */
  slowOpeningReason(): string | undefined {
    const until = this.pausedUntilMs();
    return until === undefined ? undefined : `Slack asked the bot to wait until ${utcSeconds(until)} before its next call (rate limited)`;
  }

  /**
   * What someone who clicks a decision button while Slack's wait lasts is told at once: the click may wait for it (who
   * clicked is Slack's to say), and an approval acted on too late is refused rather than run with nobody watching.
   */
  clickNote(approvalMaxAgeMs: number): string | undefined {
    const reason = this.slowOpeningReason();
    if (reason === undefined) return undefined;
    return `:hourglass_flowing_sand: ${reason}: your click is acted on as soon as it can be, and the thread shows it once Slack takes the bot's messages again. An approval that can only be acted on more than ${formatDuration(approvalMaxAgeMs)} after its click (DATABOX_APPROVAL_CLICK_MAX_AGE) is refused, and you are told to click again.`;
  }

  /**
   * Lines for /databox status while thread messages or files are held up, and for each rollback offer not in its thread
   * yet, queued or refused by Slack for good (with the terminal's command that proposes the rollback); undefined while
   * all goes as it comes.
   */
  statusLine(): string | undefined {
    const lines = [this.messagesLine(), this.uploadsLine(), ...this.outbox.rollbackOffersWaiting().map(offerLine), ...this.outbox.rollbackOffersRefused().map(refusedOfferLine)].filter(Boolean);
    return lines.length > 0 ? lines.join('\n') : undefined;
  }

  private messagesLine(): string | undefined {
    const { waiting, failingSince } = this.outbox.backlog();
    const until = this.pausedUntilMs();
    if (until === undefined && failingSince === undefined) return undefined;
    const held = until !== undefined ? `Slack asked the bot to wait until ${utcSeconds(until)} before its next call (rate limited)` : `Slack has not taken a thread message since ${utcSeconds(failingSince as number)}; the bot keeps trying`;
    const queued = waiting === 0 ? 'no thread message waits' : `${waiting} thread message${waiting === 1 ? '' : 's'} wait${waiting === 1 ? 's' : ''} to go, in order`;
    return `*Slack:* ${held}; ${queued}. Steps run meanwhile, and the journal holds every one.`;
  }

  /** Files Slack does not take (files.slack.com blocked, files.* unanswered): the thread's messages go without them. */
  private uploadsLine(): string | undefined {
    const { waiting, failingSince } = this.outbox.uploadBacklog();
    if (failingSince === undefined) return undefined;
    const files = `${waiting} file${waiting === 1 ? '' : 's'} wait${waiting === 1 ? 's' : ''}`;
    return `*Slack files:* Slack has not taken a file upload since ${utcSeconds(failingSince)}; the bot keeps trying; ${files}. The thread's messages go meanwhile; a failed step's output is kept in the bot's state dir, as its run's message says, and a cut plan's or verdict's whole text is in the journal there (journal.jsonl).`;
  }
}

/** A recovery's rollback offer not in its thread: the rollback is proposed at a terminal meanwhile. */
function offerLine(recovery: string): string {
  return `*Rollback offer not in the thread yet:* recovery ${recovery}; at a terminal, \`${cli} rollback ${recovery}\` proposes its rollback.`;
}

/** A recovery's rollback offer Slack refused for good: shown once Slack takes the bot's messages there again. */
function refusedOfferLine(offer: { run: string; code: string }): string {
  return `*Rollback offer refused by Slack (${offer.code}), not in the thread:* recovery ${offer.run}; it is posted once Slack takes the bot's messages there again. At a terminal, \`${cli} rollback ${offer.run}\` proposes its rollback meanwhile.`;
}
