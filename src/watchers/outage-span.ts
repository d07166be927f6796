// The one way every watcher's end is told, in Slack and in the journal: when the trouble began, when it ended, how long it lasted.
import { formatDuration } from '../format-duration.js';
import type { OutageState } from './alert-state.js';

/** An outage from its start to its end, as its recovery says it and the journal keeps it. */
export interface OutageSpan {
  /** When the trouble began: the condition's own start where the check told it and it is earlier (a daemon's last heartbeat), else the first check that found it. */
  began: string;
  /** What `began` is, when it is not the first check that found it ("the last heartbeat before the alert"). */
  beganWhat?: string;
  /** The first check that found it (for one that flapped, its first time). */
  firstSeen: string;
  ended: string;
  lastedMs: number;
  /**
   * Found ended at the first check after the bot was not running (`from` its previous run's last check `to` this one's
   * start): it ended somewhere in there, so `ended` and `lastedMs` are only bounds.
   */
  unwatched?: { from: string; to: string };
}

/** The span of `outage`, ended at `ended`: counted from when the condition began where that is known and earlier than the watcher saw it. */
export function outageSpan(outage: Pick<OutageState, 'since' | 'began'>, ended: string, unwatched?: OutageSpan['unwatched']): OutageSpan {
  const conditionBegan = outage.began && Date.parse(outage.began.at) < Date.parse(outage.since) ? outage.began : undefined;
  const began = conditionBegan?.at ?? outage.since;
  return {
    began,
    ...(conditionBegan ? { beganWhat: conditionBegan.what } : {}),
    firstSeen: outage.since,
    ended,
    lastedMs: Math.max(0, Date.parse(ended) - Date.parse(began)),
    ...(unwatched ? { unwatched } : {}),
  };
}

/** Seconds for a span shorter than a minute (never "1 min" for 3 s), whole minutes up to an hour, then hours too. */
function spoken(ms: number): string {
  return ms < 60_000 ? `${Math.max(1, Math.round(ms / 1_000))} s` : ms < 3_600_000 ? `${Math.round(ms / 60_000)} min` : formatDuration(ms);
}

/** "03:12 UTC", with its date when `other` falls on another day, so a span over midnight is never read as one day. */
function clockTime(at: string, other: string): string {
  return `${at.slice(0, 10) === other.slice(0, 10) ? at.slice(11, 16) : at.slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * "Disk space: back to healthy at 03:12 UTC, after 47 min (since 02:25 UTC)"; where the check told that the condition
 * began before the watcher saw it (a daemon's last heartbeat), counted from then, and saying what that moment was and
 * when the watcher first saw it: never the watcher's own span passed off as the outage's.
 */
export function recoveryText(title: string, span: OutageSpan): string {
  const since = `since ${clockTime(span.began, span.ended)}${span.beganWhat ? `, ${span.beganWhat}; the watcher first saw it at ${clockTime(span.firstSeen, span.ended)}` : ''}`;
  // Ended while nobody watched: when is not known, and a length counted to the restart would be passed off as the outage's.
  if (span.unwatched) {
    return `${title}: found healthy at ${clockTime(span.ended, span.began)}, when the bot started again; the bot was not running from ${clockTime(span.unwatched.from, span.ended)} to ${clockTime(span.unwatched.to, span.unwatched.from)} (${since})`;
  }
  return `${title}: back to healthy at ${clockTime(span.ended, span.began)}, after ${spoken(span.lastedMs)} (${since})`;
}

/**
 * "Dagster schedules: no longer alerted on at 13:00 UTC, after 31 d (since …): all_pipelines_daily is treated as switched
 * off on purpose (…) — it is still STOPPED; …": an outage that ends because what was wrong is now left off on purpose,
 * not mended: said as that, never as back to healthy.
 */
export function leftOffText(title: string, span: OutageSpan, leftOff: readonly string[]): string {
  return `${title}: no longer alerted on at ${clockTime(span.ended, span.began)}, after ${spoken(span.lastedMs)} (since ${clockTime(span.began, span.ended)}): ${leftOff.join('; ')}`;
}
