// Disk watcher: the volumes holding the database and the state dir, against DATABOX_DISK_ALERT_PERCENT.
import { freeOfTotal, volumeUsage } from '../disk/volume-usage.js';
import type { Finding, Watcher } from './finding.js';

export interface DiskWatcherOptions {
  paths: string[];
  alertPercent: number;
  enabled: boolean;
}

export function diskWatcher(options: DiskWatcherOptions): Watcher {
  return {
    id: 'disk',
    title: 'Disk space',
    off: options.enabled ? undefined : 'turned off (DATABOX_WATCH_DISK=false)',
    async check(): Promise<Finding> {
      const seen = new Map<string, Awaited<ReturnType<typeof volumeUsage>>>();
      for (const target of options.paths) {
        const usage = await volumeUsage(target);
        // Two paths on one volume are reported once.
        if (![...seen.values()].some((u) => u.device === usage.device)) seen.set(target, usage);
      }
      const lines = [...seen.entries()].map(([target, u]) => `${target}: ${u.usedPercent}% used, ${freeOfTotal(u)}`);
      const full = [...seen.entries()].filter(([, u]) => u.usedPercent >= options.alertPercent);
      const base = { watcher: 'disk' as const, scenario: 'duckdb' as const, details: lines };
      if (full.length === 0) return { ...base, state: 'healthy', summary: `under ${options.alertPercent}% used: ${lines.join('; ')}` };
      return {
        ...base,
        state: 'problem',
        summary: `Disk at or over ${options.alertPercent}%: ${full.map(([target, u]) => `the volume holding ${target} ${u.usedPercent}% used (${u.freeText} free)`).join('; ')}`,
      };
    },
  };
}
