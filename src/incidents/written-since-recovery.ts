// How many rows of a window a rollback replaces were written since the recovery (a nightly load), beside those the recovery wrote: said in its plan.
import type { DatabaseTarget } from '../database/target.js';
import type { RestoreRowsStep } from '../engine/steps/restore-rows-step.js';
import { firstNumber } from '../engine/steps/step-database.js';
import type { TargetChoice } from '../engine/steps/context.js';
import type { ResolvedStep } from '../engine/types.js';
import type { Incident, Run } from './state.js';

/** The first validation that ran after the recovery finished, if any did. */
const validationAfter = (incident: Incident, recovery: Run): Run | undefined =>
  incident.runs.find((r) => r.kind === 'validation' && r.startedAt !== undefined && r.startedAt >= (recovery.finishedAt ?? ''));

/** What that validation counted of `table` over the recovery's window (the rows the recovery left there), if it counted it. */
function countedBy(validation: Run, recovery: Run, table: string): { count: number; by: string } | undefined {
  const { from, to } = recovery.params;
  const counts = validation.results.find((r) => r.outputs.table === table && Array.isArray(r.outputs.days));
  if (!counts || !from || !to) return undefined;
  const days = counts.outputs.days as { day: string; count: number }[];
  return { count: days.filter((d) => d.day >= from && d.day <= to).reduce((sum, d) => sum + Number(d.count), 0), by: validation.id };
}

/**
 * For each step putting a window back (restore-rows with replace): the rows in it now, beside what the validation after
 * the recovery counted there (the recovery's), so the approver sees how many came since and where they go (the file the
 * step keeps them in, not the database). Undefined when no step replaces a window.
 */
export async function writtenSinceRecoverySaid(steps: readonly ResolvedStep[], incident: Incident, recovery: Run, target: (choice: TargetChoice) => DatabaseTarget): Promise<string | undefined> {
  const said: string[] = [];
  for (const step of steps as readonly (ResolvedStep & Partial<RestoreRowsStep>)[]) {
    if (step.kind !== 'restore-rows' || !step.replace || !step.table || !step.target) continue;
    const table = step.table.replace(/"/g, '');
    const session = await target(step.target).open({ writable: false });
    let now: number;
    try {
      now = firstNumber(await session.run(`SELECT count(*) FROM ${step.table} WHERE ${step.replace.where}`, step.replace.params));
    } finally {
      await session.close();
    }
    const validation = validationAfter(incident, recovery);
    const after = validation && countedBy(validation, recovery, table);
    const goes = `they leave ${table} with this rollback, kept in ${step.replace.keepTo}`;
    // Told apart only when something counted the window after the recovery; a validation that ran but counted
    // other things (a scan's failing checks) tells nothing of how many rows came since, and is not said to.
    const uncounted = validation ? '' : ' (no validation ran after it to count them)';
    if (!after) said.push(`The window of ${table} holds ${now} rows now, what ${recovery.id} wrote and any written since${uncounted}: ${goes}.`);
    else if (now > after.count) said.push(`The window of ${table} holds ${now} rows now: ${after.count} when validation ${after.by} counted them after ${recovery.id} (what it wrote), and ${now - after.count} written since: ${goes}.`);
    else if (now < after.count) said.push(`The window of ${table} holds ${now} rows now, ${after.count - now} fewer than validation ${after.by} counted after ${recovery.id} (${after.count}): some were deleted since. The ${now} there now ${goes.slice('they '.length)}.`);
  }
  return said.length > 0 ? said.join(' ') : undefined;
}
