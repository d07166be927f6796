// A backfill source's time_zone (the IANA zone its local days are read in) is checked when the runbooks load: a name that is no zone is refused there, never a wrong day at run time.
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { duckdbTimeZones, foldTimeZoneName } from '../../src/duckdb/duckdb-time-zones.js';
import { checkRunbooks } from '../../src/runbook/load.js';
import { timeZoneProblem } from '../../src/time-zone-name.js';
import { renderSql } from '../../src/runbook/template.js';
import { projectRoot, useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('databox-time-zone-');
const backfillText = fs.readFileSync(path.join(projectRoot, 'runbooks', 'backfill.yml'), 'utf8');

/** The bundled runbooks with backfill.yml's text changed by `edit`: the problems their check finds. */
function problemsWithBackfill(edit: (text: string) => string): string[] {
  const dir = tempDir();
  fs.cpSync(path.join(projectRoot, 'runbooks'), dir, { recursive: true });
  const text = edit(backfillText);
  expect(text).not.toBe(backfillText);
  fs.writeFileSync(path.join(dir, 'backfill.yml'), text);
  return checkRunbooks(dir).problems.map((line) => line.replace(`${path.join(dir, 'backfill.yml')}`, 'backfill.yml'));
}

/** The bundled runbooks with usgs' `time_zone` set to `zone` (UTC there) in backfill.yml: the problems their check finds. */
function problemsWithUsgsZone(zone: string): string[] {
  return problemsWithBackfill((text) => text.replace('        dlt_asset: usgs_dlt_assets\n        time_zone: UTC\n', `        dlt_asset: usgs_dlt_assets\n        time_zone: ${zone}\n`));
}

describe("a source's time_zone in backfill.yml", () => {
  it('loads with a real IANA zone', () => {
    expect(problemsWithUsgsZone('America/New_York')).toEqual([]);
  });

  it('refuses a name that is no IANA zone, naming the setting and the value, once however many steps read it', () => {
    const problems = problemsWithUsgsZone('America/New_Yrok');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^backfill\.yml(:\d+)?: at parameters\.source\.values\.usgs\.time_zone: /);
    expect(problems[0]).toContain(`time_zone "America/New_Yrok" (the time zone source usgs's days are read in) is not an IANA time zone`);
  });

  it('refuses an offset, which follows no summer time', () => {
    expect(problemsWithUsgsZone('"-05:00"').join('\n')).toContain('time_zone "-05:00" (the time zone source usgs\'s days are read in) is an offset, not an IANA time zone');
  });

  it("refuses a zone DuckDB does not know, checked against DuckDB's own list, naming the setting, the value and what to do", () => {
    const problems = problemsWithUsgsZone('Mars/Olympus');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^backfill\.yml(:\d+)?: at parameters\.source\.values\.usgs\.time_zone: /);
    expect(problems[0]).toContain(
      `time_zone "Mars/Olympus" (the time zone source usgs's days are read in) is not an IANA time zone DuckDB knows (SELECT name FROM pg_timezone_names() lists them), so its SQL could not read the source's days in it: name one such as America/New_York, Europe/Berlin or UTC`,
    );
  });

  it('refuses a bad zone that only a date parameter\'s todayIn reads, at its setting, rather than telling today in UTC', () => {
    const problems = problemsWithBackfill((text) =>
      text
        .replace('        dlt_asset: usgs_dlt_assets\n        time_zone: UTC\n', '        dlt_asset: usgs_dlt_assets\n        time_zone: UTC\n        today_zone: America/New_Yrok\n')
        .replaceAll('    todayIn: source.time_zone\n', '    todayIn: source.today_zone\n'),
    );
    // Once, though both from and to read it.
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^backfill\.yml(:\d+)?: at parameters\.source\.values\.usgs\.today_zone: /);
    expect(problems[0]).toContain(`today_zone "America/New_Yrok" (the time zone source usgs's days are read in) is not an IANA time zone DuckDB knows`);
  });
});

describe("the zones a source's days may be read in", () => {
  it("are DuckDB's own, as an in-memory DuckDB lists them, matched as DuckDB matches them (ASCII case aside)", async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const listed = (await connection.runAndReadAll('SELECT name FROM pg_timezone_names()')).getRowsJson().map((row) => String(row[0]));
    connection.closeSync();
    instance.closeSync();
    expect(duckdbTimeZones()).toEqual(new Set(listed.map(foldTimeZoneName)));
    expect(timeZoneProblem('america/new_york')).toBeUndefined();
    expect(timeZoneProblem('US/Eastern')).toBeUndefined();
  });

  it("refuses a zone Node knows but DuckDB's list does not, since the SQL would fail on it at run time", () => {
    const withoutNewYork = new Set([...(duckdbTimeZones() ?? [])].filter((name) => name !== 'america/new_york'));
    expect(timeZoneProblem('America/New_York', withoutNewYork)).toContain('is not an IANA time zone DuckDB knows');
    expect(timeZoneProblem('Europe/Berlin', withoutNewYork)).toBeUndefined();
  });

  it('refuses a zone DuckDB knows but Node does not, in which the source\'s today could not be told', () => {
    // ICU's placeholder zone: in DuckDB's list, unknown to Node's Intl.
    expect(duckdbTimeZones()?.has('factory')).toBe(true);
    expect(timeZoneProblem('Factory')).toBe('is not an IANA time zone this Node knows, so the source\'s today could not be told in it: name one such as America/New_York, Europe/Berlin or UTC');
  });
});

describe('{{… | time-zone}} in SQL', () => {
  const values = { source: { _value: 'usgs', raw_date_column: 'observation_date', time_zone: 'America/New_York' }, other: { _value: 'ebird', raw_date_column: 'observation_date' } };

  it("renders the source's zone as a string literal, and NULL for a source without one (its UTC day)", () => {
    expect(renderSql('source_day({{source.raw_date_column}}, {{source.time_zone? | time-zone}})', values)).toBe(`source_day("observation_date", 'America/New_York')`);
    expect(renderSql('source_day({{other.raw_date_column}}, {{other.time_zone? | time-zone}})', values)).toBe('source_day("observation_date", NULL)');
  });

  it('refuses a zone that is none when the SQL is made', () => {
    expect(() => renderSql('{{source.time_zone | time-zone}}', { source: { _value: 'usgs', time_zone: "Mars/Olympus'; DROP TABLE x; --" } })).toThrow(/is not an IANA time zone/);
  });
});
