// The day today is for a date parameter: in the IANA zone its todayIn names (its source's time_zone), else in UTC.
import { zonedDay } from '../dagster/zoned-days.js';
import type { Parameter, RecoveryPath, Runbook } from './schema.js';

export interface ParameterToday {
  day: string;
  /** "UTC", or "in America/New_York, where source usgs's days are": what the day is today of, as messages say it. */
  where: string;
}

/** A todayIn's enum parameter and the attribute of its values that holds the zone: ['source', 'time_zone']. */
export function enumAttribute(reference: string): [string, string] {
  const [head = '', attribute = ''] = reference.split('.');
  return [head, attribute];
}

/** Today in UTC, said so. */
export const utcToday = (now: Date): ParameterToday => ({ day: now.toISOString().slice(0, 10), where: 'UTC' });

/**
 * Today for `declared` given the operator's values (`raw`, as typed): in the zone of the enum value its todayIn reads
 * (source.time_zone of source=usgs), so a New York source's day is still today at 02:00 UTC; UTC without one, or for a
 * value without a zone (a zone Node or DuckDB does not know is refused when the runbook loads: check.ts).
 */
export function parameterToday(rb: Runbook, declared: Parameter | undefined, raw: Readonly<Record<string, string | undefined>>, now: Date): ParameterToday {
  if (declared?.type !== 'date' || !declared.todayIn) return utcToday(now);
  const [head, attribute] = enumAttribute(declared.todayIn);
  const enumParameter = Object.hasOwn(rb.parameters, head) ? rb.parameters[head] : undefined;
  if (enumParameter?.type !== 'enum') return utcToday(now);
  const value = raw[head] || enumParameter.default;
  const attributes = value !== undefined && Object.hasOwn(enumParameter.values, value) ? enumParameter.values[value] : undefined;
  const zone = attributes && Object.hasOwn(attributes, attribute) ? attributes[attribute] : undefined;
  if (typeof zone !== 'string' || zone === '' || zone === 'UTC') return utcToday(now);
  return { day: zonedDay(now.getTime(), zone), where: `in ${zone}, where ${head} ${value}'s days are` };
}

/** Today for a recovery's window (its `to` parameter's), UTC's for a recovery without one. */
export function windowToday(rb: Runbook, recovery: RecoveryPath, raw: Readonly<Record<string, string>>, now: Date): ParameterToday {
  const window = rb.windows.find((w) => recovery.parameters.includes(w.from) && recovery.parameters.includes(w.to));
  return parameterToday(rb, window && rb.parameters[window.to], raw, now);
}

/**
 * What is wrong with a date parameter's todayIn, checked when the runbook loads: it must name an enum parameter. Its
 * values' zones are checked apart (enumZoneProblems, said once with the steps' reads of them).
 */
export function todayInProblem(rb: Runbook, reference: string): string | undefined {
  const [head] = enumAttribute(reference);
  const enumParameter = Object.hasOwn(rb.parameters, head) ? rb.parameters[head] : undefined;
  if (enumParameter?.type === 'enum') return undefined;
  return `todayIn reads the zone from an enum parameter's values, but "${head}" is ${enumParameter ? `a ${enumParameter.type} parameter` : 'no parameter of this runbook'}`;
}
