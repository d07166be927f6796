// The named-snapshot step kind: CREATE SNAPSHOT '<name>' OF <db> on MotherDuck. The engine puts one before every
// destructive step of a plan that changes MotherDuck; its name is journaled and is the output a rollback restores.
import { z } from 'zod';
import { databaseIdentifier, snapshotNameLiteral } from '../../database/sql-literal.js';
import { stepCommon, template } from '../../runbook/step-common.js';
import type { StepResult } from '../types.js';
import { elapsedSince } from './context.js';
import { defineStepKind, type ResolvedCommon } from './define-step-kind.js';
import { withStepDatabase } from './step-database.js';

const schema = z.strictObject({
  ...stepCommon,
  kind: z.literal('named-snapshot'),
  /** The MotherDuck database to snapshot. */
  database: template,
  /** The snapshot's name: unique, 1–255 characters; the engine makes one from the incident, the step and the time. */
  name: template,
});

export type NamedSnapshotStep = z.output<typeof schema> & ResolvedCommon;

export function createSnapshotSql(step: Pick<NamedSnapshotStep, 'name' | 'database'>): string {
  return `CREATE SNAPSHOT ${snapshotNameLiteral(step.name)} OF ${databaseIdentifier(step.database)}`;
}

export const namedSnapshotStepKind = defineStepKind({
  kind: 'named-snapshot',
  describesSql: true,
  schema,
  statuses: ['ok', 'unreachable'],
  outputs: { snapshot: { shape: 'text', unsetWhen: ['unreachable'] }, database: { shape: 'text', unsetWhen: ['unreachable'] } },
  defaultTimeoutMs: 10 * 60_000,
  rules: (step) => (step.mutates ? [] : [{ at: ['mutates'], message: 'taking a snapshot writes to MotherDuck: set mutates: true' }]),
  templates: (step) => [
    { at: ['database'], template: step.database, as: 'text' },
    { at: ['name'], template: step.name, as: 'text' },
  ],
  resolve: (step, tools) => ({ ...step, database: tools.text(step.database), name: tools.text(step.name) }),
  // Not "a rollback restores it": a cleanup or a rollback has none, and the step after may change another database.
  describe: (step) => `${createSnapshotSql(step)}\n-- taken by the bot before the next step: ${step.database} as it is then, kept under this name until the name is removed (ALTER DATABASE … SET SNAPSHOT TO (SNAPSHOT_NAME …) brings it back)`,
  run: (step, ctx) =>
    withStepDatabase(ctx, { target: 'motherduck', writable: true, timeoutMs: step.timeoutMs }, async (session, _fail, started): Promise<StepResult> => {
      await session.run(createSnapshotSql(step));
      return {
        status: 'ok',
        summary: `named snapshot '${step.name}' of ${step.database} taken: ${step.database} as it was before the next step, kept until the name is removed`,
        durationMs: elapsedSince(started),
        outputs: { snapshot: step.name, database: step.database },
      };
    }),
});
