// A plan whose window takes in today (its source's, UTC's for a source at UTC): today's rows may still be loading, so what it does to today is done to part of a day.
import { dayBefore } from '../engine/steps/iso-days.js';
import type { ParameterToday } from '../runbook/parameter-today.js';
import type { RecoveryPath, Runbook } from '../runbook/schema.js';

/**
 * The warning for a recovery whose window (a runbook window of its parameters, both ends given) takes in `today`; a
 * window ending before it, or none, gets none. A typed window is never refused for it: the operator may mean today.
 */
export function todayInWindow(rb: Runbook, recovery: RecoveryPath, params: Readonly<Record<string, string>>, { day: today, where }: ParameterToday): string | undefined {
  const window = rb.windows.find((w) => recovery.parameters.includes(w.from) && recovery.parameters.includes(w.to) && params[w.from] !== undefined && params[w.to] !== undefined);
  const from = window && (params[window.from] as string);
  const to = window && (params[window.to] as string);
  if (!window || !from || !to || from > today || to < today) return undefined;
  const instead = from < today ? `A window ending yesterday (${window.to}=${dayBefore(today)}) leaves today to its loads.` : 'Today can be recovered once it is over.';
  return (
    `The window takes in today (${today}, ${where}), whose rows may still be loading: what this plan keeps, deletes, reloads or restates of today is what has landed so far, ` +
    `and a reload may find fewer rows than are there now. ${instead}`
  );
}
