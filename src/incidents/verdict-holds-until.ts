// Until when what a verdict found holds (its holdsUntil), filled in from the diagnosis' outputs when the verdict is given.
import { render, type StandIn, type TemplateContext } from '../runbook/template.js';
import type { Verdict } from '../runbook/schema.js';

/**
 * Until when what a verdict found holds (holdsUntil), rendered from the diagnosis' outputs: nothing where it renders
 * nothing (no tick due among the schedules, say, or an optional {{…?}} with no value), and nothing then bounds its plans
 * but their expiry (and a knownEmpty its day). Text that is no time is never dropped: the hold is taken as over at
 * `now` (plans on it are refused, saying so), and `unreadable` is told, as the load checks should have refused the
 * runbook. A value the run did not set is such text: `standIn` marks it, so it can never lift the bound by rendering empty.
 */
export function verdictHoldsUntil(verdict: Verdict, outputs: TemplateContext, now: Date, standIn: StandIn, unreadable: (text: string) => void): { holdsUntil?: { at: string; what: string } } {
  if (!verdict.holdsUntil) return {};
  const text = render(verdict.holdsUntil.at, outputs, standIn).trim();
  if (text === '') return {};
  const at = Date.parse(text);
  const what = render(verdict.holdsUntil.what, outputs, standIn);
  if (!Number.isNaN(at)) return { holdsUntil: { at: new Date(at).toISOString(), what } };
  unreadable(text);
  return { holdsUntil: { at: now.toISOString(), what: `${what} (the runbook's holdsUntil.at gave "${text}", no time, so it is taken as over now)` } };
}
