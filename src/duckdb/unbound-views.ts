// The views that do not bind and are not judged, said once per error: a scratch schema copied a hundred times over
// would otherwise repeat one error a hundred times in the summary and the verdict.
import { whyNotJudged, type ViewCheck } from './scan.js';

/** Names shown before "and N more". */
const namesShown = 3;

/** Each error with the views failing with it, in the order they were bound: "main.v: error: why", or "3 views (a, b, c): error: why". */
export function unboundViewsSaid(views: readonly ViewCheck[]): string[] {
  const groups = new Map<string, ViewCheck[]>();
  for (const view of views) {
    const key = `${view.error}: ${whyNotJudged(view)}`;
    groups.set(key, [...(groups.get(key) ?? []), view]);
  }
  return [...groups.entries()].map(([said, group]) => {
    if (group.length === 1) return `${(group[0] as ViewCheck).view}: ${said}`;
    const shown = group.slice(0, namesShown).map((v) => v.view);
    const more = group.length > namesShown ? ` and ${group.length - namesShown} more` : '';
    return `${group.length} views (${shown.join(', ')}${more}): ${said}`;
  });
}
