// What scenario 4's diagnosis counts as the stack's paused schedules, read from schedule.yml's dagster-health step for the schedules watcher.
import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { parseDuration } from '../config.js';

export interface ScheduleRules {
  /** The stack's Dagster jobs (the step's `jobs`): without DAGSTER_LOCATION, only the schedules of the repositories holding one count. */
  jobs: string[];
  /** A STOPPED schedule with no tick for longer than this was switched off on purpose (the step's `switchedOffAfter`). */
  switchedOffAfterMs: number;
  /** The stack runs on sensors (the step's `runsOnSensors`): Dagster listing none of its schedules is then no problem. */
  runsOnSensors: boolean;
}

/** What the watcher reads of schedule.yml: the file may hold no more than the marts' SLAs the marts watcher reads too. */
interface RulesRead {
  diagnosis?: { steps?: { kind?: string; jobs?: unknown; switchedOffAfter?: unknown; runsOnSensors?: unknown }[] };
  recovery?: { steps?: { kind?: string; job?: unknown }[] }[];
}

/** A step without `jobs` takes the jobs the recovery backfills, as the loaded runbook gives the diagnosis (stack-jobs.ts). */
function backfilledJobsRead(read: RulesRead | null | undefined): unknown[] {
  const steps = (read?.recovery ?? []).flatMap((path) => path?.steps ?? []);
  return [...new Set(steps.flatMap((step) => (step?.kind === 'dagster-backfill' ? [step.job] : [])))];
}

/** The step's own default, so a runbooks folder without the step judges as a diagnosis would. */
const switchedOffAfterDefault = '31d';

/**
 * The rules of the first dagster-health step of `<runbooks dir>/schedule.yml`'s diagnosis, so the watcher alerts on the
 * schedules the diagnosis would call paused and no others; the step's defaults where there is no such file or step.
 */
export function loadScheduleRules(runbooksDir: string): ScheduleRules {
  const file = path.join(runbooksDir, 'schedule.yml');
  const doc = fs.existsSync(file) ? parseDocument(fs.readFileSync(file, 'utf8')) : undefined;
  if (doc && doc.errors.length > 0) throw new Error(`${file}: not valid YAML: ${doc.errors[0]?.message}`);
  const read = doc?.toJS() as RulesRead | null | undefined;
  const steps = read?.diagnosis?.steps ?? [];
  const index = steps.findIndex((s) => s?.kind === 'dagster-health');
  const step = steps[index];
  const jobs = step?.jobs ?? (step ? backfilledJobsRead(read) : []);
  if (!Array.isArray(jobs) || !jobs.every((job) => typeof job === 'string')) throw new Error(`${file}: at diagnosis.steps[${index}].jobs: expected a list of Dagster job names`);
  const written = step?.switchedOffAfter ?? switchedOffAfterDefault;
  const switchedOffAfterMs = typeof written === 'string' ? parseDuration(written) : undefined;
  if (switchedOffAfterMs === undefined) throw new Error(`${file}: at diagnosis.steps[${index}].switchedOffAfter: expected a duration such as 31d`);
  const runsOnSensors = step?.runsOnSensors ?? false;
  if (typeof runsOnSensors !== 'boolean') throw new Error(`${file}: at diagnosis.steps[${index}].runsOnSensors: expected true or false`);
  return { jobs, switchedOffAfterMs, runsOnSensors };
}
