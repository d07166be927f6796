// Typed literals in runbook SQL ({{at | timestamp}} …): rendered by the one renderer, validated first, checked at load.
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { parseRunbook, RunbookError } from '../../src/runbook/load.js';
import { render, renderSql } from '../../src/runbook/template.js';

const now = new Date('2026-04-21T09:00:00Z');
const values = { database: 'databox', at: '2026-04-20 12:00:00', snap: "pre 'swap'", clone: 'databox_restored_dbx_20260420_3fa2' };

describe('typed literals in SQL templates', () => {
  it('renders each kind through the typed renderer and identifiers as before', () => {
    expect(renderSql(`CREATE DATABASE {{clone | database}} FROM {{database | database}} (SNAPSHOT_TIME {{at | timestamp}})`, values, now)).toBe(
      `CREATE DATABASE "databox_restored_dbx_20260420_3fa2" FROM "databox" (SNAPSHOT_TIME '2026-04-20 12:00:00')`,
    );
    expect(renderSql(`ALTER DATABASE {{database|database}} SET SNAPSHOT TO (SNAPSHOT_NAME {{snap|snapshot-name}})`, values, now)).toBe(
      `ALTER DATABASE "databox" SET SNAPSHOT TO (SNAPSHOT_NAME 'pre ''swap''')`,
    );
    expect(renderSql('SELECT count(*) FROM {{database}}.analytics.daily', { database: 'databox' }, now)).toBe('SELECT count(*) FROM "databox".analytics.daily');
  });

  it('refuses a bad value before any SQL is made', () => {
    expect(() => renderSql('… (SNAPSHOT_TIME {{at | timestamp}})', { at: '2026-04-22 00:00:00' }, now)).toThrow(UserError);
    expect(() => renderSql('… (SNAPSHOT_TIME {{at | timestamp}})', { at: "2026-04-20'; DROP DATABASE databox; --" }, now)).toThrow(/is not a UTC timestamp/);
    expect(() => renderSql('… {{at | sql}}', { at: 'x' }, now)).toThrow(/unknown literal kind/);
  });

  it('keeps literal kinds out of commands and paths', () => {
    expect(() => render('task verify {{at | timestamp}}', values)).toThrow(/applies in SQL only/);
  });

  it('is checked when a runbook loads', () => {
    const file = 'typed.yml';
    const text = (sql: string) => `
id: typed
title: t
section: 3
summary: s
symptoms: [x]
lockKey: md
parameters:
  at: { type: timestamp, description: when }
diagnosis:
  parameters: [at]
  steps:
    - { id: look, kind: sql, title: look, sql: "SELECT 1" }
  verdicts:
    - { id: v, title: v, advice: a, severity: critical }
recovery:
  - id: a
    title: a
    description: d
    parameters: [at]
    steps:
      - { id: go, kind: sql, title: go, sql: "${sql}", mutates: true }
validation:
  parameters: []
  requires: []
  steps:
    - { id: look, kind: sql, title: look, sql: "SELECT 1" }
`;
    expect(() => parseRunbook(text('CREATE DATABASE x FROM y (SNAPSHOT_TIME {{at | timestamp}})'), file)).not.toThrow();
    expect(() => parseRunbook(text('CREATE DATABASE x FROM y (SNAPSHOT_TIME {{at | time}})'), file)).toThrow(RunbookError);
    // Named where it is written, with its line, and the filters there are.
    expect(() => parseRunbook(text('CREATE DATABASE x FROM y (SNAPSHOT_TIME {{at | time}})'), file)).toThrow(
      /typed\.yml:\d+: at recovery\[0\]\.steps\[0\]\.sql: \{\{at \| time\}\}: "time" is no filter a placeholder takes; the only ones are SQL's literal kinds \(timestamp, snapshot-name, snapshot-id, database, time-zone\), in SQL only/,
    );
    // A typo of a known one is said with it.
    expect(() => parseRunbook(text('CREATE DATABASE x FROM y (SNAPSHOT_TIME {{at | timestmp}})'), file)).toThrow(
      /typed\.yml:\d+: at recovery\[0\]\.steps\[0\]\.sql: \{\{at \| timestmp\}\}: "timestmp" is no filter a placeholder takes \(did you mean "timestamp"\?\); the only ones are SQL's literal kinds \(timestamp, snapshot-name, snapshot-id, database, time-zone\), in SQL only$/m,
    );
  });
});
