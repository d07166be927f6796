// Tests that a kept file named the same on every run (export-rows' `to:`, restore-rows' `keepTo`s) is refused when its runbook loads, not when a plan is made.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadRunbooks, RunbookError } from '../../src/runbook/load.js';
import { projectRoot, useTempDirs } from '../support/fixtures.js';
import { escapeRegExp } from '../support/escape-regexp.js';
import { bundled, type Doc } from '../support/planted-runbook.js';

const tempDir = useTempDirs('databox-kept-file-per-run-');

/** Loads the bundled runbooks with `doc` as backfill.yml: the refusal's lines, each with the file's path and line cut off, or [] when it loaded. */
function refusalOfBackfill(doc: Doc): string[] {
  const dir = tempDir();
  fs.cpSync(path.join(projectRoot, 'runbooks'), dir, { recursive: true });
  const file = path.join(dir, 'backfill.yml');
  fs.writeFileSync(file, stringify(doc));
  try {
    loadRunbooks(dir);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(RunbookError);
    const prefix = new RegExp(`^${escapeRegExp(file)}:\\d+: `);
    const lines = (error as Error).message.split('\n');
    for (const line of lines) expect(line, line).toMatch(prefix);
    return lines.map((line) => line.replace(prefix, ''));
  }
}

const step = (doc: Doc, id: string): Doc => doc.recovery[0].steps.find((s: Doc) => s.id === id);
const rollbackStep = (doc: Doc, id: string): Doc => doc.recovery[0].rollback.steps.find((s: Doc) => s.id === id);

const refused = (at: string, id: string, to: string) =>
  `at ${at}: the export-rows step "${id}" keeps its rows in the same file on every run ("${to}"), so a second recovery would find an earlier one's kept rows there and be refused: ` +
  'give `to:` a part unique to each run, such as {{now}} (the time the plan is made), beside {{incident_id}}';

describe("an export-rows step's `to:` with no part unique to each run", () => {
  it("is refused when the runbook loads, naming the step, the field and what to add (the window's days and the incident are not enough)", () => {
    const doc = bundled('backfill.yml');
    const to = '{{state_dir}}/backups/{{incident_id}}/{{source.raw_table}}.{{from}}_{{to}}.parquet';
    step(doc, 'keep_raw').to = to;
    expect(refusalOfBackfill(doc)).toEqual([refused('recovery[0].steps[2].to', 'keep_raw', to)]);
  });

  it("is refused in a rollback's steps too", () => {
    const doc = bundled('backfill.yml');
    const to = '{{state_dir}}/backups/{{incident_id}}/{{source.mart_table}}.before-rollback.parquet';
    rollbackStep(doc, 'keep_mart_now').to = to;
    expect(refusalOfBackfill(doc)).toEqual([refused('recovery[0].rollback.steps[1].to', 'keep_mart_now', to)]);
  });

  it("is refused when it reads one of the runbook's names that is not made of {{now}}", () => {
    const doc = bundled('backfill.yml');
    doc.names = { incident: '{{incident_slug}}' };
    const to = '{{state_dir}}/backups/{{names.incident}}/{{source.raw_table}}.parquet';
    step(doc, 'keep_raw').to = to;
    expect(refusalOfBackfill(doc)).toEqual([refused('recovery[0].steps[2].to', 'keep_raw', to)]);
  });

  it("loads when it reads {{now}} through one of the runbook's names, or with spaces inside the braces", () => {
    const doc = bundled('backfill.yml');
    doc.names = { run: '{{incident_slug}}_{{now}}' };
    step(doc, 'keep_raw').to = '{{state_dir}}/backups/{{names.run}}/{{source.raw_table}}.parquet';
    step(doc, 'keep_mart').to = '{{state_dir}}/backups/{{incident_id}}/{{source.mart_table}}.{{ now }}.parquet';
    expect(refusalOfBackfill(doc)).toEqual([]);
  });
});

const keptAsideRefused = (at: string, id: string, field: string, keepTo: string, holds = 'the rows it replaces') =>
  `at ${at}: the restore-rows step "${id}" keeps ${holds} in the same file on every run ("${keepTo}"), so a second rollback would find an earlier one's kept rows there and be refused: ` +
  `give \`${field}\` a part unique to each run, such as {{now}} (the time the plan is made), beside {{incident_id}}`;

describe("a restore-rows step's `replace.keepTo` or `replace.reloadRowsAround.keepTo` with no part unique to each run", () => {
  it('is refused when the runbook loads, naming the step, the field and what to add', () => {
    const doc = bundled('backfill.yml');
    const keepTo = '{{state_dir}}/backups/{{incident_id}}/{{source.raw_table}}.{{from}}_{{to}}.before-rollback.parquet';
    rollbackStep(doc, 'restore_rows').replace.keepTo = keepTo;
    expect(refusalOfBackfill(doc)).toEqual([keptAsideRefused('recovery[0].rollback.steps[0].replace.keepTo', 'restore_rows', 'replace.keepTo', keepTo)]);
  });

  it("is refused for the reload's rows around the window too", () => {
    const doc = bundled('backfill.yml');
    const keepTo = '{{state_dir}}/backups/{{incident_id}}/{{source.raw_table}}.{{from}}_{{to}}.reload-rows-around.parquet';
    rollbackStep(doc, 'restore_rows').replace.reloadRowsAround.keepTo = keepTo;
    expect(refusalOfBackfill(doc)).toEqual([
      keptAsideRefused('recovery[0].rollback.steps[0].replace.reloadRowsAround.keepTo', 'restore_rows', 'replace.reloadRowsAround.keepTo', keepTo, "the reload's rows around the window"),
    ]);
  });

  it("is refused when it reads one of the runbook's names that is not made of {{now}}, and loads when it reads one that is", () => {
    const doc = bundled('backfill.yml');
    doc.names = { incident: '{{incident_slug}}', run: '{{incident_slug}}_{{now}}' };
    const keepTo = '{{state_dir}}/backups/{{names.incident}}/{{source.mart_table}}.parquet';
    doc.recovery[1].rollback.steps[0].replace.keepTo = keepTo;
    doc.recovery[1].rollback.steps[1].replace.keepTo = '{{state_dir}}/backups/{{names.run}}/{{source.combined_mart_table}}.parquet';
    expect(refusalOfBackfill(doc)).toEqual([keptAsideRefused('recovery[1].rollback.steps[0].replace.keepTo', 'restore_mart', 'replace.keepTo', keepTo)]);
  });
});
