// The views that do not bind and are not judged, said once per error: a scratch schema copied a hundred times over
// would otherwise repeat one error a hundred times in the summary and the verdict.
import { whyNotJudged, type ViewCheck } from './scan.js';

/**
 * Names shown of one error's views: every one the on-call operator will look at (a scratch schema copied a few dozen
 * times), while a thousand copies do not make a summary of tens of thousands of characters; the rest are in the
 * check's output, one a line.
 */
const namesShown = 50;

/** A view as named in the list: with what it reads when its error does not say (not bound while another view's read is out). */
export const viewNamed = (view: ViewCheck) => (view.reads ? `${view.view} (it reads ${view.reads})` : view.view);

/**
 * Each error with the views failing with it, in the order they were bound: "main.v: error: why", or "3 views (a, b, c):
 * error: why", each named up to namesShown, then "and N more, each in this check's output".
 */
export function unboundViewsSaid(views: readonly ViewCheck[]): string[] {
  const groups = new Map<string, ViewCheck[]>();
  for (const view of views) {
    const key = `${view.error}: ${whyNotJudged(view)}`;
    groups.set(key, [...(groups.get(key) ?? []), view]);
  }
  return [...groups.entries()].map(([said, group]) => {
    if (group.length === 1) return `${viewNamed(group[0] as ViewCheck)}: ${said}`;
    const shown = group.slice(0, namesShown).map(viewNamed);
    const more = group.length > namesShown ? ` and ${group.length - namesShown} more, each named in this check's output` : '';
    return `${group.length} views (${shown.join(', ')}${more}): ${said}`;
  });
}
