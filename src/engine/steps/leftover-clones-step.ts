// The leftover-clones step kind: which of the databases the bot made for an incident still exist on MotherDuck, and
// (drop: true, in an approved cleanup only) dropping them; UNDROP DATABASE brings one back within the retention.
import { z } from 'zod';
import { databaseIdentifier, databaseNameLiteral, foldedNameSql } from '../../database/sql-literal.js';
import { stepCommon, template } from '../../runbook/step-common.js';
import type { StepResult } from '../types.js';
import { elapsedSince } from './context.js';
import { defineStepKind, type ResolvedCommon } from './define-step-kind.js';
import { withStepDatabase } from './step-database.js';

const schema = z.strictObject({
  ...stepCommon,
  kind: z.literal('leftover-clones'),
  databases: z.array(template).min(1),
  drop: z.boolean().default(false),
});

export type LeftoverClonesStep = z.output<typeof schema> & ResolvedCommon;

/** "2 leftover clones", "1 leftover clone": how many, as a follow-up's button says it. */
const clonesPhrase = (count: number) => `${count} leftover clone${count === 1 ? '' : 's'}`;

/** Names compared folded: a clone listed as made (databox_restored_…) is found when the runbook names it Databox_restored_…. */
const listSql = (names: readonly string[]) =>
  `SELECT name FROM md_information_schema.databases WHERE ${foldedNameSql('name')} IN (${names.map(databaseNameLiteral).join(', ')}) ORDER BY name`;

export const leftoverClonesStepKind = defineStepKind({
  kind: 'leftover-clones',
  describesSql: true,
  schema,
  statuses: (step) => (step.drop ? ['ok', 'unreachable'] : ['ok', 'leftovers', 'unreachable']),
  outputs: ['databases', 'dropped', 'count', 'clones', 'problem'],
  defaultTimeoutMs: 5 * 60_000,
  rules: (step) => (step.drop && !(step.mutates && step.destructive) ? [{ at: ['drop'], message: 'dropping databases is destructive: set mutates: true and destructive: true' }] : []),
  templates: (step) => step.databases.map((name, i) => ({ at: ['databases', i], template: name, as: 'text' as const })),
  resolve: (step, tools) => ({ ...step, databases: step.databases.map((name) => tools.text(name)) }),
  describe: (step) =>
    listSql(step.databases) +
    (step.drop
      ? `\n${step.databases.map((d) => `DROP DATABASE ${databaseIdentifier(d)} -- each one that exists`).join('\n')}\n-- nothing keeps them but MotherDuck's retention: UNDROP DATABASE brings one back within it`
      : ''),
  // It drops clones beside the stack's database: a named snapshot of that database would keep none of them.
  changesOtherDatabases: true,
  run: (step, ctx) =>
    withStepDatabase(ctx, { target: 'motherduck', writable: step.drop, timeoutMs: step.timeoutMs }, async (session, _fail, started): Promise<StepResult> => {
      const existing = (await session.run(listSql(step.databases))).rows.map((r) => String(r[0]));
      if (!step.drop) {
        return {
          status: existing.length > 0 ? 'leftovers' : 'ok',
          summary: existing.length > 0 ? `left on MotherDuck: ${existing.join(', ')} (an approved cleanup drops them)` : 'no clone of this incident is left',
          durationMs: elapsedSince(started),
          outputs: { databases: existing, dropped: [], count: existing.length, clones: clonesPhrase(existing.length) },
        };
      }
      const dropped: string[] = [];
      for (const name of existing) {
        await session.run(`DROP DATABASE ${databaseIdentifier(name)}`);
        dropped.push(name);
      }
      return {
        status: 'ok',
        summary: dropped.length > 0 ? `dropped ${dropped.join(', ')} (UNDROP DATABASE brings one back within the retention)` : 'nothing to drop: no clone of this incident is left',
        durationMs: elapsedSince(started),
        outputs: { databases: existing, dropped, count: existing.length, clones: clonesPhrase(existing.length) },
      };
    }),
});
