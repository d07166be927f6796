// Refuses at load SQL still calling utc_day(…), the macro source_day replaced: DuckDB would fail it only when it runs.
import { sqlSegments } from '../engine/steps/sql-segments.js';

const said =
  'utc_day is no longer defined: source_day replaces it, and counts a text timestamp with an offset by the date written in it (the day its reload loads), a TIMESTAMPTZ by its day in the time_zone of its source when one is set (its UTC day otherwise); replace utc_day with source_day after checking the query means that';

/** A call of utc_day in code: not a longer name ending in it (my_utc_day); any case and spacing, as DuckDB reads names. */
const bareCall = /(?<![A-Za-z0-9_$])utc_day\s*\(/i;

/** Where in `sql` the first call of utc_day starts, outside strings and comments; "utc_day"(…) quoted calls it too. */
function firstCall(sql: string): number | undefined {
  const segments = sqlSegments(sql);
  let offset = 0;
  for (const [i, segment] of segments.entries()) {
    const bare = segment.kind === 'code' ? bareCall.exec(segment.text) : null;
    if (bare) return offset + bare.index;
    const next = segments[i + 1];
    if (segment.kind === 'identifier' && segment.text.toLowerCase() === '"utc_day"' && next?.kind === 'code' && /^\s*\(/.test(next.text)) return offset;
    offset += segment.text.length;
  }
  return undefined;
}

/** The refusal of SQL calling utc_day, naming what holds it ('step "x"', 'preview "y"'), or none. */
export function utcDayProblems(sql: string, holder: string): string[] {
  const at = firstCall(sql);
  if (at === undefined) return [];
  // The refusal's line is the field's; in SQL of several lines, which of them calls it.
  const line = sql.includes('\n') ? ` on line ${sql.slice(0, at).split('\n').length} of its SQL` : '';
  return [`${holder} calls utc_day(…)${line}: ${said}`];
}
