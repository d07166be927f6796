// Whether a plan's counts differ from what its diagnosis counted on the same days: the rows changed since (a load landed),
// so the plan is about data nobody has looked at.
import type { PreviewResult } from '../engine/previews.js';
import { diagnosedDays } from '../engine/steps/day-counts-step.js';
import { renderSql, type TemplateContext } from '../runbook/template.js';
import type { RecoveryPath, Runbook } from '../runbook/schema.js';

/** Each day from `from` to `to`, YYYY-MM-DD (UTC), or undefined when they are no window. */
function daysBetween(from: string, to: string): string[] | undefined {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  if (!Number.isFinite(start) || !Number.isFinite(end) || end < start) return undefined;
  const days: string[] = [];
  for (let at = start; at <= end; at += 86_400_000) days.push(new Date(at).toISOString().slice(0, 10));
  return days;
}

/**
 * The warning for the first preview whose count is not the sum of its diagnosis step's counts over the plan's window,
 * when that step counted the same table on every day of it; undefined otherwise (another table, a window it did not
 * count, today's still-loading rows in it, no diagnosis).
 */
export function previewDrift(
  rb: Runbook,
  recovery: RecoveryPath,
  params: Readonly<Record<string, string>>,
  previews: readonly PreviewResult[],
  values: TemplateContext,
  today: string,
): string | undefined {
  const window = rb.windows.find((w) => recovery.parameters.includes(w.from) && recovery.parameters.includes(w.to));
  const from = window && params[window.from];
  const to = window && params[window.to];
  const days = from && to ? daysBetween(from, to) : undefined;
  if (!days || days.includes(today) || days.some((day) => day > today)) return undefined;
  for (const preview of recovery.previews) {
    const counted = rb.diagnosis.steps.find((s) => s.id === preview.asDiagnosed);
    const value = previews.find((p) => p.id === preview.id)?.value;
    if (counted?.kind !== 'day-counts' || value === undefined) continue;
    const table = renderSql(counted.table, values);
    const diagnosed = diagnosedDays(counted.id, values, table);
    if (!diagnosed) continue;
    const byDay = new Map(diagnosed.map((d) => [d.day, d]));
    // A day still loading when it was counted (today then) was never judged: rows added since are no change to say.
    if (!days.every((day) => byDay.has(day) && byDay.get(day)?.verdict !== 'incomplete')) continue;
    const then = days.reduce((sum, day) => sum + (byDay.get(day)?.count ?? 0), 0);
    if (then === value) continue;
    return (
      `The rows changed since the diagnosis: it counted ${then} row${then === 1 ? '' : 's'} of ${table.replace(/"/g, '')} on ${from}${from === to ? '' : ` … ${to}`}, and this plan's "${preview.title}" counts ${value} now ` +
      `(a load landed meanwhile?). What the diagnosis judged bad may be whole now: diagnose again before approving.`
    );
  }
  return undefined;
}
