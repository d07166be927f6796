// Rows written to a database since its diagnosis counted it, or since a plan was made: what a plan that overwrites it
// (scenario 3's swap) leaves behind in the clone it keeps, said in the plan; a change after the approval refused; the
// states a diagnosis counted, that a kept clone is told apart from.
import { didYouMean } from '../../runbook/did-you-mean.js';
import { asOfSaid } from './as-of-said.js';
import { lookup, type TemplateContext } from '../../runbook/template.js';
import type { StepIssue, StepReferences } from './define-step-kind.js';

export interface WrittenSince {
  /** The diagnosis' counts of the database as it was then (the first of the steps named that counted), if any. */
  diagnosed?: Record<string, number>;
  /** The counts when the plan was made. */
  planned?: Record<string, number>;
  /** Where rows written since are left after the plan (the broken state a swap keeps). */
  leftIn?: string;
}

/** The counts `counts` (now, when it ran) of the first of these diagnosis steps that counted the database. */
export function diagnosedCounts(stepIds: readonly string[], values: TemplateContext): Record<string, number> | undefined {
  for (const id of stepIds) {
    try {
      const counts = lookup(`diagnosis.${id}.counts`, values) as Record<string, number> | undefined;
      if (counts && Object.keys(counts).length > 0) return counts;
    } catch {
      // That step did not run (its onlyIf), or there is no diagnosis: the next one, or none.
    }
  }
  return undefined;
}

/** Each table whose count differs, "t +50 (80 now, 30 <then>)", and the rows more in all of them together. */
function differences(tables: readonly string[], now: Record<string, number>, before: Record<string, number>, then: string): { said: string; more: number } {
  const differing = tables.filter((t) => before[t] !== undefined && now[t] !== before[t]);
  const change = (t: string) => (now[t] as number) - (before[t] as number);
  return {
    said: differing.map((t) => `${t} ${change(t) > 0 ? '+' : ''}${change(t)} (${now[t]} now, ${before[t]} ${then})`).join(', '),
    more: differing.reduce((sum, t) => sum + Math.max(0, change(t)), 0),
  };
}

/** The states a diagnosis counted, by these steps: the database then ("when the diagnosis counted"), and as of its moment. */
export function diagnosedStates(stepIds: readonly string[], values: TemplateContext): { label: string; counts: Record<string, number> }[] {
  return stepIds.flatMap((id) => {
    const read = (output: string) => {
      try {
        return lookup(`diagnosis.${id}.${output}`, values) as unknown;
      } catch {
        // That step did not run (its onlyIf), or there is no diagnosis.
        return undefined;
      }
    };
    const counts = read('counts') as Record<string, number> | undefined;
    const countsAt = read('countsAt') as Record<string, number> | undefined;
    return [
      ...(counts && Object.keys(counts).length > 0 ? [{ label: 'when the diagnosis counted', counts }] : []),
      ...(countsAt && Object.keys(countsAt).length > 0 ? [{ label: `${asOfSaid(String(read('asOf') ?? ''))} as the diagnosis counted`.trim(), counts: countsAt }] : []),
    ];
  });
}

const rowsWord = (n: number) => `${n} row${n === 1 ? '' : 's'}`;

/** The plan's warning: the rows its database gained since the diagnosis counted it, which the plan does not carry over. */
export function writtenSinceWarning(database: string, tables: readonly string[], since: WrittenSince): string | undefined {
  if (!since.diagnosed || !since.planned) return undefined;
  const { said, more } = differences(tables, since.planned, since.diagnosed, 'when the diagnosis counted');
  if (!said) return undefined;
  const where = since.leftIn ? `after it they are only in ${since.leftIn} (kept), not in ${database}` : `after it they are not in ${database}`;
  const lost =
    more > 0
      ? `The ${rowsWord(more)} written since are not in what this plan puts in place: ${where}. Read them there, and copy back what is needed, before anyone drops ${since.leftIn ?? 'it'}.`
      : `Counts are net, which can hide rows written beside rows deleted: whatever was written since is not in what this plan puts in place (${where}).`;
  return `${database}'s tables changed since the diagnosis counted them: ${said}. ${lost}`;
}

/** Why the run stops: the database changed after the plan was made, so the approval did not see what it would leave behind. */
export function changedSincePlanned(database: string, tables: readonly string[], counts: Record<string, number>, since: WrittenSince): string | undefined {
  if (!since.planned) return undefined;
  const { said } = differences(tables, counts, since.planned, 'when this plan was made');
  if (!said) return undefined;
  return (
    `${database} changed after this plan was made: ${said}. What was written since would ${since.leftIn ? `be left only in ${since.leftIn}` : 'be lost'}, and the approval did not see it: ` +
    `nothing after this check ran. Propose the plan again, and it says what it leaves behind (stop what writes to ${database} first, or it changes again)`
  );
}

/** The run's word on a database as planned: the rows written since the diagnosis that the plan leaves behind, if any. */
export function leftBehindSaid(database: string, tables: readonly string[], counts: Record<string, number>, since: WrittenSince): string {
  if (!since.diagnosed) return '';
  const { said, more } = differences(tables, counts, since.diagnosed, 'when the diagnosis counted');
  if (!said) return '';
  return `. Changed since the diagnosis counted it: ${said}${more > 0 ? `; the ${rowsWord(more)} written since are not carried over${since.leftIn ? `: they are left only in ${since.leftIn}` : ''}` : ''}`;
}

/** Fields that name diagnosis table-counts steps (notFewerThan, writtenSince, seenBy), from outside the diagnosis. */
export function diagnosisCountsProblems(key: string, ids: readonly string[], { diagnosisSteps, phase }: StepReferences): StepIssue[] {
  if (ids.length === 0) return [];
  if (phase === 'diagnosis') return [{ at: [key], message: `${key} names diagnosis steps; a diagnosis step has none before it to compare with` }];
  return ids.flatMap((id, i): StepIssue[] => {
    const target = diagnosisSteps.find((s) => s.id === id);
    if (!target) return [{ at: [key, i], message: `no diagnosis step "${id}"${didYouMean(id, diagnosisSteps.map((s) => s.id))}` }];
    return target.kind === 'table-counts' ? [] : [{ at: [key, i], message: `diagnosis step "${id}" is a ${target.kind} step, not table-counts: it counted no rows${key === 'notFewerThan' ? ' as of a moment' : ''}` }];
  });
}
