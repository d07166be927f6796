// The stretches the bot was not running, as its restarts journaled them (bot.started's previous run): an outage counted
// over days says how much of it nobody watched, since "still wrong after 2 d 16 h" is not what the bot saw.
import { formatDuration } from '../format-duration.js';
import { botStartedType, botStoppedType } from '../journal/bot-started.js';
import type { JournalRecord } from '../journal/record.js';

/** The process a bot.started or bot.stopped line names. */
function processOf(record: JournalRecord): string {
  const data = record.data as { pid?: unknown; host?: unknown };
  return `${String(data.pid)}@${String(data.host)}`;
}

export class BotNotRunning {
  private readonly stretches: { from: number; to: number }[] = [];
  private lastStart: JournalRecord | undefined;

  /**
   * Notes a restart's stretch, from the previous process's stop or last sign of life to this start, and a failed
   * start's, from its start to its stop (recordFailedStart): the bot did not run in between either.
   */
  note(record: JournalRecord): void {
    if (record.type === botStoppedType) {
      const start = this.lastStart;
      if (start && typeof (record.data as { failedToStart?: unknown }).failedToStart === 'string' && processOf(start) === processOf(record)) this.add(start.at, record.at);
      return;
    }
    if (record.type !== botStartedType) return;
    this.lastStart = record;
    this.add(String((record.data as { previous?: { lastSeen?: unknown } }).previous?.lastSeen ?? ''), record.at);
  }

  private add(fromIso: string, toIso: string): void {
    const [from, to] = [Date.parse(fromIso), Date.parse(toIso)];
    if (Number.isFinite(from) && Number.isFinite(to) && to > from) this.stretches.push({ from, to });
  }

  /** How long the bot was not running between `fromIso` and `toMs`. */
  within(fromIso: string, toMs: number): number {
    const from = Date.parse(fromIso);
    return this.stretches.reduce((sum, s) => sum + Math.max(0, Math.min(s.to, toMs) - Math.max(s.from, from)), 0);
  }

  /** "; the bot was not running for 1 d 3 h of it", or nothing when it ran all along. */
  of(fromIso: string, toMs: number): string {
    const ms = this.within(fromIso, toMs);
    return ms >= 60_000 ? `; the bot was not running for ${formatDuration(ms)} of it` : '';
  }
}
