// Every step kind a runbook can use, one line each; the runbook schema, resolution, plans and runs all read this list.
//
// To add a kind: write src/engine/steps/<kind>-step.ts exporting `defineStepKind({ kind, schema, statuses, outputs,
// defaultTimeoutMs, templates, resolve, describe, run, … })` (see define-step-kind.ts; copy disk-usage-step.ts for a
// small one), and add it to the list below. Its schema is a z.strictObject({ ...stepCommon, kind: z.literal('<kind>'), … }).
// `statuses` and `outputs` must list everything its run can return, each output with its shape and the statuses that
// leave it unset: runbooks are checked against them when they load.
import { botSnapshotsStepKind } from './bot-snapshots-step.js';
import { commandStepKind } from './command-step.js';
import { copyFileStepKind } from './copy-file-step.js';
import { dagsterAssetChecksStepKind } from './dagster-asset-checks-step.js';
import { dagsterBackfillStepKind } from './dagster-backfill-step.js';
import { dagsterDaemonStartStepKind } from './dagster-daemon-start-step.js';
import { dagsterHealthStepKind } from './dagster-health-step.js';
import { dagsterRunningStepKind } from './dagster-running-step.js';
import { dagsterScheduleStartStepKind } from './dagster-schedule-start-step.js';
import { dagsterScheduleStopStepKind } from './dagster-schedule-stop-step.js';
import { databaseOpenStepKind } from './database-open-step.js';
import { dayCountsStepKind } from './day-counts-step.js';
import type { StepKindDefinition } from './define-step-kind.js';
import { diskUsageStepKind } from './disk-usage-step.js';
import { duckdbOpenStepKind } from './duckdb-open-step.js';
import { duckdbScanStepKind } from './duckdb-scan-step.js';
import { exportRowsStepKind } from './export-rows-step.js';
import { martFreshnessStepKind } from './mart-freshness-step.js';
import { leftoverClonesStepKind } from './leftover-clones-step.js';
import { moveStepKind } from './move-step.js';
import { namedSnapshotStepKind } from './named-snapshot-step.js';
import { restoreRowsStepKind } from './restore-rows-step.js';
import { rowsOutsideWindowStepKind } from './rows-outside-window-step.js';
import { snapshotHistoryStepKind } from './snapshot-history-step.js';
import { sqlStepKind } from './sql-step.js';
import { tableCountsStepKind } from './table-counts-step.js';

export const stepKinds = [
  commandStepKind,
  sqlStepKind,
  duckdbOpenStepKind,
  duckdbScanStepKind,
  diskUsageStepKind,
  moveStepKind,
  copyFileStepKind,
  exportRowsStepKind,
  restoreRowsStepKind,
  dayCountsStepKind,
  rowsOutsideWindowStepKind,
  dagsterHealthStepKind,
  dagsterRunningStepKind,
  martFreshnessStepKind,
  dagsterDaemonStartStepKind,
  dagsterBackfillStepKind,
  dagsterScheduleStartStepKind,
  dagsterScheduleStopStepKind,
  dagsterAssetChecksStepKind,
  namedSnapshotStepKind,
  snapshotHistoryStepKind,
  tableCountsStepKind,
  leftoverClonesStepKind,
  botSnapshotsStepKind,
  databaseOpenStepKind,
] as const;

/** Any kind's definition, as the engine handles them without knowing which. */
export type AnyStepKind = StepKindDefinition<string, any, any>;

const byKind = new Map<string, AnyStepKind>(stepKinds.map((definition) => [definition.kind, definition as AnyStepKind]));

/** The definition of a step's kind; the schema has already refused unknown kinds. */
export function stepKind(kind: string): AnyStepKind {
  const definition = byKind.get(kind);
  if (!definition) throw new Error(`no step kind "${kind}"`);
  return definition;
}
