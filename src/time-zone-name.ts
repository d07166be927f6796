// Whether a name is a time zone source_day can read a source's local day in: one DuckDB's ICU knows, and Node's too.
import { knownTimeZone } from './dagster/zoned-days.js';
import { duckdbTimeZones, foldTimeZoneName } from './duckdb/duckdb-time-zones.js';

const examples = 'such as America/New_York, Europe/Berlin or UTC';

/**
 * Undefined for a zone both DuckDB (whose SQL reads the source's days in it: `duckdbZones`, its pg_timezone_names(),
 * folded) and Node (which tells the source's today in it) know: 'America/New_York', its aliases such as 'US/Eastern',
 * 'UTC'. Otherwise why not. An offset ('+05:00', which newer ICUs take) is no zone: it never follows a source's summer
 * time. With no list from DuckDB (it could not start), Node's alone.
 */
export function timeZoneProblem(name: string, duckdbZones: ReadonlySet<string> | null = duckdbTimeZones()): string | undefined {
  if (name.trim() === '') return 'is empty: name an IANA time zone, such as America/New_York';
  if (/^[+\-\u2212\d]/.test(name.trim())) return 'is an offset, not an IANA time zone: name the zone the source works in (America/New_York, say), which follows its summer time';
  if (duckdbZones && !duckdbZones.has(foldTimeZoneName(name))) {
    return `is not an IANA time zone DuckDB knows (SELECT name FROM pg_timezone_names() lists them), so its SQL could not read the source's days in it: name one ${examples}`;
  }
  if (!knownTimeZone(name)) return `is not an IANA time zone this Node knows, so the source's today could not be told in it: name one ${examples}`;
  return undefined;
}
