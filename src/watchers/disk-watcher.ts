// Disk watcher: the volumes holding the database and the state dir, against DATABOX_DISK_ALERT_PERCENT and DATABOX_DISK_FULL_PERCENT.
import { freeOfTotal, volumeUsage, type VolumeUsage } from '../disk/volume-usage.js';
import type { Finding, Watcher } from './finding.js';

export interface DiskWatcherOptions {
  paths: string[];
  alertPercent: number;
  /** Where the disk check (scenario 1's) calls the volume full: crossing it during an outage is said, as is 100%. */
  fullPercent: number;
  enabled: boolean;
}

/** How full one volume is, worst last: each step up during an outage is news (DuckDB fails writing at 100%). */
const levels = ['nearly full', 'full', 'out of space'] as const;

function levelOf(usage: VolumeUsage, options: DiskWatcherOptions): number {
  if (usage.usedPercent >= 100) return 3;
  if (usage.usedPercent >= options.fullPercent) return 2;
  return usage.usedPercent >= options.alertPercent ? 1 : 0;
}

function levelWords(level: number, options: DiskWatcherOptions): string {
  if (level === 3) return 'nothing more can be written there';
  return level === 2 ? `at or over DATABOX_DISK_FULL_PERCENT (${options.fullPercent}%): full` : `at or over DATABOX_DISK_ALERT_PERCENT (${options.alertPercent}%)`;
}

/**
 * The path a volume's figures are said under: itself, or, where it is not there (the database file gone, its folder
 * removed, the volume unmounted), that it is not and which path's volume was measured instead, never an ancestor's
 * figures passed off as its own.
 */
function measuredAt(target: string, usage: VolumeUsage): string {
  return usage.checkedPath === target ? target : `${target} (not there: measured the volume holding ${usage.checkedPath} instead)`;
}

export function diskWatcher(options: DiskWatcherOptions): Watcher {
  return {
    id: 'disk',
    title: 'Disk space',
    off: options.enabled ? undefined : 'turned off (DATABOX_WATCH_DISK=false)',
    async check(): Promise<Finding> {
      const seen = new Map<string, VolumeUsage>();
      for (const target of options.paths) {
        const usage = await volumeUsage(target);
        // Two paths on one volume are reported once.
        if (![...seen.values()].some((u) => u.device === usage.device)) seen.set(target, usage);
      }
      const lines = [...seen.entries()].map(([target, u]) => `${measuredAt(target, u)}: ${u.usedPercent}% used, ${freeOfTotal(u)}`);
      const over = [...seen.entries()].map(([target, u]) => ({ target, u, level: levelOf(u, options) })).filter((v) => v.level > 0);
      const base = { watcher: 'disk' as const, scenario: 'duckdb' as const, details: lines };
      if (over.length === 0) return { ...base, state: 'healthy', summary: `under ${options.alertPercent}% used: ${lines.join('; ')}` };
      const worst = Math.max(...over.map((v) => v.level));
      const headline = worst === 3 ? 'Disk out of space' : worst === 2 ? `Disk full (at or over ${options.fullPercent}%)` : `Disk at or over ${options.alertPercent}%`;
      return {
        ...base,
        state: 'problem',
        summary: `${headline}: ${over.map((v) => `the volume holding ${measuredAt(v.target, v.u)} ${v.u.usedPercent}% used (${v.u.freeText} free)${worst > 1 ? `, ${levelWords(v.level, options)}` : ''}`).join('; ')}`,
        // Which volumes, and how full each: another filling, or one getting fuller, updates the alert.
        problem: over.map((v) => `${v.target} ${levels[v.level - 1]}`).join('; '),
        severity: over.reduce((sum, v) => sum + v.level, 0),
        ...(worst === 3 ? { critical: true } : {}),
      };
    },
  };
}
