// The leftover-clones step kind: which of the databases the bot made for an incident still exist on MotherDuck, which of
// them hold a state nobody counted elsewhere (rows written before a swap), and (drop: true, in an approved cleanup only)
// dropping them; UNDROP DATABASE brings one back within the retention.
import { z } from 'zod';
import { databaseIdentifier, databaseNameLiteral, foldedNameSql } from '../../database/sql-literal.js';
import type { TargetSession } from '../../database/target.js';
import { UserError } from '../../errors.js';
import { stepCommon, stepId, template } from '../../runbook/step-common.js';
import type { StepResult } from '../types.js';
import { elapsedSince } from './context.js';
import { defineStepKind, unsetAlike, type ResolvedCommon } from './define-step-kind.js';
import { diagnosedStates, diagnosisCountsProblems } from './rows-written-since.js';
import { isMissingTable } from './missing-table.js';
import { firstNumber, withStepDatabase } from './step-database.js';
import { beforeAnyChange, oneByOne, oneByOneChanged } from './one-by-one.js';

const schema = z.strictObject({
  ...stepCommon,
  kind: z.literal('leftover-clones'),
  databases: z.array(template).min(1),
  drop: z.boolean().default(false),
  /**
   * The database the clones were made from, and `tables` to count in each: a clone whose counts are neither the
   * database's now nor a state the diagnosis steps `seenBy` counted (the database then, or as of its moment) is named,
   * with them, in the result and in a dropping plan: a broken state kept before a swap holds rows written until then.
   */
  comparedWith: template.optional(),
  tables: z.array(template).default([]),
  seenBy: z.array(stepId).default([]),
});

export type LeftoverClonesStep = z.output<typeof schema> &
  ResolvedCommon & {
    /** The states the diagnosis counted (seenBy): a clone holding one of them holds nothing new. */
    seen?: { label: string; counts: Record<string, number> }[];
    /** In a dropping plan: each clone there when it was made that holds a state nobody counted, and how. */
    differsWhenPlanned?: Record<string, string>;
    /** In a dropping plan: the clones there when it was made. */
    existingWhenPlanned?: string[];
  };

/** "2 leftover clones", "1 leftover clone": how many, as a follow-up's button says it. */
const clonesPhrase = (count: number) => `${count} leftover clone${count === 1 ? '' : 's'}`;

/** Names compared folded: a clone listed as made (databox_restored_…) is found when the runbook names it Databox_restored_…. */
const listSql = (names: readonly string[]) =>
  `SELECT name FROM md_information_schema.databases WHERE ${foldedNameSql('name')} IN (${names.map(databaseNameLiteral).join(', ')}) ORDER BY name`;

/**
 * Each of `clones` whose tables count as neither `comparedWith` now nor any state the diagnosis counted, with how
 * ("t 80 there, 100 in databox, 30 when the diagnosis counted"): what it holds, nobody has counted elsewhere.
 */
async function differences(step: LeftoverClonesStep, session: TargetSession, clones: readonly string[]): Promise<Record<string, string>> {
  const database = step.comparedWith;
  if (!database || step.tables.length === 0) return {};
  const count = async (db: string) => {
    const counts: Record<string, number | string> = {};
    for (const table of step.tables) {
      // A table not there (the broken state a swap kept of a dropped mart) counts as 0 rows, as the diagnosis counted it.
      const unread = (error: Error) => (isMissingTable(error.message) ? 0 : `not countable (${error.message.split('\n')[0]})`);
      counts[table] = await session.run(`SELECT count(*) FROM ${databaseIdentifier(db)}.${table}`).then(firstNumber, unread);
    }
    return counts;
  };
  const states = [{ label: `in ${database}`, counts: await count(database) }, ...(step.seen ?? [])];
  const found: Record<string, string> = {};
  for (const clone of clones.filter((c) => c.toLowerCase() !== database.toLowerCase())) {
    const ours = await count(clone);
    if (states.some((state) => step.tables.every((t) => ours[t] === state.counts[t]))) continue;
    // The tables whose count is none of those states' say what is new; when each is one of them, only together are they not.
    const unseen = step.tables.filter((t) => states.every((state) => ours[t] !== state.counts[t]));
    found[clone] = (unseen.length > 0 ? unseen : step.tables).map((t) => [`${t} ${ours[t]} there`, ...states.map((state) => `${state.counts[t] ?? '?'} ${state.label}`)].join(', ')).join('; ');
  }
  return found;
}

/** How a clone flagged by `differences` differs: from the database and the diagnosis, or from the database alone when no diagnosis counted. */
const differsFrom = (step: LeftoverClonesStep) =>
  (step.seen ?? []).length > 0 ? `counts as neither ${step.comparedWith} now nor any state the diagnosis counted` : `counts differently from ${step.comparedWith} now, and no diagnosis counted it to tell why`;

/** ". databox_broken_x counts as neither … (…)", said after the clones' names. */
const differencesSaid = (step: LeftoverClonesStep, found: Record<string, string>) =>
  Object.entries(found)
    .map(([clone, how]) => `. ${clone} ${differsFrom(step)} (${how}): it may hold rows nothing else has`)
    .join('');

export const leftoverClonesStepKind = defineStepKind({
  kind: 'leftover-clones',
  describesSql: true,
  schema,
  // failed: a drop that stopped, its outputs saying which it dropped before (once it began dropping).
  statuses: (step) => (step.drop ? ['ok', 'failed', 'unreachable'] : ['ok', 'leftovers', 'unreachable']),
  // Could not see: MotherDuck not reached.
  unseeingStatuses: ['unreachable'],
  outputs: (step) =>
    unsetAlike({ databases: 'list', dropped: 'list', count: 'text', clones: 'text' }, ['unreachable', 'failed'], {
      problem: { shape: 'text', onlyWhen: ['unreachable'] },
      // The clone whose DROP's answer was lost (a fault on this side, the connection gone): it may be dropped.
      ...(step.drop ? { unanswered: { shape: 'text', onlyWhen: ['failed'] } } : {}),
    }),
  defaultTimeoutMs: 5 * 60_000,
  references: (step, scope) => diagnosisCountsProblems('seenBy', step.seenBy, scope),
  rules: (step) => [
    ...(step.drop && !(step.mutates && step.destructive) ? [{ at: ['drop'], message: 'dropping databases is destructive: set mutates: true and destructive: true' }] : []),
    ...(Boolean(step.comparedWith) !== step.tables.length > 0 ? [{ at: ['comparedWith'], message: 'comparedWith and tables go together: the database to compare each clone with, and the tables to count in both' }] : []),
    ...(step.seenBy.length > 0 && !step.comparedWith ? [{ at: ['seenBy'], message: 'seenBy adds the states a diagnosis counted to comparedWith: give comparedWith and tables too' }] : []),
  ],
  templates: (step) => [
    ...step.databases.map((name, i) => ({ at: ['databases', i], template: name, as: 'text' as const })),
    ...(step.comparedWith ? [{ at: ['comparedWith'], template: step.comparedWith, as: 'text' as const }] : []),
    ...step.tables.map((table, i) => ({ at: ['tables', i], template: table, as: 'sql' as const })),
  ],
  resolve: (step, tools): LeftoverClonesStep =>
    ({
      ...step,
      databases: step.databases.map((name) => tools.text(name)),
      comparedWith: step.comparedWith && tools.text(step.comparedWith),
      tables: step.tables.map((table) => tools.sql(table)),
      seen: diagnosedStates(step.seenBy, tools.values),
    }) as LeftoverClonesStep,
  describe: (step) =>
    listSql(step.databases) +
    (step.comparedWith ? `\n-- each one there, and ${step.comparedWith}: ${step.tables.map((t) => `SELECT count(*) FROM <database>.${t}`).join('; ')}` : '') +
    (step.drop
      ? `\n${step.databases.map((d) => `DROP DATABASE ${databaseIdentifier(d)} -- each one that exists`).join('\n')}\n-- nothing keeps them but MotherDuck's retention: UNDROP DATABASE brings one back within it`
      : ''),
  // It drops clones beside the stack's database: a named snapshot of that database would keep none of them.
  changesOtherDatabases: true,
  run: (step, ctx) =>
    withStepDatabase(ctx, { target: 'motherduck', writable: step.drop, timeoutMs: step.timeoutMs }, async (session, _fail, started): Promise<StepResult> => {
      const listed = async () => {
        const existing = (await session.run(listSql(step.databases))).rows.map((r) => String(r[0]));
        return { existing, differ: differencesSaid(step, await differences(step, session, existing)) };
      };
      // A drop that failed listing them dropped none.
      const { existing, differ } = step.drop ? await listed().catch(beforeAnyChange) : await listed();
      const outputs = (dropped: string[]) => ({ databases: existing, dropped, count: existing.length, clones: clonesPhrase(existing.length) });
      if (!step.drop) {
        return {
          status: existing.length > 0 ? 'leftovers' : 'ok',
          summary: existing.length > 0 ? `left on MotherDuck: ${existing.join(', ')} (an approved cleanup drops them)${differ}` : 'no clone of this incident is left',
          durationMs: elapsedSince(started),
          outputs: outputs([]),
        };
      }
      // Each DROP is applied on its own: one that fails leaves those before it dropped, said in its outputs.
      const dropped = await oneByOne(existing, async (name) => void (await session.run(`DROP DATABASE ${databaseIdentifier(name)}`)), {
        outputs,
        name: (name) => name,
        said: (done, name, why) => `${done.length > 0 ? `dropped ${done.join(', ')}, then ` : ''}DROP DATABASE ${name} failed: ${why}`,
      });
      return {
        status: 'ok',
        summary: dropped.length > 0 ? `dropped ${dropped.join(', ')} (UNDROP DATABASE brings one back within the retention)${differ}` : 'nothing to drop: no clone of this incident is left',
        durationMs: elapsedSince(started),
        outputs: outputs(dropped),
      };
    }),
  // A drop stopped after some DROPs (dropped), or whose answer to one was lost (unanswered), or that the engine stopped
  // waiting for (no outputs: its DROPs may have gone on), may have dropped clones; one that failed at the first did not.
  partWay: { statuses: ['failed', 'timeout'], changed: oneByOneChanged('dropped') },
  stoppedPartWay: (step, result) => {
    const { databases, dropped, unanswered } = result.outputs ?? {};
    const back = (dropped: number) => `UNDROP DATABASE brings ${dropped === 1 ? 'it' : 'one'} back within the retention`;
    const again = "list the incident's clones again before dropping the rest";
    if (!Array.isArray(dropped) || !Array.isArray(databases)) return `it stopped before saying which clones it dropped: any of ${step.databases.join(', ')} may be gone (${back(2)}); ${again}`;
    const left = (databases as string[]).filter((name) => !dropped.includes(name) && name !== unanswered);
    const said = [
      ...(dropped.length > 0 ? [`${dropped.join(', ')} ${dropped.length === 1 ? 'was' : 'were'} dropped (${back(dropped.length)})`] : []),
      ...(typeof unanswered === 'string' ? [`whether ${unanswered} was dropped is not known (the answer to its DROP was lost)`] : []),
      ...(left.length > 0 ? [`${left.join(', ')} ${left.length === 1 ? 'is' : 'are'} still there`] : []),
    ];
    return `it stopped part-way: ${said.join(', ')}; ${again}`;
  },
  // A clone that differs from the database may hold the only copy of rows written before a swap: said before it is dropped.
  readWhenPlanned: async (step, { target }) => {
    if (!step.drop) return step;
    const session = await target('motherduck')
      .open({ writable: false })
      .catch((error: Error) => Promise.reject(new UserError(`cannot list the clones${step.comparedWith ? ` and compare them with ${step.comparedWith}` : ''} to make the plan: ${error.message.split('\n')[0]}; nothing was proposed`)));
    try {
      const existing = (await session.run(listSql(step.databases))).rows.map((r) => String(r[0]));
      return { ...step, existingWhenPlanned: existing, differsWhenPlanned: await differences(step, session, existing) };
    } finally {
      await session.close();
    }
  },
  nothingWhenPlanned: (step) => (step.drop && step.existingWhenPlanned?.length === 0 ? `no clone of this incident is left on MotherDuck (${step.databases.join(', ')})` : undefined),
  planWarning: (step) => {
    const found = Object.entries(step.differsWhenPlanned ?? {});
    if (found.length === 0) return undefined;
    return (
      found
        .map(([clone, how]) => `${clone} ${differsFrom(step)} (${how}): it may hold the only copy of rows written before a swap put a restored state in place.`)
        .join(' ') +
      ` Once dropped, only UNDROP DATABASE brings ${found.length === 1 ? 'it' : 'one'} back, within the retention: look at ${found.length === 1 ? 'it' : 'them'}, and copy back what is needed, before approving.`
    );
  },
});
