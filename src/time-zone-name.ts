// Whether a name is a zone of the IANA time zone database, which a source's local day is read in (source_day's zone).
import { knownTimeZone } from './dagster/zoned-days.js';

/**
 * Undefined for a name the IANA database knows ('America/New_York', its aliases such as 'US/Eastern', 'UTC'); otherwise
 * why not. Node's ICU knows the names DuckDB's ICU does; an offset ('+05:00', which newer ICUs take) is no zone: it
 * never follows a source's summer time.
 */
export function timeZoneProblem(name: string): string | undefined {
  if (name.trim() === '') return 'is empty: name an IANA time zone, such as America/New_York';
  if (/^[+\-\u2212\d]/.test(name.trim())) return 'is an offset, not an IANA time zone: name the zone the source works in (America/New_York, say), which follows its summer time';
  return knownTimeZone(name) ? undefined : 'is not an IANA time zone (such as America/New_York, Europe/Berlin or UTC)';
}
