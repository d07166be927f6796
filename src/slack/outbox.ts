// Delivers an incident's Slack messages in order, one at a time per thread, at most one update of a message a second,
// and keeps retrying through Slack's bad days (429s, 500s, silence): a run never waits on Slack, and nothing it shows is
// dropped or reordered. Its files go on a line of their own, so an upload Slack will not take holds no message back.

import type { Logger } from '../logger.js';
import { lastingRefusal, tokenAdvice, type LastingRefusal } from './lasting-refusals.js';
import { mayHaveBeenCarriedOut } from './slack-trouble.js';

/** The log line of a message dropped for a lasting refusal: what was refused, and what to do when it is the token. */
function droppedLine(refusal: LastingRefusal): string {
  if (refusal.kind === 'token') return `Slack refuses the bot's token (${refusal.code}), so no message can go: ${tokenAdvice(refusal)}. The message stays in the journal`;
  if (refusal.kind === 'channel') return `Slack will not take messages in the incident's channel (${refusal.code}): ${refusal.means}. The message stays in the journal`;
  return `Slack refused a message for good (${refusal.code}): ${refusal.means}. It stays in the journal`;
}

/**
 * What a delivery shows, as the reporter can show it again from the journal after a restart (the state it renders is
 * rebuilt from the journal): the message of a run, a verdict, a failure, a rollback offer, an offer's spent buttons
 * replaced, the incident's root.
 */
export interface Redo {
  what: 'run' | 'verdict' | 'failure' | 'rollback-offer' | 'offer-spent' | 'root';
  incident: string;
  run?: string;
}

/** What a try knows of the tries before it. */
export interface Tries {
  /** An earlier try failed in a way Slack may have carried it out all the same (its answer lost or cut short). */
  earlierMayHaveLanded: boolean;
}

interface Delivery {
  label: string;
  /** Coalesces: a newer delivery with the same key replaces one not yet started (an update of the same message). */
  replaceKey?: string;
  send: (tries: Tries) => Promise<unknown>;
  earlierMayHaveLanded?: boolean;
  settle: (value: unknown) => void;
  redo?: Redo;
  /** When Slack first failed to take it (from its first try), while it is retried. */
  failingSince?: number;
  /** When its first try began: a try Slack leaves unanswered counts as failing once it has waited `slowAfterMs`. */
  startedAt?: number;
  /** A file for the thread, on its incident's line of uploads: counted apart from the thread's messages. */
  upload?: boolean;
  /** What it goes after (the message the file belongs to): it is not tried before that settles. */
  after?: Promise<unknown>;
}

/** How long a thread message may wait on Slack's answer before /databox status says Slack has not taken it. */
const slowAfterMs = 10_000;

/** An incident's thread: what waits to go, and how to wake its sender while it waits out the pacing of an update. */
interface Line {
  queue: Delivery[];
  wake?: () => void;
}

export interface OutboxOptions {
  logger: Logger;
  /** The wait before retry `attempt` (1, 2, …) of a delivery the Web API client gave up on. */
  retryDelayMs?: (attempt: number) => number;
  /** The least time from Slack's answer to one update of a message to the next update of it (tests shorten it). */
  updateIntervalMs?: number;
  /**
   * When a try of a message failed that the Web API client is trying again (failed-tries.ts), since Slack last answered
   * one: a delivery sent before then is failing from its first try, though the client has not given up on it yet.
   */
  failedTrySince?: () => number | undefined;
}

const defaultDelay = (attempt: number) => Math.min(60_000, 2_000 * 2 ** (attempt - 1));

/**
 * chat.update is a Tier 3 method (50+ calls a minute per workspace, sporadic bursts welcome) and Slack asks for about one
 * new message a second per channel: one edit of a message a second keeps a run's message live to the eye, within what
 * Slack allows, and spares the clients that redraw it.
 */
export const defaultUpdateIntervalMs = 1_000;

export class SlackOutbox {
  private readonly lines = new Map<string, Line>();
  /** When Slack last answered an update of each message (by replaceKey); kept only as long as it holds the next back. */
  private readonly updatedAt = new Map<string, number>();
  private readonly idleWaiters: (() => void)[] = [];
  private paced = true;
  private stopped = false;
  /** The delivery each line is sending now (out of its queue while it is tried). */
  private readonly sending = new Map<string, Delivery>();

  constructor(private readonly options: OutboxOptions) {}

  private get interval(): number {
    return this.options.updateIntervalMs ?? defaultUpdateIntervalMs;
  }

  /**
   * Queues `send` behind everything queued for `line` (an incident's thread). It resolves with what `send` returned, or
   * undefined when Slack refused it for good or the bot stopped; it never rejects, so a caller may leave it unawaited.
   */
  deliver<T>(line: string, label: string, send: (tries: Tries) => Promise<T>, replaceKey?: string, redo?: Redo): Promise<T | undefined> {
    return this.enqueue(line, { label, replaceKey, send, redo });
  }

  /**
   * Queues a file for `line`'s thread on a line of its own, tried once `after` (the message it belongs to) has settled:
   * retried as a message is, however long Slack's uploads fail, while the thread's messages go on without it. Resolves
   * as deliver does.
   */
  deliverUpload<T>(line: string, label: string, send: () => Promise<T>, after: Promise<unknown>): Promise<T | undefined> {
    return this.enqueue(`${line} uploads`, { label, send, upload: true, after });
  }

  private enqueue<T>(line: string, made: Omit<Delivery, 'settle'>): Promise<T | undefined> {
    this.forgetPastUpdates();
    return new Promise<T | undefined>((resolve) => {
      const existing = this.lines.get(line);
      const current = existing ?? { queue: [] };
      const delivery: Delivery = { ...made, settle: resolve as (value: unknown) => void };
      const { replaceKey } = delivery;
      // The newer update goes where the newest things go, at the end: what was queued before it still goes first, so
      // a message never shows a state from after a message posted below it.
      const replaced = replaceKey === undefined ? -1 : current.queue.findIndex((d) => d.replaceKey === replaceKey);
      if (replaced >= 0) current.queue.splice(replaced, 1)[0]?.settle(undefined);
      current.queue.push(delivery);
      if (existing) existing.wake?.();
      else {
        this.lines.set(line, current);
        void this.drain(line, current);
      }
    });
  }

  /** How many thread messages wait or are being sent, and since when the oldest one still being retried has failed. */
  backlog(): { waiting: number; failingSince?: number } {
    return this.backlogOf(false);
  }

  /** The same of the files waiting for the threads (their own lines: a failing upload holds no message back). */
  uploadBacklog(): { waiting: number; failingSince?: number } {
    return this.backlogOf(true);
  }

  /** The recoveries whose rollback offer has not reached their thread yet (queued, or Slack has not taken it). */
  rollbackOffersWaiting(): string[] {
    const offers = this.deliveries().flatMap((d) => (d.redo?.what === 'rollback-offer' && d.redo.run ? [d.redo.run] : []));
    return [...new Set(offers)];
  }

  /** Whether messages for `line`'s thread wait or are being sent (its files, on a line of their own, are not counted). */
  messagesWaitFor(line: string): boolean {
    return this.sending.has(line) || (this.lines.get(line)?.queue.length ?? 0) > 0;
  }

  private deliveries(): Delivery[] {
    return [...this.sending.values(), ...[...this.lines.values()].flatMap((line) => line.queue)];
  }

  private backlogOf(uploads: boolean): { waiting: number; failingSince?: number } {
    const counted = (d: Delivery) => (d.upload === true) === uploads;
    // A try still unanswered long after it began is Slack not answering, as much as an error is (the client's own
    // retries of a silent Slack take minutes before one reaches the outbox). A message's try that Slack failed, and the
    // client is trying again, is failing at once: an answer came, and it was no (failed-tries.ts notes messages only).
    const now = Date.now();
    const failedTry = uploads ? undefined : this.options.failedTrySince?.();
    const failing = [...this.sending.values()].filter(counted).flatMap((d) => {
      const retried = failedTry !== undefined && d.startedAt !== undefined && d.startedAt <= failedTry;
      const since = d.failingSince ?? (d.startedAt !== undefined && (retried || now - d.startedAt >= slowAfterMs) ? d.startedAt : undefined);
      return since === undefined ? [] : [since];
    });
    return { waiting: this.deliveries().filter(counted).length, failingSince: failing.length > 0 ? Math.min(...failing) : undefined };
  }

  /** Resolves once nothing is queued or being sent. */
  idle(): Promise<void> {
    if (this.lines.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** The bot is stopping: updates are no longer paced, and what pacing held back goes now. Resolves once all is sent. */
  flush(): Promise<void> {
    this.paced = false;
    for (const line of this.lines.values()) line.wake?.();
    return this.idle();
  }

  /**
   * Stops retrying. What is still queued or being sent is given up here; what of it can be shown again from the journal
   * is returned (once each), for the next start to show (carry-over.ts). The rest is in the journal and the postmortem.
   */
  stop(): Redo[] {
    this.stopped = true;
    const left = this.deliveries();
    const redo = new Map<string, Redo>();
    for (const delivery of left) if (delivery.redo) redo.set(JSON.stringify(delivery.redo), delivery.redo);
    if (left.length > 0) this.options.logger.warn({ messages: left.map((d) => d.label) }, `stopping with ${left.length} Slack message(s) not delivered; ${redo.size} will be shown again at the next start`);
    return [...redo.values()];
  }

  /** When a delivery may go: a post at once; an update one interval after Slack answered the last update of its message. */
  private dueAt(delivery: Delivery): number {
    const last = delivery.replaceKey === undefined || !this.paced ? undefined : this.updatedAt.get(delivery.replaceKey);
    return last === undefined ? 0 : last + this.interval;
  }

  /**
   * What goes next. While a post (or a file) waits in the thread, everything before it goes in order, paced or not: a new
   * message is never held back by pacing, and no message shows a state from after a message posted below it. With only
   * updates waiting, the first that is due goes; each carries its message's latest state, rendered when it is sent.
   */
  private next(queue: Delivery[]): number {
    if (queue.some((d) => d.replaceKey === undefined)) return 0;
    const now = Date.now();
    return queue.findIndex((d) => this.dueAt(d) <= now);
  }

  private async drain(name: string, line: Line): Promise<void> {
    const { queue } = line;
    // Once stopped, nothing more goes: what is left was handed to the next start (stop()), which shows it again.
    while (queue.length > 0 && !this.stopped) {
      const index = this.next(queue);
      if (index < 0) {
        await this.waitFor(line, Math.min(...queue.map((d) => this.dueAt(d))) - Date.now());
        continue;
      }
      const delivery = queue.splice(index, 1)[0] as Delivery;
      this.sending.set(name, delivery);
      // A file waits for its message (which never rejects: deliver's promises settle with undefined at worst).
      if (delivery.after) await delivery.after;
      const sent = this.stopped ? undefined : await this.sendWithRetries(delivery);
      this.sending.delete(name);
      delivery.settle(sent);
      if (delivery.replaceKey !== undefined) this.updatedAt.set(delivery.replaceKey, Date.now());
    }
    for (const left of queue.splice(0)) left.settle(undefined);
    this.lines.delete(name);
    if (this.lines.size === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
  }

  /** Waits `ms`, or less if something new is queued on the line or the outbox is flushed. */
  private waitFor(line: Line, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        line.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      line.wake = done;
    });
  }

  /** Updates answered more than an interval ago hold nothing back: their times go, so the map holds only recent ones. */
  private forgetPastUpdates(): void {
    const before = Date.now() - this.interval;
    for (const [key, at] of this.updatedAt) if (at <= before) this.updatedAt.delete(key);
  }

  private async sendWithRetries(delivery: Delivery): Promise<unknown> {
    const delay = this.options.retryDelayMs ?? defaultDelay;
    delivery.startedAt ??= Date.now();
    for (let attempt = 1; ; attempt += 1) {
      if (attempt > 1 && this.stopped) return undefined;
      try {
        return await delivery.send({ earlierMayHaveLanded: delivery.earlierMayHaveLanded === true });
      } catch (error) {
        if (mayHaveBeenCarriedOut(error)) delivery.earlierMayHaveLanded = true;
        const refusal = lastingRefusal(error);
        if (refusal) {
          const log = refusal.kind === 'token' ? this.options.logger.error.bind(this.options.logger) : this.options.logger.warn.bind(this.options.logger);
          log({ err: error, message: delivery.label, slackError: refusal.code }, droppedLine(refusal));
          return undefined;
        }
        if (this.stopped) return undefined;
        // From its first try: Slack has not taken it since then, however long that try waited for an answer.
        delivery.failingSince ??= delivery.startedAt;
        const wait = delay(attempt);
        this.options.logger.warn({ err: error, message: delivery.label, attempt, retryInMs: wait }, 'Slack did not take a message; trying again');
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }
}
