// The named-snapshot step kind: CREATE SNAPSHOT '<name>' OF <db> on MotherDuck. The engine puts one before every
// destructive step of a plan that changes MotherDuck; its name is journaled and is the output a rollback restores.
import { z } from 'zod';
import { databaseIdentifier, snapshotNameLiteral } from '../../database/sql-literal.js';
import { stepCommon, template } from '../../runbook/step-common.js';
import type { StepResult } from '../types.js';
import { elapsedSince } from './context.js';
import { defineStepKind, type ResolvedCommon } from './define-step-kind.js';
import { withStepDatabase } from './step-database.js';
import { snapshotHistorySql, writesSince } from './snapshot-history-step.js';
import { foldDatabaseName } from '../../database/sql-literal.js';

const schema = z.strictObject({
  ...stepCommon,
  kind: z.literal('named-snapshot'),
  /** The MotherDuck database to snapshot. */
  database: template,
  /** The snapshot's name: unique, 1–255 characters; the engine makes one from the incident, the step and the time. */
  name: template,
});

export type NamedSnapshotStep = z.output<typeof schema> &
  ResolvedCommon & {
    /**
     * The newest write (created_ts) the plan's guard counted when the plan was made (snapshot-held-to-plan.ts): a write
     * after it, one that committed while CREATE SNAPSHOT waited for running writes, stops the plan right after the snapshot.
     */
    heldTo?: string;
  };

export function createSnapshotSql(step: Pick<NamedSnapshotStep, 'name' | 'database'>): string {
  return `CREATE SNAPSHOT ${snapshotNameLiteral(step.name)} OF ${databaseIdentifier(step.database)}`;
}

export const namedSnapshotStepKind = defineStepKind({
  kind: 'named-snapshot',
  describesSql: true,
  schema,
  // changed: written to after the plan was made (heldTo), the snapshot holding that write; nothing after it runs.
  statuses: ['ok', 'unreachable', 'changed'],
  // Could not see: MotherDuck not reached.
  unseeingStatuses: ['unreachable'],
  // No partWay: one CREATE SNAPSHOT changes no data; one that failed or timed out yet was taken is found by its name's
  // prefix by the cleanup (bot-snapshots), and a rollback restoring it must not be offered for a plan stopped before any change.
  outputs: { snapshot: { shape: 'text', unsetWhen: ['unreachable'] }, database: { shape: 'text', unsetWhen: ['unreachable'] } },
  defaultTimeoutMs: 10 * 60_000,
  rules: (step) => (step.mutates ? [] : [{ at: ['mutates'], message: 'taking a snapshot writes to MotherDuck: set mutates: true' }]),
  templates: (step) => [
    { at: ['database'], template: step.database, as: 'text' },
    { at: ['name'], template: step.name, as: 'text' },
  ],
  resolve: (step, tools): NamedSnapshotStep => ({ ...step, database: tools.text(step.database), name: tools.text(step.name) }) as NamedSnapshotStep,
  // Not "a rollback restores it": a cleanup or a rollback has none, and the step after may change another database.
  describe: (step) =>
    `${createSnapshotSql(step)}\n-- taken by the bot before the next step: ${step.database} as it is then, kept under this name until the name is removed (ALTER DATABASE … SET SNAPSHOT TO (SNAPSHOT_NAME …) brings it back)` +
    (step.heldTo
      ? `\n${snapshotHistorySql({ limit: 1 }).writesAfter}\n-- bound: $1 = '${foldDatabaseName(step.database)}', $2 = '${step.heldTo}' (the newest write when this plan was made): a write since, one CREATE SNAPSHOT waited for among them, stops the plan here, before anything else changes`
      : ''),
  run: (step, ctx) =>
    withStepDatabase(ctx, { target: 'motherduck', writable: true, timeoutMs: step.timeoutMs }, async (session, _fail, started): Promise<StepResult> => {
      await session.run(createSnapshotSql(step));
      const later = step.heldTo ? await writesSince(session, step.database, step.heldTo) : 0;
      if (later > 0) {
        return {
          status: 'changed',
          summary: writtenDuringSnapshotSaid(step, later),
          durationMs: elapsedSince(started),
          outputs: { snapshot: step.name, database: step.database },
        };
      }
      return {
        status: 'ok',
        summary: `named snapshot '${step.name}' of ${step.database} taken: ${step.database} as it was before the next step, kept until the name is removed`,
        durationMs: elapsedSince(started),
        outputs: { snapshot: step.name, database: step.database },
      };
    }),
});

/** A plan stopped right after its snapshot: what was written since the plan was made, where it is, and what to do. */
function writtenDuringSnapshotSaid(step: NamedSnapshotStep, later: number): string {
  const s = later === 1 ? '' : 's';
  const them = later === 1 ? 'it' : 'them';
  return (
    `${step.database} changed after this plan was made: ${later} write${s} (automatic snapshot${s}) since ${step.heldTo} UTC, the newest it counted, ` +
    `committed before the named snapshot '${step.name}' was taken (CREATE SNAPSHOT waits for running writes), which holds ${them}. ` +
    `Nothing after the snapshot ran: ${step.database} is as it was, ${them} in it, and the approval did not see ${them}. ` +
    `Propose the plan again, and it counts ${them} (stop what writes to ${step.database} first, or it changes again)`
  );
}
