// What the bot's recent messages show in Slack, as Slack took them: an update that would leave a message as it is is
// not sent (it would count against Slack's limits and redraw the thread for nothing).
import { createHash } from 'node:crypto';
import type { Rendered } from './blocks.js';
import type { SlackMessage } from './slack-refs.js';

/** Enough for every message of the incidents under way; the oldest is forgotten first, so memory stays bounded. */
const kept = 1_000;

export class MessageContents {
  private readonly shown = new Map<string, string>();

  /** Whether Slack last took exactly `rendered` for this message. */
  shows(message: SlackMessage, rendered: Rendered): boolean {
    return this.shown.get(keyOf(message)) === digest(rendered);
  }

  /** What the message shows is not known any more: an update failed, and Slack may have made it all the same. */
  forget(message: SlackMessage): void {
    this.shown.delete(keyOf(message));
  }

  /** Slack took `rendered` for this message (posted or updated). */
  took(message: SlackMessage, rendered: Rendered): void {
    const key = keyOf(message);
    this.shown.delete(key);
    this.shown.set(key, digest(rendered));
    if (this.shown.size > kept) this.shown.delete(this.shown.keys().next().value as string);
  }
}

function keyOf(message: SlackMessage): string {
  return `${message.channel} ${message.ts}`;
}

function digest(rendered: Rendered): string {
  return createHash('sha256').update(JSON.stringify([rendered.text, rendered.blocks])).digest('base64');
}
