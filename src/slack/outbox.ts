// Delivers an incident's Slack messages in order, one at a time per thread, and keeps retrying through Slack's bad days
// (429s, 500s, silence) so that a run never waits on Slack and nothing it shows is dropped or reordered.

import type { Logger } from '../logger.js';

/** Slack's answers that no retry can change (the channel is gone, the bot was removed, the message is malformed). */
const permanent = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'message_not_found',
  'cant_update_message',
  'edit_window_closed',
  'msg_too_long',
  'invalid_blocks',
  'invalid_blocks_format',
  'invalid_arguments',
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'missing_scope',
  'no_text',
  'restricted_action',
]);

/** Whether an error from the Web API client is worth another try: anything but one of Slack's permanent answers. */
export function isTransient(error: unknown): boolean {
  const code = (error as { data?: { error?: string } })?.data?.error;
  return !(code && permanent.has(code));
}

interface Delivery {
  label: string;
  /** Coalesces: a newer delivery with the same key replaces one not yet started (an update of the same message). */
  replaceKey?: string;
  send: () => Promise<unknown>;
  settle: (value: unknown) => void;
}

export interface OutboxOptions {
  logger: Logger;
  /** The wait before retry `attempt` (1, 2, …) of a delivery the Web API client gave up on. */
  retryDelayMs?: (attempt: number) => number;
}

const defaultDelay = (attempt: number) => Math.min(60_000, 2_000 * 2 ** (attempt - 1));

export class SlackOutbox {
  private readonly lines = new Map<string, Delivery[]>();
  private readonly busy = new Set<string>();
  private readonly idleWaiters: (() => void)[] = [];
  private stopped = false;

  constructor(private readonly options: OutboxOptions) {}

  /**
   * Queues `send` behind everything queued for `line` (an incident's thread). It resolves with what `send` returned, or
   * undefined when Slack refused it for good or the bot stopped; it never rejects, so a caller may leave it unawaited.
   */
  deliver<T>(line: string, label: string, send: () => Promise<T>, replaceKey?: string): Promise<T | undefined> {
    return new Promise<T | undefined>((resolve) => {
      const queue = this.lines.get(line) ?? [];
      const delivery: Delivery = { label, replaceKey, send, settle: resolve as (value: unknown) => void };
      // The newer update goes where the newest things go, at the end: what was queued before it still goes first, so
      // a message never shows a state from after a message posted below it.
      const replaced = replaceKey === undefined ? -1 : queue.findIndex((d) => d.replaceKey === replaceKey);
      if (replaced >= 0) queue.splice(replaced, 1)[0]?.settle(undefined);
      queue.push(delivery);
      this.lines.set(line, queue);
      if (!this.busy.has(line)) void this.drain(line);
    });
  }

  /** Resolves once nothing is queued or being sent. */
  idle(): Promise<void> {
    if (this.busy.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops retrying: what is still queued is given up (it is in the journal and the postmortem). */
  stop(): void {
    this.stopped = true;
  }

  private async drain(line: string): Promise<void> {
    this.busy.add(line);
    const queue = this.lines.get(line) as Delivery[];
    while (queue.length > 0) {
      const delivery = queue.shift() as Delivery;
      delivery.settle(await this.sendWithRetries(delivery));
    }
    this.lines.delete(line);
    this.busy.delete(line);
    if (this.busy.size === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
  }

  private async sendWithRetries(delivery: Delivery): Promise<unknown> {
    const delay = this.options.retryDelayMs ?? defaultDelay;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await delivery.send();
      } catch (error) {
        if (!isTransient(error)) {
          this.options.logger.warn({ err: error, message: delivery.label }, 'Slack refused a message for good; it stays in the journal');
          return undefined;
        }
        if (this.stopped) return undefined;
        const wait = delay(attempt);
        this.options.logger.warn({ err: error, message: delivery.label, attempt, retryInMs: wait }, 'Slack did not take a message; trying again');
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }
}
