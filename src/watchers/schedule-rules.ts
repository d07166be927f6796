// What scenario 4's diagnosis counts as the stack's paused schedules, read from schedule.yml's dagster-health step for the schedules watcher.
import fs from 'node:fs';
import path from 'node:path';
import { parseDuration } from '../config.js';
import { parseRunbook } from '../runbook/load.js';

export interface ScheduleRules {
  /** The stack's Dagster jobs (the step's `jobs`): without DAGSTER_LOCATION, only the schedules of the repositories holding one count. */
  jobs: string[];
  /** A STOPPED schedule with no tick for longer than this was switched off on purpose (the step's `switchedOffAfter`). */
  switchedOffAfterMs: number;
}

/** The step's own default, so a runbooks folder without the step judges as a diagnosis would. */
const switchedOffAfterDefault = '31d';

/**
 * The rules of the first dagster-health step of `<runbooks dir>/schedule.yml`'s diagnosis, read through the runbook
 * loader (so its checks and its defaults, `jobs` from what the recovery backfills among them, are the diagnosis' own):
 * the watcher alerts on the schedules the diagnosis would call paused and no others. The step's defaults where there is
 * no such file or step.
 */
export function loadScheduleRules(runbooksDir: string): ScheduleRules {
  const file = path.join(runbooksDir, 'schedule.yml');
  const runbook = fs.existsSync(file) ? parseRunbook(fs.readFileSync(file, 'utf8'), file) : undefined;
  const step = runbook?.diagnosis.steps.find((s) => s.kind === 'dagster-health');
  const health = step?.kind === 'dagster-health' ? step : undefined;
  return {
    jobs: health?.jobs ?? [],
    switchedOffAfterMs: parseDuration(health?.switchedOffAfter ?? switchedOffAfterDefault) as number,
  };
}
