// Delivers an incident's Slack messages in order, one at a time per thread, at most one update of a message a second
// and, after a short burst, about one new message a second per channel (post-pacer.ts), and keeps retrying through
// Slack's bad days (429s, 500s, silence): a run never waits on Slack, and nothing it shows is dropped or reordered.
// Its files go on a line of their own, so an upload Slack will not take holds no message back, and so does an edit
// Slack failed: it is retried on a line of its own, so a failing edit holds no new message back.

import type { Logger } from '../logger.js';
import { lastingRefusal, tokenAdvice, type LastingRefusal } from './lasting-refusals.js';
import { mayHaveBeenCarriedOut } from './slack-trouble.js';
import { PostPacer } from './post-pacer.js';

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
  /** Slack refused it for good (the token, the channel) at `at`: shown once Slack takes the bot's messages there again. */
  dropped?: { code: string; at: string };
  /** A try Slack may have carried out all the same: posted again, it says an earlier copy may be just above. */
  earlierMayHaveLanded?: boolean;
}

/** What a lasting refusal dropped, for the journal: the message, and Slack's code. */
export interface DroppedMessage {
  incident: string;
  label: string;
  code: string;
  redo?: Redo;
  /** Kept to show again once Slack takes the bot's messages there (a restarted bot finds it in the journal). */
  kept: boolean;
}

/** One redo whatever its flags: the same message of the same incident and run. */
export function redoKey(redo: Redo): string {
  return JSON.stringify([redo.what, redo.incident, redo.run ?? null]);
}

/**
 * Past this, a thread message Slack took late is journaled (slack-held.ts): longer than a passing retry holds one, or
 * pacing a short backlog. An outage holds one so long, and so may pacing alone when a channel's threads have a minute of
 * new messages waiting (about one a second goes): either way the thread lagged behind what the bot did, which the
 * postmortem's timeline shows. Measured from when it was queued, not from its first try: a message queued behind one
 * an outage held was held as long, though it was tried only once Slack answered again.
 */
export const heldLongMs = 60_000;

/** A thread message Slack took only after holding it: what it was, and when it was queued and taken. */
export interface HeldMessage {
  incident: string;
  label: string;
  redo?: Redo;
  queuedAt: number;
  takenAt: number;
}

/** What kind of message a call to Slack made: an incident's first message, a reply in its thread, an edit, a file. */
export type MessageKind = 'top-level' | 'reply' | 'edit' | 'file';

/** A message Slack refused for good, kept to show again; `token` when the token was why (any thread taking one ends it). */
interface Kept {
  redo: Redo;
  line: string;
  token: boolean;
  /**
   * Set when Slack refused only this kind of message there (a thread-only channel, say): only a message of the same
   * kind taken there says it would take this one now; other kinds taken there are no news of it.
   */
  refusedKind?: MessageKind;
}

/** What a try knows of the tries before it. */
export interface Tries {
  /** An earlier try failed in a way Slack may have carried it out all the same (its answer lost or cut short). */
  earlierMayHaveLanded: boolean;
  /**
   * How many earlier tries may have landed so (each a copy that may be in the thread): 0 when none may have. Counted in
   * this process; one shown again after a restart counts what its carry-over says as one.
   */
  copiesMayHaveLanded: number;
  /** The edits of this thread's messages (their replaceKeys) Slack is failing, which this message goes ahead of. */
  editsFailing: ReadonlySet<string>;
}

interface Delivery {
  label: string;
  /** The incident it is for (an upload's line is named apart from its thread's). */
  incident: string;
  /** Kept to show again when Slack refuses it for good for the token or the channel (a plan is asked for again instead). */
  keepIfRefused: boolean;
  /** Coalesces: a newer delivery with the same key replaces one not yet started (an update of the same message). */
  replaceKey?: string;
  send: (tries: Tries) => Promise<unknown>;
  earlierMayHaveLanded?: boolean;
  /** How many of its tries Slack may have carried out all the same (Tries.copiesMayHaveLanded). */
  copiesMayHaveLanded?: number;
  settle: (value: unknown) => void;
  redo?: Redo;
  /** When it was queued (an update keeps the time of the update it replaced): how long its thread waited for it. */
  queuedAt?: number;
  /** When Slack first failed to take it (from its first try), while it is retried. */
  failingSince?: number;
  /** When its first try began: a try Slack leaves unanswered counts as failing once it has waited `slowAfterMs`. */
  startedAt?: number;
  /** A file for the thread, on its incident's line of uploads: counted apart from the thread's messages. */
  upload?: boolean;
  /** What it goes after (the message the file belongs to): it is not tried before that settles. */
  after?: Promise<unknown>;
  /** An edit set aside that a newer edit of the same message replaced while it was retried: its tries end. */
  superseded?: boolean;
}

/**
 * The line an edit Slack failed is retried on, one per message: the thread's new messages go on without it, and the
 * message's later edits join it there when their turn in the thread comes, the latest replacing what waits.
 */
function editLine(incident: string, replaceKey: string): string {
  return `${incident} edit ${replaceKey}`;
}

/** What sendWithRetries returns for an edit Slack failed, to be retried on a line of its own (editLine). */
const setAside = Symbol('set aside');

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
  /** A message Slack refused for good, the first time it refused it (journaled: the postmortem says it never arrived). */
  dropped?: (message: DroppedMessage) => void;
  /** A thread message Slack took more than heldLongMs after it was queued (an outage held it): journaled with both times. */
  heldThenTaken?: (held: HeldMessage) => void;
  /** How late a message Slack took must be to be heldThenTaken (default heldLongMs; tests shorten it). */
  heldLongMs?: number;
  /** A message Slack refused for good, and took later: journaled as reaching the thread late. */
  deliveredLate?: (redo: Redo & { dropped: NonNullable<Redo['dropped']> }) => void;
  /**
   * Shows a kept message again, from the state as it is now (the reporter's showAgain): false when that queued nothing
   * (its run is gone, the message it would edit never reached Slack), so nothing of it is left to show.
   */
  showAgain?: (redo: Redo) => boolean;
  /** A kept message with nothing left to show for it, no longer kept: journaled, so the record says why it stops there. */
  noLongerKept?: (redo: Redo & { dropped: NonNullable<Redo['dropped']> }) => void;
  /** How long after Slack refused a kept message for good its thread is tried again, one message per thread. */
  keptRetryMs?: number;
  /**
   * The channel of an incident's thread, so a message Slack takes anywhere in that channel shows what it had refused,
   * and new messages are paced per channel.
   */
  channelOf?: (incident: string) => string | undefined;
  /** Paces new thread messages per channel (default: a burst of 3, then one a second; tests pass their own). */
  postPacer?: PostPacer;
}

/**
 * A channel unarchived, the bot invited back: nothing tells the bot, and an incident's thread may have nothing new to
 * post. One message per thread every 5 minutes finds out, at the cost of one refused call while it lasts.
 */
export const defaultKeptRetryMs = 5 * 60_000;

/** A thread message's kind: a post in the thread is a reply; an update of a message, an edit (uploads are never kept). */
function kindOf(delivery: Delivery): MessageKind {
  return delivery.replaceKey === undefined ? 'reply' : 'edit';
}

/** A new message in a thread (chat.postMessage): paced per channel. An update or a file is not. */
function isPost(delivery: Delivery): boolean {
  return delivery.replaceKey === undefined && delivery.upload !== true;
}

/** Whether Slack taking a message of `kind` in a kept message's channel says it would take the kept one now. */
function tells(kept: Kept, kind: MessageKind): boolean {
  return kept.refusedKind === undefined || kept.refusedKind === kind;
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
  /**
   * Messages Slack refused for good for the token or the channel, in the order it refused them, and those a stop handed
   * over with a flag to keep (carriedOver): each goes once Slack took it. Only a bot whose token or channels stay
   * refused keeps them, one per run's message at most.
   */
  private readonly kept = new Map<string, Kept>();
  /** The next try of the threads whose messages Slack refused for good. */
  private keptRetry?: NodeJS.Timeout;

  private readonly postPacer: PostPacer;

  constructor(private readonly options: OutboxOptions) {
    this.postPacer = options.postPacer ?? new PostPacer();
  }

  /** The channel whose new messages a delivery counts against: its thread's, or its incident's name before that is known. */
  private channelOfDelivery(delivery: Delivery): string {
    return this.options.channelOf?.(delivery.incident) ?? delivery.incident;
  }

  private get interval(): number {
    return this.options.updateIntervalMs ?? defaultUpdateIntervalMs;
  }

  /**
   * Queues `send` behind everything queued for `line` (an incident's thread). It resolves with what `send` returned, or
   * undefined when Slack refused it for good or the bot stopped; it never rejects, so a caller may leave it unawaited.
   */
  deliver<T>(line: string, label: string, send: (tries: Tries) => Promise<T>, replaceKey?: string, redo?: Redo, keepIfRefused = true): Promise<T | undefined> {
    // Posted again after a try Slack may have carried out (before a restart, or before a lasting refusal): it says so.
    const earlierMayHaveLanded = replaceKey === undefined && redo !== undefined && this.kept.get(redoKey(redo))?.redo.earlierMayHaveLanded === true;
    return this.enqueue(line, { label, incident: line, replaceKey, send, redo, keepIfRefused, ...(earlierMayHaveLanded ? { earlierMayHaveLanded, copiesMayHaveLanded: 1 } : {}) });
  }

  /**
   * What the last stop handed over (carry-over.ts), before it is shown again: a message Slack had refused for good is
   * journaled as reaching its thread late once Slack takes it (and not as refused again if it is), and one Slack may
   * have taken keeps saying an earlier copy may be above.
   */
  carriedOver(redos: readonly Redo[]): void {
    for (const redo of redos) if (redo.dropped || redo.earlierMayHaveLanded) this.kept.set(redoKey(redo), { redo, line: redo.incident, token: redo.dropped ? lastingRefusal(redo.dropped.code)?.kind === 'token' : false });
  }

  /**
   * Queues a file for `line`'s thread on a line of its own, tried once `after` (the message it belongs to) has settled:
   * retried as a message is, however long Slack's uploads fail, while the thread's messages go on without it. Resolves
   * as deliver does.
   */
  deliverUpload<T>(line: string, label: string, send: () => Promise<T>, after: Promise<unknown>): Promise<T | undefined> {
    return this.enqueue(`${line} uploads`, { label, incident: line, keepIfRefused: false, send, upload: true, after });
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
      delivery.queuedAt = Date.now();
      if (replaced >= 0) {
        const older = current.queue.splice(replaced, 1)[0];
        delivery.queuedAt = older?.queuedAt ?? delivery.queuedAt;
        older?.settle(undefined);
      }
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
    const refused = new Set(this.rollbackOffersRefused().map((offer) => offer.run));
    const offers = this.deliveries().flatMap((d) => (d.redo?.what === 'rollback-offer' && d.redo.run && !refused.has(d.redo.run) ? [d.redo.run] : []));
    return [...new Set(offers)];
  }

  /**
   * Whether `line`'s thread lacks what the bot means it to show: the message (or update) of it being sent is one Slack
   * fails to take, or Slack refused one of its messages for good and has not taken it since. Another thread failing, or
   * its own messages merely queued or paced, says nothing of it; its files, on a line of their own, are not counted.
   */
  threadBehind(line: string): boolean {
    const now = Date.now();
    const failedTry = this.options.failedTrySince?.();
    const failing = (d: Delivery) => !d.upload && d.incident === line && this.failingSince(d, now, failedTry) !== undefined;
    if (this.deliveries().some(failing)) return true;
    return [...this.kept.values()].some((kept) => kept.line === line && kept.redo.dropped !== undefined);
  }

  /** The recoveries whose rollback offer Slack refused for good (the token, the channel), and why, until it takes it. */
  rollbackOffersRefused(): { run: string; code: string }[] {
    return [...this.kept.values()].flatMap(({ redo }) => (redo.what === 'rollback-offer' && redo.run && redo.dropped ? [{ run: redo.run, code: redo.dropped.code }] : []));
  }

  /** What waits or is being sent, without an edit being retried that a newer edit of its message replaced. */
  private deliveries(): Delivery[] {
    return [...this.sending.values(), ...[...this.lines.values()].flatMap((line) => line.queue)].filter((d) => !d.superseded);
  }

  private backlogOf(uploads: boolean): { waiting: number; failingSince?: number } {
    const counted = (d: Delivery) => (d.upload === true) === uploads;
    // A try still unanswered long after it began is Slack not answering, as much as an error is (the client's own
    // retries of a silent Slack take minutes before one reaches the outbox). A message's try that Slack failed, and the
    // client is trying again, is failing at once: an answer came, and it was no (failed-tries.ts notes messages only).
    const now = Date.now();
    const failedTry = uploads ? undefined : this.options.failedTrySince?.();
    // An edit that replaced one Slack failed is failing since then, though not tried yet (setEditAside).
    const failing = this.deliveries().filter(counted).flatMap((d) => {
      const since = this.failingSince(d, now, failedTry);
      return since === undefined ? [] : [since];
    });
    return { waiting: this.deliveries().filter(counted).length, failingSince: failing.length > 0 ? Math.min(...failing) : undefined };
  }

  /** Since when Slack has failed to take a delivery being sent: an error, a try it failed that the client retries, or silence. */
  private failingSince(d: Delivery, now: number, failedTry: number | undefined): number | undefined {
    const retried = failedTry !== undefined && d.startedAt !== undefined && d.startedAt <= failedTry;
    return d.failingSince ?? (d.startedAt !== undefined && (retried || now - d.startedAt >= slowAfterMs) ? d.startedAt : undefined);
  }

  /** Resolves once nothing is queued or being sent. */
  idle(): Promise<void> {
    if (this.lines.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** The bot is stopping: posts and updates are no longer paced, and what pacing held back goes now. Resolves once all is sent. */
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
    clearTimeout(this.keptRetry);
    const left = this.deliveries();
    // What Slack refused for good first, in the order it did (older than anything still queued), then what is queued.
    const redo = new Map<string, Redo>();
    for (const [key, kept] of this.kept) if (kept.redo.dropped) redo.set(key, kept.redo);
    for (const delivery of left) {
      if (!delivery.redo) continue;
      const key = redoKey(delivery.redo);
      const earlier = redo.get(key) ?? this.kept.get(key)?.redo;
      redo.set(key, { ...earlier, ...delivery.redo, ...(earlier?.dropped ? { dropped: earlier.dropped } : {}), ...(delivery.earlierMayHaveLanded || earlier?.earlierMayHaveLanded ? { earlierMayHaveLanded: true } : {}) });
    }
    // Counted apart, as they differ: what was still queued (each post, edit or file once, however often tried), and the
    // messages shown again, which add those Slack refused for good and leave out edits merged into their message's state.
    if (left.length > 0) this.options.logger.warn({ messages: left.map((d) => d.label) }, `stopping with ${left.length} Slack delivery(ies) still queued (posts, edits and files); ${redo.size} message(s), with those Slack refused for good, will be shown again at the next start`);
    return [...redo.values()];
  }

  /**
   * When a delivery may go: a post when its channel's pacing lets it (post-pacer.ts); a file at once; an update one
   * interval after Slack answered the last update of its message.
   */
  private dueAt(delivery: Delivery): number {
    if (!this.paced) return 0;
    if (isPost(delivery)) return this.postPacer.dueAt(this.channelOfDelivery(delivery), Date.now(), delivery.incident);
    const last = delivery.replaceKey === undefined ? undefined : this.updatedAt.get(delivery.replaceKey);
    return last === undefined ? 0 : last + this.interval;
  }

  /**
   * What goes next. While a post (or a file) waits in the thread, everything before it goes in order, its updates not
   * held back by their pacing, and the post itself once its channel's pacing lets it: no message shows a state from
   * after a message posted below it, and the thread's messages keep their order. With only updates waiting, the first
   * that is due goes; each carries its message's latest state, rendered when it is sent.
   */
  private next(queue: Delivery[]): number {
    const first = queue.findIndex((d) => d.replaceKey === undefined);
    if (first > 0) return 0;
    const now = Date.now();
    if (first === 0) return this.dueAt(queue[0] as Delivery) <= now ? 0 : -1;
    return queue.findIndex((d) => this.dueAt(d) <= now);
  }

  /** When the line's next delivery is due: its first, when that is a post pacing holds back; else the soonest update. */
  private nextDueAt(queue: Delivery[]): number {
    const first = queue[0];
    if (first && first.replaceKey === undefined) return this.dueAt(first);
    return Math.min(...queue.map((d) => this.dueAt(d)));
  }

  private async drain(name: string, line: Line): Promise<void> {
    const { queue } = line;
    // Once stopped, nothing more goes: what is left was handed to the next start (stop()), which shows it again.
    while (queue.length > 0 && !this.stopped) {
      const index = this.next(queue);
      if (index < 0) {
        await this.waitFor(line, this.nextDueAt(queue) - Date.now());
        continue;
      }
      const delivery = queue.splice(index, 1)[0] as Delivery;
      const ownLine = delivery.replaceKey === undefined ? undefined : editLine(delivery.incident, delivery.replaceKey);
      // Its message's edits are being retried apart (Slack failed one): this one, newer, takes their place there.
      if (ownLine !== undefined && ownLine !== name && this.lines.has(ownLine)) {
        this.setEditAside(ownLine, delivery);
        continue;
      }
      this.sending.set(name, delivery);
      // A file waits for its message (which never rejects: deliver's promises settle with undefined at worst).
      if (delivery.after) await delivery.after;
      const sent = this.stopped ? undefined : await this.sendWithRetries(delivery, ownLine !== undefined && ownLine !== name);
      this.sending.delete(name);
      if (sent === setAside && ownLine !== undefined) {
        this.setEditAside(ownLine, delivery);
        continue;
      }
      delivery.settle(sent);
      if (sent !== undefined) this.taken(delivery);
      if (delivery.replaceKey !== undefined) this.updatedAt.set(delivery.replaceKey, Date.now());
    }
    for (const left of queue.splice(0)) left.settle(undefined);
    // Stopped while it waited its turn to post: the channel's other threads do not wait for it.
    this.postPacer.leave(name);
    this.lines.delete(name);
    if (this.lines.size === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
  }

  /**
   * Puts an edit on its message's own line: one Slack failed, so the thread's later messages need not wait for it (an
   * edit is the latest state, which may show later), or a newer edit of a message whose edit is there already, which
   * replaces the one waiting and ends the tries of the one being retried.
   */
  private setEditAside(name: string, delivery: Delivery): void {
    const existing = this.lines.get(name);
    if (!existing) {
      const line: Line = { queue: [delivery] };
      this.lines.set(name, line);
      void this.drain(name, line);
      return;
    }
    const waiting = existing.queue.splice(0);
    const retried = this.sending.get(name);
    // Slack has not taken an edit of this message since the first of them failed: the newest carries that on.
    const since = [...waiting, ...(retried ? [retried] : []), delivery].flatMap((d) => (d.failingSince === undefined ? [] : [d.failingSince]));
    if (since.length > 0) delivery.failingSince = Math.min(...since);
    for (const replaced of waiting) replaced.settle(undefined);
    if (retried) retried.superseded = true;
    existing.queue.push(delivery);
    existing.wake?.();
  }

  /** The replaceKeys of `incident`'s edits retried on lines of their own, Slack having failed them. */
  private editsFailing(incident: string): Set<string> {
    return new Set([...this.lines.keys()].filter((name) => name.startsWith(`${incident} edit `)).map((name) => name.slice(`${incident} edit `.length)));
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

  /**
   * Slack took a delivery: a kept message of the same run (or root, offer…) has reached the thread, and what Slack
   * refused for good in this thread (or anywhere, for the token) is shown again, from the state as it is now.
   */
  private taken(delivery: Delivery): void {
    if (delivery.upload) return;
    const takenAt = Date.now();
    if (delivery.queuedAt !== undefined && takenAt - delivery.queuedAt > (this.options.heldLongMs ?? heldLongMs)) {
      this.options.heldThenTaken?.({ incident: delivery.incident, label: delivery.label, redo: delivery.redo, queuedAt: delivery.queuedAt, takenAt });
    }
    if (delivery.redo) {
      const key = redoKey(delivery.redo);
      const kept = this.kept.get(key);
      this.kept.delete(key);
      const dropped = kept?.redo.dropped;
      if (kept && dropped) this.options.deliveredLate?.({ ...kept.redo, dropped });
    }
    this.showKept((kept) => kept.token || (kept.line === delivery.incident && tells(kept, kindOf(delivery))));
  }

  /**
   * Slack took a message of `kind` in `channel` (another incident's thread there, a file, an incident's first message):
   * the channel takes the bot's messages again, so what it refused for good in every thread there is shown now, as is
   * what was refused for the token, without waiting for the next try. What Slack refused only for its kind there (a
   * thread-only channel) waits for a message of that kind taken: any other would show it only to be refused again.
   */
  tookIn(channel: string, kind: MessageKind): void {
    if (this.stopped) return;
    this.showKept((kept) => kept.token || (this.options.channelOf?.(kept.line) === channel && tells(kept, kind)));
  }

  /**
   * Shows again, in the order Slack refused them, the kept messages `which` picks that are not queued already; with
   * `onePerThread`, only the oldest of each thread that has anything to show. One with nothing left to show is no
   * longer kept: else it would be tried for ever, and /databox status would say Slack refuses it for ever.
   */
  private showKept(which: (kept: Kept) => boolean, onePerThread = false): void {
    const queued = new Set(this.deliveries().flatMap((d) => (d.redo ? [redoKey(d.redo)] : [])));
    const tried = new Set<string>();
    for (const [key, kept] of this.showable()) {
      if (!which(kept) || (onePerThread && tried.has(kept.line))) continue;
      if (queued.has(key) || this.options.showAgain?.(kept.redo) !== false) {
        queued.add(key);
        tried.add(kept.line);
        continue;
      }
      this.forgetKept(key);
    }
  }

  /**
   * A kept message the start found nothing to show for (its run gone): no longer kept, nor is the message of a run
   * whose end it was (the same run), each journaled as such.
   */
  nothingToShow(redo: Redo): void {
    this.forgetKept(redoKey(redo));
    if (redo.what === 'verdict' || redo.what === 'failure') this.forgetKept(redoKey({ what: 'run', incident: redo.incident, run: redo.run }));
  }

  /** A kept message with nothing left to show for it goes, journaled: the record says why it is no longer kept. */
  private forgetKept(key: string): void {
    const redo = this.kept.get(key)?.redo;
    this.kept.delete(key);
    if (redo?.dropped) this.options.noLongerKept?.({ ...redo, dropped: redo.dropped });
  }

  /**
   * The kept messages Slack refused for good, to show again in the order it refused them: a run whose end (its verdict,
   * its failure) is kept too is shown by the end, which shows its message as well, and not a second time by itself.
   */
  private showable(): [string, Kept][] {
    const dropped = [...this.kept].filter(([, kept]) => kept.redo.dropped);
    const ended = new Set(dropped.flatMap(([, { redo }]) => (redo.what === 'verdict' || redo.what === 'failure' ? [redo.run] : [])));
    return dropped.filter(([, { redo }]) => !(redo.what === 'run' && ended.has(redo.run)));
  }

  /** Slack refused a delivery for good: journaled the first time, and kept to show again when the token or channel was why. */
  private refusedForGood(delivery: Delivery, refusal: LastingRefusal): void {
    const key = delivery.redo && redoKey(delivery.redo);
    const known = key === undefined ? undefined : this.kept.get(key);
    const keep = key !== undefined && delivery.keepIfRefused && (refusal.kind === 'token' || refusal.kind === 'channel');
    if (!known?.redo.dropped) this.options.dropped?.({ incident: delivery.incident, label: delivery.label, code: refusal.code, ...(delivery.redo ? { redo: delivery.redo } : {}), kept: keep });
    if (!keep || key === undefined || !delivery.redo) return;
    const dropped = known?.redo.dropped ?? { code: refusal.code, at: new Date().toISOString() };
    const mayHaveLanded = delivery.earlierMayHaveLanded === true || known?.redo.earlierMayHaveLanded === true;
    const refusedKind = refusal.oneKind ? kindOf(delivery) : undefined;
    this.kept.set(key, { redo: { ...delivery.redo, dropped, ...(mayHaveLanded ? { earlierMayHaveLanded: true } : {}) }, line: delivery.incident, token: refusal.kind === 'token', ...(refusedKind ? { refusedKind } : {}) });
    this.retryKeptLater();
  }

  private retryKeptLater(): void {
    if (this.keptRetry || this.stopped) return;
    this.keptRetry = setTimeout(() => {
      this.keptRetry = undefined;
      this.retryKept();
    }, this.options.keptRetryMs ?? defaultKeptRetryMs);
    this.keptRetry.unref();
  }

  /**
   * The oldest kept message of each thread with anything left to show is shown again: refused again, it waits for the
   * next try; taken, the rest follow.
   */
  private retryKept(): void {
    this.showKept(() => true, true);
    // Tried again on schedule while anything is kept, whether or not this try reached Slack: one shown again whose
    // delivery made no call (the message it edits not posted yet) is neither refused nor taken, and must not end the tries.
    if (this.showable().length > 0) this.retryKeptLater();
  }

  /** Waits until a post's channel pacing lets it go, its thread taking its turn there; at once when unpaced or stopped. */
  private async postTurn(delivery: Delivery): Promise<void> {
    for (;;) {
      const line = this.lines.get(delivery.incident);
      const wait = this.dueAt(delivery) - Date.now();
      if (wait <= 0 || this.stopped || !line) return;
      await this.waitFor(line, wait);
    }
  }

  /**
   * Tries a delivery until Slack takes it or refuses it for good. An edit in the thread's line that Slack fails
   * (`mayStepAside`) comes back as `setAside` after its first failed try, to be retried on a line of its own.
   */
  private async sendWithRetries(delivery: Delivery, mayStepAside = false): Promise<unknown> {
    const delay = this.options.retryDelayMs ?? defaultDelay;
    delivery.startedAt ??= Date.now();
    for (let attempt = 1; ; attempt += 1) {
      // A new message tried again waits its turn in its channel, as its first try did (next): else the retries of one
      // thread would take every post the channel is allowed, and the other threads there would wait on them.
      if (attempt > 1 && isPost(delivery)) await this.postTurn(delivery);
      if (attempt > 1 && (this.stopped || delivery.superseded)) return undefined;
      // Every try of a new message counts against its channel's pace, as Slack counts it: one that goes the moment
      // Slack is back is followed by the rest of the thread one a second, not all at once.
      if (isPost(delivery)) this.postPacer.spent(this.channelOfDelivery(delivery), Date.now(), delivery.incident);
      try {
        return await delivery.send({ earlierMayHaveLanded: delivery.earlierMayHaveLanded === true, copiesMayHaveLanded: delivery.copiesMayHaveLanded ?? 0, editsFailing: this.editsFailing(delivery.incident) });
      } catch (error) {
        if (mayHaveBeenCarriedOut(error)) {
          delivery.earlierMayHaveLanded = true;
          delivery.copiesMayHaveLanded = (delivery.copiesMayHaveLanded ?? 0) + 1;
        }
        const refusal = lastingRefusal(error);
        if (refusal) {
          const log = refusal.kind === 'token' ? this.options.logger.error.bind(this.options.logger) : this.options.logger.warn.bind(this.options.logger);
          log({ err: error, message: delivery.label, slackError: refusal.code }, droppedLine(refusal));
          this.refusedForGood(delivery, refusal);
          return undefined;
        }
        if (this.stopped || delivery.superseded) return undefined;
        // From its first try: Slack has not taken it since then, however long that try waited for an answer.
        delivery.failingSince ??= delivery.startedAt;
        if (mayStepAside) {
          this.options.logger.warn({ err: error, message: delivery.label }, "Slack did not take an edit of a message; it is retried apart, the thread's new messages going on without it");
          return setAside;
        }
        const wait = delay(attempt);
        this.options.logger.warn({ err: error, message: delivery.label, attempt, retryInMs: wait }, 'Slack did not take a message; trying again');
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }
}
