// How a step's SQL picks a row's day: source_day of its date column, in the source's time zone where it names one.
import { z } from 'zod';
import { timeZoneLiteral } from '../../database/sql-literal.js';
import { zonedDay } from '../../dagster/zoned-days.js';

/**
 * A step's `timeZone`: the IANA zone the source works in ("{{source.time_zone?}}"), whose local day a TIMESTAMPTZ
 * falls on; absent or rendered empty: none, its UTC day. Text with an offset and DATE columns keep their own date either
 * way. Optional in the resolved step too: a plan journaled before the setting was there reads its days as it did.
 */
export const timeZoneSetting = z.string().optional();

/** source_day(column) or source_day(column, 'zone'); a zone that is no IANA one is refused (a UserError), never a wrong day. */
export function sourceDaySql(column: string, timeZone = ''): string {
  return timeZone === '' ? `source_day(${column})` : `source_day(${column}, ${timeZoneLiteral(timeZone)})`;
}

/**
 * A step's timeZone as rendered for its plan (`render` being the plan's text renderer): checked now, so a bad zone
 * refuses the plan rather than a step part-way. Undefined when it has none.
 */
export function resolvedTimeZone(template: string | undefined, render: (template: string) => string): string | undefined {
  if (template === undefined) return undefined;
  const rendered = render(template);
  if (rendered !== '') timeZoneLiteral(rendered);
  return rendered;
}

/** The source's today (YYYY-MM-DD) at `now`: in its time zone where the step names one, so its day under way is today; else UTC's. */
export function sourceToday(now: Date, timeZone = ''): string {
  return zonedDay(now.getTime(), timeZone === '' ? 'UTC' : timeZone);
}
