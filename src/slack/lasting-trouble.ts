// What Slack refuses for good while the bot runs (its token, an incident's channel), for /databox status and /healthz: a
// thread left silent by an archived channel or a revoked token is said where someone looks, not only in the log.
import { escapeMrkdwn } from './mrkdwn.js';
import { tokenAdvice, type LastingRefusal } from './lasting-refusals.js';

interface Noted {
  refusal: LastingRefusal;
  /** When Slack first refused it, since it last took a message there. */
  since: number;
  /** Messages not posted for it since. */
  notPosted: number;
}

/** A channel's own refusal, with the incidents whose messages it refused. */
interface ChannelNoted extends Noted {
  incidents: Set<string>;
  /** Incidents opened there whose first message it refused: abandoned, whoever opened them told, nothing of theirs kept. */
  abandoned: Set<string>;
}

/** The token's refusal, as /healthz reports it. */
export interface TokenRefused {
  code: string;
  since: string;
  advice: string;
}

/**
 * How many channels are remembered: an incident channel archived once its incident is over, and later refusing an
 * expired plan's update, is noted too; the oldest make way, so a bot running for months keeps a few.
 */
const mostChannels = 20;

function utcSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 19)} UTC`;
}

export class LastingTrouble {
  private token?: Noted;
  private readonly channels = new Map<string, ChannelNoted>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Slack refused a message for `incident` in `channel` for good: noted when the token or the channel is why. */
  refused(refusal: LastingRefusal, where: { channel: string; incident: string }): void {
    if (refusal.kind === 'token') {
      this.token = { refusal, since: this.token?.since ?? this.now(), notPosted: (this.token?.notPosted ?? 0) + 1 };
      return;
    }
    if (refusal.kind !== 'channel') return;
    const noted = this.channels.get(where.channel);
    this.note(where.channel, {
      refusal,
      since: noted?.since ?? this.now(),
      notPosted: (noted?.notPosted ?? 0) + 1,
      incidents: new Set([...(noted?.incidents ?? []), where.incident]),
      abandoned: noted?.abandoned ?? new Set(),
    });
  }

  /**
   * Slack refused the first message of `incident`, opened in `channel`, for good: the incident is abandoned and whoever
   * opened it was told, so it is named apart, not as an incident whose messages the journal and its postmortem hold.
   */
  refusedOpening(refusal: LastingRefusal, where: { channel: string; incident: string }): void {
    if (refusal.kind === 'token') {
      this.token = { refusal, since: this.token?.since ?? this.now(), notPosted: this.token?.notPosted ?? 0 };
      return;
    }
    if (refusal.kind !== 'channel') return;
    const noted = this.channels.get(where.channel);
    this.note(where.channel, {
      refusal,
      since: noted?.since ?? this.now(),
      notPosted: noted?.notPosted ?? 0,
      incidents: noted?.incidents ?? new Set(),
      abandoned: new Set([...(noted?.abandoned ?? []), where.incident]),
    });
  }

  /** Notes a channel's refusal as the newest, the oldest making way past `mostChannels`. */
  private note(channel: string, noted: ChannelNoted): void {
    this.channels.delete(channel);
    this.channels.set(channel, noted);
    for (const oldest of this.channels.keys()) {
      if (this.channels.size <= mostChannels) break;
      this.channels.delete(oldest);
    }
  }

  /**
   * What Slack refused for good before the bot's last stop (the carry-over keeps it), said again from its first refusal
   * on; the messages it refuses again now are counted as they come.
   */
  refusedBefore(refusal: LastingRefusal, where: { channel: string; incident: string }, since: number): void {
    if (!Number.isFinite(since)) return;
    if (refusal.kind === 'token') {
      this.token = { refusal, since: Math.min(this.token?.since ?? since, since), notPosted: this.token?.notPosted ?? 0 };
      return;
    }
    if (refusal.kind !== 'channel') return;
    const noted = this.channels.get(where.channel);
    this.channels.set(where.channel, {
      refusal,
      since: Math.min(noted?.since ?? since, since),
      notPosted: noted?.notPosted ?? 0,
      incidents: new Set([...(noted?.incidents ?? []), where.incident]),
      abandoned: noted?.abandoned ?? new Set(),
    });
  }

  /** Slack took a message in `channel`: the token works, and so does the channel. */
  took(channel: string): void {
    this.token = undefined;
    this.channels.delete(channel);
  }

  /** Whether `channel` refused messages of `incident`'s thread for good since Slack last took one there. */
  refusedMessagesOf(incident: string, channel: string): boolean {
    return this.channels.get(channel)?.incidents.has(incident) === true;
  }

  /** The token's refusal while it lasts (Slack took nothing since). */
  tokenRefused(): TokenRefused | undefined {
    const token = this.token;
    return token && { code: token.refusal.code, since: new Date(token.since).toISOString(), advice: tokenAdvice(token.refusal) };
  }

  /** Lines for /databox status: the token first (nothing goes without it), then each channel that refuses the bot. */
  statusLines(): string[] {
    const lines: string[] = [];
    const token = this.token;
    if (token) {
      lines.push(
        `*Slack:* Slack refuses the bot's token (${token.refusal.code}) since ${utcSeconds(token.since)}, so no message reaches Slack: ${escapeMrkdwn(tokenAdvice(token.refusal))}. ${notPosted(token.notPosted)}; the journal and the postmortems hold everything, and a terminal works meanwhile (\`npm run --silent cli -- status\`).`,
      );
    }
    for (const [channel, noted] of this.channels) {
      const ofIncidents = noted.incidents.size === 0 ? '' : `, the channel of ${noted.incidents.size === 1 ? 'incident' : 'incidents'} ${named(noted.incidents)},`;
      const held = noted.notPosted === 0 && noted.incidents.size === 0 ? '' : ` ${notPosted(noted.notPosted, ' there')}; the journal and the postmortem (\`/databox postmortem <incident-id>\`) hold them.`;
      const abandoned = noted.abandoned.size === 0 ? '' : ` ${noted.abandoned.size === 1 ? 'A new incident opened there' : 'New incidents opened there'}, ${named(noted.abandoned)}, ${noted.abandoned.size === 1 ? 'was' : 'were'} abandoned (whoever opened ${noted.abandoned.size === 1 ? 'it' : 'each'} was told).`;
      lines.push(`*Slack:* <#${channel}>${ofIncidents} refuses the bot's messages since ${utcSeconds(noted.since)} (${noted.refusal.code}): ${escapeMrkdwn(noted.refusal.means)}.${held}${abandoned}`);
    }
    return lines;
  }
}

function named(incidents: Set<string>): string {
  return [...incidents].map((id) => `\`${escapeMrkdwn(id)}\``).join(', ');
}

/**
 * How many of the bot's calls were refused (each try of a post, an edit or a file), said as such: one message tried
 * several times counts several times here, while the journal and a terminal's status count each message once.
 */
function notPosted(count: number, where = ''): string {
  if (count === 0) return `Slack refused the bot's messages${where} before this start (the journal says which)`;
  return `Slack refused the bot's messages${where} ${count === 1 ? 'once' : `${count} times`} (each try of a post, an edit or a file counted, not each message)`;
}
