// Stale-marts watcher: each mart's newest date against its SLA from runbooks/schedule.yml, in the configured database.
import type { DatabaseTarget } from '../database/target.js';
import { checkMartFreshness, describeFreshness, describeUnreadable, freshnessAt, type MartFreshness } from '../marts/freshness.js';
import type { MartSla } from '../marts/slas.js';
import type { Finding, Watcher } from './finding.js';

export interface MartsWatcherOptions {
  /** The database DATABOX_BACKEND names: the local DuckDB file or MotherDuck. */
  target: DatabaseTarget;
  slas: MartSla[];
  /** Why `slas` is empty, when it is (whyNoMartSlas in marts/slas.ts): the reason the watcher is off. */
  noSlas?: string;
  enabled: boolean;
  /** A plan changing the database right now (its id and title): then the file is left alone and nothing is judged. */
  busy?: () => string | undefined;
  /**
   * For a local DuckDB file, what it looks like from outside (fileLook): unchanged since its marts were read, they are
   * judged again from those readings instead of opening it, which could refuse a run of the stack opening it to write.
   */
  look?: () => string | undefined;
}

export function martsWatcher(options: MartsWatcherOptions): Watcher {
  let lastRead: { look: string; readings: MartFreshness[] } | undefined;
  /** The marts' readings: those of the last open while the file is unchanged since, else read now (and kept if whole). */
  const readings = async (now: Date): Promise<{ results: MartFreshness[]; again: boolean }> => {
    const before = options.look?.();
    if (before !== undefined && before === lastRead?.look) return { results: freshnessAt(lastRead.readings, now), again: true };
    const results = await checkMartFreshness(options.target, options.slas, now);
    lastRead = before !== undefined && results.every((r) => r.status !== 'unreadable') ? { look: before, readings: results } : undefined;
    return { results, again: false };
  };
  return {
    id: 'marts',
    title: 'Mart freshness',
    off: !options.enabled ? 'turned off (DATABOX_WATCH_MARTS=false)' : options.slas.length === 0 ? `off: no SLAs (${options.noSlas ?? 'none given'})` : undefined,
    async check(now: Date): Promise<Finding> {
      const busy = options.busy?.();
      if (busy) return { watcher: 'marts', scenario: 'schedule', details: [], state: 'unknown', summary: `not checked while ${busy} is changing the database` };
      const { results, again } = await readings(now);
      // One cause behind every mart (a database that does not open) is said once, by the summary.
      const oneCause = results.length > 0 && results.every((r) => r.status === 'unreadable' && r.problem === results[0]?.problem);
      const details = oneCause ? [] : results.map(describeFreshness);
      const base = { watcher: 'marts' as const, scenario: 'schedule' as const, details };
      const late = results.filter((r) => r.status === 'stale' || r.status === 'empty');
      const unreadable = results.filter((r) => r.status === 'unreadable');
      // The marts that could not be read are named beside the late ones, not left to the details only.
      const alsoUnreadable = unreadable.length > 0 ? `; could not read ${unreadable.map((r) => r.table).join(', ')} (see the details)` : '';
      if (late.length > 0) return { ...base, state: 'problem', summary: `Marts past their SLA: ${late.map(describeFreshness).join('; ')}${alsoUnreadable}` };
      // A locked or missing file says nothing about freshness: the database watcher (scenario 1) covers those.
      if (unreadable.length > 0) return { ...base, state: 'unknown', summary: `Could not read ${describeUnreadable(unreadable)}` };
      return { ...base, state: 'healthy', summary: `${results.length} marts within their SLA${again ? ' (the file unchanged since it was last read)' : ''}` };
    },
  };
}

