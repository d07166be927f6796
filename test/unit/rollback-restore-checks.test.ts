// Tests the load-time check of a rollback's restore-rows step (src/runbook/rollback-restores.ts): it puts the kept rows back into the table they were kept from, and can take out what the recovery added.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRunbooks } from '../../src/runbook/load.js';
import { useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('databox-rollback-restores-');

interface Restore {
  table?: string;
  /** The restore step's replace block, indented as its keys; '' for none. */
  replace?: string;
  /** The recovery's step after the keep: a reload through Dagster unless said. */
  after?: string;
}

/** Scenario 5's shape (a tester's soda.yml, cut down): keep the raw table, reload it, and a rollback that puts it back. */
const runbook = ({ table = '"{{source.raw_table}}"', replace = '\n          replace: { where: "true", keepTo: "{{state_dir}}/backups/{{incident_id}}/before-rollback-{{now}}.parquet" }', after }: Restore = {}) => `id: soda
title: Soda checks failing
section: 5
summary: Soda checks on the raw tables fail.
symptoms: [soda scan fails]
lockKey: "{{targets.backend.lock}}"
parameters:
  source:
    type: enum
    description: the source whose load the failing checks point to
    values:
      ebird: { raw_table: raw_ebird.observations, dlt_asset: ebird_dlt_assets }
      noaa: { raw_table: raw_noaa.daily_weather, dlt_asset: noaa_dlt_assets }
diagnosis:
  parameters: [source]
  steps:
    - { id: open, kind: database-open, title: Open the database read-only }
  verdicts:
    - { id: failing, title: Failing, severity: critical, when: { step: open, status: ok }, advice: reload it, paths: [a], suggest: { source: "{{source}}" } }
    - { id: healthy, title: Healthy, severity: ok, advice: all good }
recovery:
  - id: a
    title: Re-run the dlt load of the source
    description: keeps the raw table, re-runs its dlt load
    parameters: [source]
    previews:
      - { id: raw_rows, title: Raw rows kept, sql: "SELECT count(*) FROM {{source.raw_table}}" }
    steps:
      - id: keep_raw
        kind: export-rows
        title: Keep the raw table before the reload
        table: "{{source.raw_table}}"
        where: "true"
        to: "{{state_dir}}/backups/{{incident_id}}/{{source.raw_table}}.{{now}}.parquet"
        expectRows: "{{previews.raw_rows}}"
        mutates: true
${after ?? `      - { id: reload, kind: command, title: Re-run the load, argv: [uv, run, dagster, asset, materialize, --select, "{{source.dlt_asset}}"], mutates: true }`}
    rollback:
      title: Put the raw table back as kept
      steps:
        - id: restore_raw
          kind: restore-rows
          title: Put the raw table back as kept
          table: ${table}
          from: "{{recovery.keep_raw.file}}"${replace}
          mutates: true
          destructive: true
validation:
  parameters: [source]
  steps:
    - { id: open, kind: database-open, title: Open the database read-only }
`;

/** The problems of a folder holding only this runbook (an empty list when it loads). */
function problemsOf(text: string): { file: string; problems: string[] } {
  const dir = tempDir();
  const file = path.join(dir, 'soda.yml');
  fs.writeFileSync(file, text);
  return { file, problems: checkRunbooks(dir).problems };
}

/** The 1-based line of the first line of `text` that holds `needle`. */
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((line) => line.includes(needle)) + 1;

describe("a rollback's restore-rows step", () => {
  it('loads as written: the table kept, replaced exactly', () => {
    expect(problemsOf(runbook()).problems).toEqual([]);
  });

  it("is refused when it puts the rows into another table than the one they were kept from, at its table's line", () => {
    const text = runbook({ table: 'raw_noaa.daily_weather' });
    const { file, problems } = problemsOf(text);
    expect(problems).toEqual([
      `${file}:${lineOf(text, '          table: raw_noaa.daily_weather')}: at recovery[0].rollback.steps[0].table: the rows it puts back are those recovery step "keep_raw" kept of {{source.raw_table}} (its from reads {{recovery.keep_raw.file}}), but its table is raw_noaa.daily_weather: a rollback puts rows back into the table they were kept from, so write table: "{{source.raw_table}}" (the same text: a table written otherwise may be another one for some value of its parameters)`,
    ]);
  });

  it('takes the same table written with other spaces in its placeholder', () => {
    expect(problemsOf(runbook({ table: '"{{ source.raw_table }}"' })).problems).toEqual([]);
  });

  it('is refused without replace after a reload that may add rows, at its own line, with the replace to write', () => {
    const text = runbook({ replace: '' });
    const { file, problems } = problemsOf(text);
    expect(problems).toEqual([
      `${file}:${lineOf(text, '- id: restore_raw')}: at recovery[0].rollback.steps[0]: without replace, it puts back only the kept rows that are not there, and leaves beside them every row recovery step "reload" may have added after "keep_raw" kept them, though the rollback would say it passed: give it replace: { where: "true", keepTo: <a file for the rows there now> } (and destructive: true), so the window is put back exactly as kept`,
    ]);
  });

  it('loads without replace when what the recovery does after the keep only deletes rows: putting back the missing ones undoes it', () => {
    const after = '      - { id: drop_rows, kind: sql, title: Drop the raw rows, sql: "DELETE FROM {{source.raw_table}} WHERE true", expectRows: "{{previews.raw_rows}}", mutates: true, destructive: true }';
    expect(problemsOf(runbook({ replace: '', after })).problems).toEqual([]);
  });
});

/** The restore check's own problems (other checks refuse SQL of several statements, or a DELETE after a CTE, on their own lines). */
const withoutReplaceProblems = (after: string) => problemsOf(runbook({ replace: '', after })).problems.filter((problem) => problem.includes('without replace'));

describe("a rollback's restore-rows step without replace, after recovery steps that add no rows", () => {
  const deleting = (sql: string) => `      - { id: drop_rows, kind: sql, title: Drop the raw rows, sql: "${sql}", expectRows: "{{previews.raw_rows}}", mutates: true, destructive: true }`;
  const loadsAfter: Record<string, string> = {
    'a DELETE in a transaction': deleting('BEGIN TRANSACTION; DELETE FROM {{source.raw_table}} WHERE true; COMMIT;'),
    'a DELETE and a CHECKPOINT': deleting('DELETE FROM {{source.raw_table}} WHERE true; CHECKPOINT;'),
    'a DELETE after a CTE': deleting('WITH gone AS (SELECT 1) DELETE FROM {{source.raw_table}} WHERE true'),
    'a schedule start': '      - { id: start_schedules, kind: dagster-schedule-start, title: Start the schedules, schedules: all_pipelines_daily, definitionsFile: defs.py, mutates: true }',
    'a daemon start': '      - { id: start_daemon, kind: dagster-daemon-start, title: Start the daemon, mutates: true }',
    'a move aside': '      - { id: move_aside, kind: move, title: Move the log aside, from: "{{state_dir}}/a.log", to: "{{state_dir}}/a.log.old", mutates: true, destructive: true }',
    'a copy of a file': '      - { id: copy_aside, kind: copy-file, title: Copy the log, from: "{{state_dir}}/a.log", to: "{{state_dir}}/a.log.copy", mutates: true }',
  };
  for (const [what, after] of Object.entries(loadsAfter)) {
    it(`loads after ${what}`, () => {
      // A step that is no SQL loads whole; SQL of several statements is refused by its own check, not this one.
      expect(after.includes('kind: sql') ? withoutReplaceProblems(after) : problemsOf(runbook({ replace: '', after })).problems).toEqual([]);
    });
  }

  const refusedAfter: Record<string, [string, string]> = {
    'an INSERT after a DELETE': ['drop_rows', deleting('DELETE FROM {{source.raw_table}} WHERE true; INSERT INTO {{source.raw_table}} SELECT * FROM {{source.raw_table}}')],
    'a CTE that inserts before its DELETE': ['drop_rows', deleting('WITH added AS (INSERT INTO {{source.raw_table}} SELECT * FROM {{source.raw_table}} RETURNING 1) DELETE FROM {{source.raw_table}} WHERE true')],
    'a backup copied into the database\'s place': ['copy_in', '      - { id: copy_in, kind: copy-file, title: Copy the backup in, from: "{{state_dir}}/backup.duckdb", to: "{{ database_path }}", mutates: true }'],
  };
  for (const [what, [id, after]] of Object.entries(refusedAfter)) {
    it(`is refused after ${what}, naming it`, () => {
      expect(withoutReplaceProblems(after)).toEqual([expect.stringContaining(`without replace, it puts back only the kept rows that are not there, and leaves beside them every row recovery step "${id}" may have added`)]);
    });
  }
});
