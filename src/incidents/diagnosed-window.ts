// What a diagnosis found in a window (the bad days its day counts named, or the window it suggests), against the window
// a plan works on: whether the plan follows it, and which bad days it leaves.
import { dayAfter, dayBefore } from '../engine/steps/iso-days.js';
import type { Incident } from './state.js';

type Windows = readonly { from: string; to: string }[];

const day = /^\d{4}-\d{2}-\d{2}$/;

/** The bad days the incident's diagnosis counted (every day-counts step's `badDays`), sorted, once each. */
function diagnosedBadDays(incident: Incident): string[] {
  const run = incident.runs.find((r) => r.id === incident.diagnosis?.runId);
  const days = (run?.results ?? []).flatMap((r) => (Array.isArray(r.outputs?.badDays) ? (r.outputs.badDays as unknown[]) : []));
  return [...new Set(days.filter((d): d is string => typeof d === 'string' && day.test(d)))].sort();
}

/** The window a plan's parameters give, for the first window pair it gives whole; undefined when it gives none. */
function planWindow(windows: Windows, params: Readonly<Record<string, string>>): { from: string; to: string; names: [string, string] } | undefined {
  for (const { from, to } of windows) {
    const [a, b] = [params[from], params[to]];
    if (a && b && day.test(a) && day.test(b) && a <= b) return { from: a, to: b, names: [from, to] };
  }
  return undefined;
}

/**
 * Whether a plan's window (one pair of window parameters) recovers part of what the diagnosis found, as its advice says
 * to (one run of bad days of several): it lies within the window the diagnosis suggests and, where it counted bad days,
 * starts and ends on one, so it replaces no normal day the diagnosis did not also ask to.
 */
export function followsDiagnosedWindow(incident: Incident, window: Windows[number], params: Readonly<Record<string, string>>): boolean {
  const plan = planWindow([window], params);
  const suggested = incident.diagnosis?.suggested ?? {};
  const [found, foundTo] = [suggested[window.from], suggested[window.to]];
  if (!plan || !found || !foundTo || plan.from < found || plan.to > foundTo) return false;
  const bad = diagnosedBadDays(incident);
  return bad.length === 0 || (bad.includes(plan.from) && bad.includes(plan.to));
}

/** Whether a plan's window lies within the window the diagnosis suggests (for the same pair of window parameters). */
export function withinDiagnosedWindow(incident: Incident, windows: Windows, params: Readonly<Record<string, string>>): boolean {
  const plan = planWindow(windows, params);
  const suggested = incident.diagnosis?.suggested ?? {};
  if (!plan) return false;
  const [found, foundTo] = [suggested[plan.names[0]], suggested[plan.names[1]]];
  return Boolean(found && foundTo && plan.from >= found && plan.to <= foundTo);
}

/**
 * What the diagnosis found that a recovery's window left out: its bad days outside the window, or, where it counted
 * none, the part of its suggested window outside it. Undefined when the recovery covered all of it.
 */
export function diagnosedLeftOut(incident: Incident, windows: Windows, params: Readonly<Record<string, string>>): string | undefined {
  const plan = planWindow(windows, params);
  const suggested = incident.diagnosis?.suggested ?? {};
  if (!plan) return undefined;
  const bad = diagnosedBadDays(incident);
  if (bad.length > 0) {
    const outside = bad.filter((d) => d < plan.from || d > plan.to);
    return outside.length > 0 ? `${outside.length === 1 ? 'bad day' : 'bad days'} ${outside.join(', ')}` : undefined;
  }
  const [found, foundTo] = [suggested[plan.names[0]], suggested[plan.names[1]]];
  if (!found || !foundTo || (plan.from <= found && plan.to >= foundTo)) return undefined;
  // The days of the found window on either side of the plan's (all of it, when the two do not meet).
  const span = (a: string, b: string) => (a === b ? a : `${a} … ${b}`);
  const parts = plan.to < found || plan.from > foundTo ? [span(found, foundTo)] : [...(found < plan.from ? [span(found, dayBefore(plan.from))] : []), ...(plan.to < foundTo ? [span(dayAfter(plan.to), foundTo)] : [])];
  return `${parts.join(' and ')} of the window ${found} … ${foundTo}`;
}

/** What the diagnosis found, in words: "from=2026-11-22 to=2026-12-01 (bad days 2026-11-22, …)"; undefined if nothing. */
export function diagnosedFinding(incident: Incident, windows: Windows): string | undefined {
  const suggested = incident.diagnosis?.suggested ?? {};
  const pair = windows.find((w) => suggested[w.from] && suggested[w.to]);
  if (!pair) return undefined;
  const bad = diagnosedBadDays(incident);
  const shown = bad.length > 8 ? `${bad.slice(0, 8).join(', ')} and ${bad.length - 8} more` : bad.join(', ');
  return `${pair.from}=${suggested[pair.from]} ${pair.to}=${suggested[pair.to]}${bad.length > 0 ? ` (bad ${bad.length === 1 ? 'day' : 'days'} ${shown})` : ''}`;
}
