// Runs the watchers every interval, posts one alert per outage (plus reminders and one recovery), and keeps outages in the journal.
import { formatDuration } from '../format-duration.js';
import type { Journal } from '../journal/journal.js';
import type { JournalRecord } from '../journal/record.js';
import type { Logger } from '../logger.js';
import { decideAlert, type AlertRef, type OutageState } from './alert-state.js';
import type { Finding, Watcher, WatcherId } from './finding.js';

/** Where alerts go: Slack in the bot. Each call resolves once posted, or throws (the next check tries again). */
export interface AlertSink {
  alert(finding: Finding, since: string): Promise<AlertRef | undefined>;
  reminder(finding: Finding, outage: OutageState, now: Date): Promise<void>;
  recovered(watcher: Watcher, outage: OutageState, durationMs: number, finding: Finding): Promise<void>;
}

export interface LastCheck {
  at: string;
  finding?: Finding;
  /** The check itself failed (a bug, a permission): logged, shown in the status. */
  error?: string;
}

export interface WatchServiceOptions {
  watchers: Watcher[];
  journal: Journal;
  sink: AlertSink;
  logger: Logger;
  intervalMs: number;
  reminderMs: number;
  clock?: () => Date;
}

/** Journal event types (additive): the outage state survives a restart through these. */
export const watchEvents = { alerted: 'watch.alerted', reminded: 'watch.reminded', recovered: 'watch.recovered' } as const;

export class WatchService {
  private readonly outages = new Map<WatcherId, OutageState>();
  private readonly lastChecks = new Map<WatcherId, LastCheck>();
  private readonly clock: () => Date;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(private readonly options: WatchServiceOptions) {
    this.clock = options.clock ?? (() => new Date());
    options.journal.onRecord((record) => this.apply(record));
  }

  get watchers(): readonly Watcher[] {
    return this.options.watchers;
  }

  /** Rebuilds outages from the journal (call after journal.load(), or give it the records). */
  apply(record: JournalRecord): void {
    const data = record.data as { watcher?: WatcherId; since?: string; summary?: string; ref?: AlertRef };
    if (!data.watcher) return;
    if (record.type === watchEvents.alerted) {
      this.outages.set(data.watcher, { since: data.since ?? record.at, summary: data.summary ?? '', lastPostedAt: record.at, ref: data.ref });
    } else if (record.type === watchEvents.reminded) {
      const outage = this.outages.get(data.watcher);
      if (outage) this.outages.set(data.watcher, { ...outage, lastPostedAt: record.at });
    } else if (record.type === watchEvents.recovered) {
      this.outages.delete(data.watcher);
    }
  }

  outage(id: WatcherId): OutageState | undefined {
    return this.outages.get(id);
  }

  lastCheck(id: WatcherId): LastCheck | undefined {
    return this.lastChecks.get(id);
  }

  /** Runs every watcher that is on once, posting and journaling what changed; returns their findings. */
  async checkOnce(): Promise<Finding[]> {
    const findings: Finding[] = [];
    for (const watcher of this.options.watchers) {
      if (watcher.off) continue;
      const now = this.clock();
      let finding: Finding;
      try {
        finding = await watcher.check(now);
      } catch (error) {
        this.options.logger.error({ err: error, watcher: watcher.id }, 'a watcher check failed');
        this.lastChecks.set(watcher.id, { at: now.toISOString(), error: (error as Error).message });
        continue;
      }
      this.lastChecks.set(watcher.id, { at: now.toISOString(), finding });
      findings.push(finding);
      try {
        await this.act(watcher, finding, now);
      } catch (error) {
        // Not journaled, so the next check posts it again: an alert is never lost to a Slack hiccup.
        this.options.logger.warn({ err: error, watcher: watcher.id }, 'could not post a watcher alert; trying again at the next check');
      }
    }
    return findings;
  }

  private async act(watcher: Watcher, finding: Finding, now: Date): Promise<void> {
    const action = decideAlert(this.outages.get(watcher.id), finding.state, now, this.options.reminderMs);
    const { journal, sink } = this.options;
    switch (action.kind) {
      case 'alert': {
        const since = now.toISOString();
        const ref = await sink.alert(finding, since);
        journal.append({ type: watchEvents.alerted, data: { watcher: watcher.id, since, summary: finding.summary, details: finding.details, scenario: finding.scenario, ...(ref ? { ref } : {}) } });
        return;
      }
      case 'reminder':
        await sink.reminder(finding, action.outage, now);
        journal.append({ type: watchEvents.reminded, data: { watcher: watcher.id, since: action.outage.since, summary: finding.summary } });
        return;
      case 'recovered':
        await sink.recovered(watcher, action.outage, action.durationMs, finding);
        journal.append({ type: watchEvents.recovered, data: { watcher: watcher.id, since: action.outage.since, durationMs: action.durationMs, summary: finding.summary } });
        return;
      case 'none':
        return;
    }
  }

  /** Checks now, then every interval after the previous check ended (checks never overlap). */
  start(): void {
    this.stopped = false;
    const tick = () => {
      this.running = this.checkOnce()
        .then(() => undefined)
        .catch((error: unknown) => this.options.logger.error({ err: error }, 'the watchers failed'))
        .finally(() => {
          if (!this.stopped) {
            this.timer = setTimeout(tick, this.options.intervalMs);
            this.timer.unref();
          }
        });
    };
    tick();
  }

  /** Resolves when the check in progress (if any) has posted and journaled what it found. */
  async idle(): Promise<void> {
    await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One line per watcher for /databox status: on or off, its state, since when, its last check. */
  statusLines(): string[] {
    const now = this.clock();
    return this.options.watchers.map((w) => {
      if (w.off) return `• ${w.title}: ${w.off}`;
      const outage = this.outages.get(w.id);
      const last = this.lastChecks.get(w.id);
      const state = outage
        ? `ALERTING since ${outage.since.slice(0, 16).replace('T', ' ')} UTC (${formatDuration(now.getTime() - Date.parse(outage.since))}): ${outage.summary}`
        : last?.finding?.state === 'unknown'
          ? `cannot tell: ${last.finding.summary}`
          : last?.error
            ? `check failed: ${last.error}`
            : last?.finding
              ? `healthy: ${last.finding.summary}`
              : 'not checked yet';
      const checked = last ? `last check ${last.at.slice(11, 19)} UTC` : 'no check since start';
      return `• ${w.title}: ${state} (${checked}, every ${formatDuration(this.options.intervalMs)})`;
    });
  }
}

/** "back to healthy after 42 min" */
export function recoveryText(title: string, durationMs: number): string {
  const minutes = Math.round(durationMs / 60_000);
  const spoken = durationMs >= 3_600_000 ? formatDuration(durationMs) : `${Math.max(1, minutes)} min`;
  return `${title}: back to healthy after ${spoken}`;
}
