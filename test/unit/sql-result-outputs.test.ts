// Tests a sql step's one-row result read as outputs ({{steps.<id>.n}}) and classified into statuses: at load, and run on a real DuckDB file.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StepRunContext } from '../../src/engine/steps/context.js';
import { runSqlStep } from '../../src/engine/steps/sql-step.js';
import type { ResolvedStep } from '../../src/engine/types.js';
import { runCommand } from '../../src/process/run-command.js';
import { createBackfillDatabase } from '../helpers/backfill-data.js';
import { projectRoot, useTempDirs } from '../support/fixtures.js';
import { bundled, refusalOf, type Doc } from '../support/planted-runbook.js';

const tempDir = useTempDirs('databox-sql-result-outputs-');

/** A folder of the bundled runbooks, which duckdb.yml's texts name. */
function runbooks(): string {
  const dir = tempDir();
  fs.cpSync(path.join(projectRoot, 'runbooks'), dir, { recursive: true });
  return dir;
}

const probe = (extra: Doc = {}): Doc => ({
  id: 'row_probe',
  kind: 'sql',
  title: 'Count the bird observations',
  sql: 'SELECT count(*) AS n FROM ebird.fct_daily_bird_observations',
  onlyIf: { step: 'open', status: ['ok', 'read-only'] },
  ...extra,
});

/** duckdb.yml with the probe among its diagnosis steps and, before the healthy verdict, one that reads it. */
function withProbe(step: Doc, verdict: Doc): Doc {
  const doc = bundled('duckdb.yml');
  doc.diagnosis.steps.splice(1, 0, step);
  const verdicts = doc.diagnosis.verdicts as Doc[];
  verdicts.splice(verdicts.length - 1, 0, { id: 'no-birds', title: 'The bird mart is empty', severity: 'warning', paths: [], ...verdict });
  return doc;
}

const verdictIndex = () => (bundled('duckdb.yml').diagnosis.verdicts as Doc[]).length - 1;

describe('a sql step read by a verdict, at load', () => {
  it('loads with a declared column read as a value and a status its classify rule gives', () => {
    const doc = withProbe(probe({ outputs: ['n'], classify: [{ status: 'empty', output: 'n', below: 1 }] }), {
      when: { step: 'row_probe', status: 'empty' },
      advice: 'The probe counted {{steps.row_probe.n}} rows.',
    });
    expect(refusalOf(runbooks(), 'duckdb.yml', doc)).toEqual([]);
  });

  it('says how to read a value of the result where {{…rowCount}} is not it and {{…rows.n}} reads into a list', () => {
    const doc = withProbe(probe(), { when: { step: 'row_probe', status: 'ok' }, advice: 'The probe counted {{steps.row_probe.n}} rows, {{steps.row_probe.rows.n}} of them.' });
    const how = 'A value of its result is read by naming its column in the step (outputs: [n]) and then {{steps.row_probe.n}}, its result then one row; rowCount is how many rows the result has';
    expect(refusalOf(runbooks(), 'duckdb.yml', doc)).toEqual([
      `at diagnosis.verdicts[${verdictIndex()}].advice: {{steps.row_probe.n}}: step "row_probe" (sql) has no output "n"; it has: rows, columns, rowCount, problem, status, summary. ${how}`,
      `at diagnosis.verdicts[${verdictIndex()}].advice: {{steps.row_probe.rows.n}}: steps.row_probe.rows is a list, which has no ".n": read {{steps.row_probe.rows}} itself (in a command's forEach). ${how}`,
    ]);
  });

  it('refuses a classify rule on a column not declared, a status no rule gives, and a declared column with expectRows', () => {
    const undeclared = withProbe(probe({ outputs: ['n'], classify: [{ status: 'empty', output: 'count', atLeast: 0 }] }), {
      when: { step: 'row_probe', status: 'empty' },
      advice: 'The probe counted {{steps.row_probe.n}} rows.',
    });
    expect(refusalOf(runbooks(), 'duckdb.yml', undeclared)).toEqual(['at diagnosis.steps[1].classify[0].output: "count" is not one of this step\'s outputs; its outputs: n']);
    const noSuchStatus = withProbe(probe({ outputs: ['n'], classify: [{ status: 'empty', output: 'n', below: 1 }] }), {
      when: { step: 'row_probe', status: 'none' },
      advice: 'The probe counted {{steps.row_probe.n}} rows.',
    });
    expect(refusalOf(runbooks(), 'duckdb.yml', noSuchStatus)).toEqual([expect.stringMatching(new RegExp(`^at diagnosis\\.verdicts\\[${verdictIndex()}\\]\\.when(\\.status)?: .*"none".*empty`))]);
    const changing = bundled('duckdb.yml');
    changing.recovery[0].steps.push({ id: 'trim', kind: 'sql', title: 'Trim', sql: 'UPDATE t SET a = 1', mutates: true, destructive: true, expectRows: '1', outputs: ['n'] });
    expect(refusalOf(runbooks(), 'duckdb.yml', changing)).toContain(
      `at recovery[0].steps[${changing.recovery[0].steps.length - 1}].outputs: a statement with expectRows gives the number of rows it changed ({{steps.<id>.rowCount}}), not a result to read: take outputs out`,
    );
  });
});

describe('a sql classify rule giving "failed", read by a verdict on failed', () => {
  it('is still refused, as a statement that fails ends failed with no value (the diagnosis runs on past it), saying to give the rule a status of its own', () => {
    const doc = withProbe(probe({ outputs: ['n'], classify: [{ status: 'failed', output: 'n', atLeast: 1000000 }] }), {
      when: { step: 'row_probe', status: 'failed' },
      advice: 'The probe counted {{steps.row_probe.n}} rows, too many.',
    });
    expect(refusalOf(runbooks(), 'duckdb.yml', doc)).toEqual([
      `at diagnosis.verdicts[${verdictIndex()}].advice: {{steps.row_probe.n}}: steps.row_probe.n is not set when row_probe's status is failed, which verdict "no-birds" matches: narrow its condition to the statuses that set it, or write {{steps.row_probe.n?}} to say nothing then. Its classify rule giving "failed" sets n, but row_probe also ends "failed" with no value when it could not run or read its result: give that rule a status of its own (it fails the step all the same unless acceptStatuses lists it) and name that status here`,
    ]);
  });

  it('loads once the rule gives a status of its own, which the verdict names', () => {
    const doc = withProbe(probe({ outputs: ['n'], classify: [{ status: 'too-many', output: 'n', atLeast: 1000000 }] }), {
      when: { step: 'row_probe', status: 'too-many' },
      advice: 'The probe counted {{steps.row_probe.n}} rows, too many.',
    });
    expect(refusalOf(runbooks(), 'duckdb.yml', doc)).toEqual([]);
  });
});

describe('a classify rule giving a status the engine or the kind gives with a meaning of its own', () => {
  it('is refused: a sql rule giving "unreachable" (MotherDuck not reached, with no problem said), and a command rule giving "skipped" (which passes)', () => {
    const sql = withProbe(probe({ outputs: ['n'], classify: [{ status: 'unreachable', output: 'n', below: 1 }] }), {
      when: { step: 'row_probe', status: 'unreachable' },
      advice: 'Not reached: {{steps.row_probe.problem}}',
    });
    expect(refusalOf(runbooks(), 'duckdb.yml', sql)).toEqual([
      'at diagnosis.steps[1].classify[0].status: "unreachable" is how step "row_probe" is said to have ended when its database (MotherDuck) could not be reached, its problem saying why, and every reader would take this rule\'s result for that: give the rule a status of its own',
    ]);
    const command = bundled('duckdb.yml');
    command.diagnosis.steps[3].classify.push({ exit: 3, status: 'skipped' });
    expect(refusalOf(runbooks(), 'duckdb.yml', command)).toEqual([
      'at diagnosis.steps[3].classify[2].status: "skipped" is how step "audit" is said to have ended when its onlyIf did not hold, so it did not run (and it passes), and every reader would take this rule\'s result for that: give the rule a status of its own',
    ]);
  });
});

describe('a sql classify rule an earlier rule always wins over (first match wins)', () => {
  const reading = (classify: Doc[]) =>
    withProbe(probe({ outputs: ['n', 'kind'], sql: 'SELECT count(*) AS n, any_value(species) AS kind FROM ebird.fct_daily_bird_observations', classify }), {
      when: { step: 'row_probe', status: ['some', 'many'] },
      advice: 'The probe counted {{steps.row_probe.n}} rows.',
    });

  it('is refused naming the step, both rules as written and what to do: a wider bound first, or the same test twice', () => {
    const wider = reading([
      { status: 'some', output: 'n', atLeast: 1 },
      { status: 'many', output: 'n', atLeast: 5 },
    ]);
    expect(refusalOf(runbooks(), 'duckdb.yml', wider)).toEqual([
      'at diagnosis.steps[1].classify[1]: can never match: step "row_probe"\'s classify[0] { output: n, atLeast: 1, status: some } comes first and matches everything classify[1] { output: n, atLeast: 5, status: many } would, so "many" is never given: put it before classify[0], or remove it',
    ]);
    const twice = reading([
      { status: 'some', output: 'kind', match: '^gull' },
      { status: 'many', output: 'kind', match: '^gull', below: 3 },
      { status: 'many', output: 'n', below: 10 },
      { status: 'some', output: 'n', below: 10 },
    ]);
    expect(refusalOf(runbooks(), 'duckdb.yml', twice)).toEqual([
      'at diagnosis.steps[1].classify[1]: can never match: step "row_probe"\'s classify[0] { output: kind, match: "^gull", status: some } comes first and matches everything classify[1] { output: kind, match: "^gull", below: 3, status: many } would, so "many" is never given: put it before classify[0], or remove it',
      'at diagnosis.steps[1].classify[3]: can never match: step "row_probe"\'s classify[2] { output: n, below: 10, status: many } comes first and matches everything classify[3] { output: n, below: 10, status: some } would, so "some" is never given: both test the same, so remove the one whose status is not meant',
    ]);
  });

  it('loads where the later rule may still match: narrower first, another output, another pattern, or a number test the earlier lacks', () => {
    const doc = reading([
      { status: 'many', output: 'n', atLeast: 5 },
      { status: 'some', output: 'n', atLeast: 1 },
      { status: 'some', output: 'kind', match: '^gull' },
      { status: 'many', output: 'kind', match: 'gull$' },
      { status: 'many', output: 'n', match: '^1', below: 10 },
      { status: 'some', output: 'n', match: '^1' },
    ]);
    expect(refusalOf(runbooks(), 'duckdb.yml', doc)).toEqual([]);
  });
});

async function context(): Promise<StepRunContext> {
  const dir = tempDir();
  const file = path.join(dir, 'databox.duckdb');
  await createBackfillDatabase(file, { lastDay: '2026-04-24', rowsPerDay: 3 });
  return { root: dir, databasePath: file, stateDir: path.join(dir, 'var'), incidentId: 'dbx-20260425-0001', runId: 'dbx-20260425-0001/1', diskFullPercent: 95, runCommand, redact: (text) => text, clock: () => new Date('2026-04-25T08:00:00Z'), progress: () => {} };
}

const sqlStep = (sql: string, extra: Doc = {}) =>
  ({ id: 'row_probe', title: 'probe', kind: 'sql', target: 'local', sql, params: [], mutates: false, destructive: false, acceptStatuses: [], timeoutMs: 60_000, guard: false, ...extra }) as Extract<ResolvedStep, { kind: 'sql' }>;

describe('a sql step with outputs, run', () => {
  it('gives the declared column as a value, and the status of the first classify rule that matches', async () => {
    const ctx = await context();
    const counted = await runSqlStep(sqlStep('SELECT count(*) AS n FROM raw_ebird.observations', { outputs: ['n'], classify: [{ status: 'empty', output: 'n', below: 1 }] }), ctx);
    expect(counted).toMatchObject({ status: 'ok', outputs: { n: expect.stringMatching(/^[1-9]\d*$/), rowCount: 1 } });
    expect(counted.summary).toBe(`n ${counted.outputs?.n as string}`);
    const none = await runSqlStep(sqlStep('SELECT count(*) AS n FROM raw_ebird.observations WHERE false', { outputs: ['n'], classify: [{ status: 'empty', output: 'n', below: 1 }] }), ctx);
    expect(none).toMatchObject({ status: 'empty', outputs: { n: '0' } });
  });

  it('fails, saying why, on a result that is not one row, lacks the column, or has it NULL', async () => {
    const ctx = await context();
    const twoRows = await runSqlStep(sqlStep('SELECT 1 AS n UNION ALL SELECT 2', { outputs: ['n'] }), ctx);
    expect(twoRows).toMatchObject({ status: 'failed', summary: 'the result gave 2 rows, where its outputs (n) read one row: make the SELECT give exactly one (an aggregate such as count(*) does)' });
    expect(twoRows.outputs).toEqual({});
    const unnamed = await runSqlStep(sqlStep('SELECT count(*) FROM raw_ebird.observations', { outputs: ['n'] }), ctx);
    expect(unnamed).toMatchObject({ status: 'failed', summary: 'the result gave no column "n" (its columns: count_star()), which its outputs name: name it in the SELECT (… AS n)' });
    const empty = await runSqlStep(sqlStep('SELECT max(observation_date) AS n FROM raw_ebird.observations WHERE false', { outputs: ['n'] }), ctx);
    expect(empty).toMatchObject({ status: 'failed', summary: 'the result gave NULL for "n", which its outputs read as a value: give it one in the SELECT (coalesce(…, 0) AS n)' });
  });
});

describe('a typo of a sql step output', () => {
  it('is told the output meant, not to declare a column of that name', () => {
    const doc = withProbe(probe(), { when: { step: 'row_probe', status: 'ok' }, advice: 'The probe gave {{steps.row_probe.rowcount}} rows.' });
    expect(refusalOf(runbooks(), 'duckdb.yml', doc)).toEqual([
      `at diagnosis.verdicts[${verdictIndex()}].advice: {{steps.row_probe.rowcount}}: step "row_probe" (sql) has no output "rowcount" (did you mean "rowCount"?); it has: rows, columns, rowCount, problem, status, summary`,
    ]);
  });
});
