// Holds README "Writing a runbook" to the code: its worked example loads, and its tables name what the schema and step kinds declare.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineStatuses } from '../../src/engine/execute-steps.js';
import { forStep } from '../../src/engine/steps/define-step-kind.js';
import { stepKinds } from '../../src/engine/steps/index.js';
import { engineValueNames, scopedValueNames, targetFieldNames, targetValueNames } from '../../src/engine/template-values.js';
import { checkRunbooks, checkRunbookText } from '../../src/runbook/load.js';
import { followUp, parameter, recoveryPath, runbook, verdict } from '../../src/runbook/schema.js';
import { stepCommon } from '../../src/runbook/step-common.js';
import { projectRoot, useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('databox-readme-runbook-');
const readme = fs.readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
const examplePath = path.join(projectRoot, 'test', 'fixtures', 'runbooks', 'soda.yml');

/** The text of README's "## Writing a runbook", up to the next top-level section. */
function guide(): string {
  const start = readme.indexOf('\n## Writing a runbook\n');
  expect(start, 'README has a "## Writing a runbook" section').toBeGreaterThan(-1);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

/** The lines of the guide's "### <heading>" subsection. */
function subsection(heading: string): string[] {
  const lines = guide().split('\n');
  const start = lines.indexOf(`### ${heading}`);
  expect(start, `README "Writing a runbook" has a "### ${heading}"`).toBeGreaterThan(-1);
  const end = lines.findIndex((line, i) => i > start && line.startsWith('### '));
  return lines.slice(start + 1, end === -1 ? undefined : end);
}

/** The n-th table (0 first) of a subsection, as rows of cells, its header and separator left out; `\|` is a pipe inside a cell. */
function table(heading: string, n = 0): string[][] {
  const tables: string[][][] = [];
  let current: string[][] | undefined;
  for (const line of subsection(heading)) {
    if (!line.startsWith('|')) {
      current = undefined;
      continue;
    }
    if (!current) tables.push((current = []));
    current.push(line.split(/(?<!\\)\|/).slice(1, -1).map((cell) => cell.trim()));
  }
  const found = tables[n];
  expect(found, `table ${n + 1} under "### ${heading}"`).toBeDefined();
  return found!.slice(2);
}

/** The names a cell writes as code (`argv`, `cwd?`), outside parentheses, which hold notes and examples. */
function codeNames(cell: string): string[] {
  return [...cell.replace(/\([^)]*\)/g, '').matchAll(/`([^`]+)`/g)].map((match) => match[1] as string);
}

/** The keys every row's first cell names, over the whole table. */
const firstColumnNames = (rows: string[][]) => rows.flatMap((row) => codeNames(row[0] ?? ''));

const sorted = (names: Iterable<string>) => [...new Set(names)].sort();

/** The row whose first cell names `name` first. */
function rowOf(rows: string[][], name: string): string[] {
  const row = rows.find((cells) => codeNames(cells[0] ?? '')[0] === name);
  expect(row, `a row for ${name}`).toBeDefined();
  return row!;
}

/**
 * Steps standing for every variant of a kind whose statuses or outputs depend on the step's fields: the README lists
 * what all of them can give. Only the fields the kind's declaration reads are set.
 */
const variants: Record<string, Record<string, unknown>[]> = {
  command: [{ classify: [], detach: false }, { classify: [], detach: true }],
  sql: [{}, { expectRows: '1' }, { mutates: true, params: [], sql: 'BEGIN TRANSACTION; DELETE FROM t; COMMIT' }],
  'duckdb-open': [{ expectSchemas: [] }, { checkWritable: true, expectSchemas: ['raw_ebird'] }],
  'duckdb-scan': [{ expectSchemas: [], expectMarts: [] }, { expectSchemas: ['raw_ebird'], expectMarts: ['main.fct'] }],
  'disk-usage': [{}, { alsoPath: 'x', nearlyFull: 90, roomFor: 'x', checkFolder: true }],
  'export-rows': [{}, { ifTableMissing: 'skip' }],
  'restore-rows': [{}, { replace: { reloadRowsAround: {} } }],
  'day-counts': [{}, { compareWith: 'counts', tellApartFrom: 'counts' }],
  'mart-freshness': [{}, { through: 'x' }],
  'snapshot-history': [{}, { snapshot: 'x', stopsOnLaterWrites: true }],
  'table-counts': [{ notFewerThan: [], writtenSince: [] }, { notFewerThan: ['counts'], flagUnchanged: true, writtenSince: ['counts'] }],
  'leftover-clones': [{ drop: false }, { drop: true }],
  'bot-snapshots': [{ target: 'backend' }, { release: true }],
};

/** What a kind declares over all its variants: fixed lists as they are, lists that depend on the step for each variant. */
function declaredOver<T>(kind: string, declared: T | ((step: never) => T), names: (value: T) => string[]): string[] {
  if (typeof declared !== 'function') return sorted(names(declared));
  const steps = variants[kind];
  if (!steps) throw new Error(`the ${kind} kind's declaration depends on the step: add its variants to this test`);
  return sorted(steps.flatMap((step) => names(forStep(declared, step as never))));
}

describe('README "Writing a runbook"', () => {
  it('shows the example runbook test/fixtures/runbooks/soda.yml as it is', () => {
    const block = /```yaml\n([\s\S]*?)```/.exec(guide());
    expect(block, 'a ```yaml block').not.toBeNull();
    expect(block![1]).toBe(fs.readFileSync(examplePath, 'utf8'));
  });

  it('its example loads alone and beside the bundled runbooks, as `runbooks check` loads a folder', () => {
    const alone = tempDir();
    fs.copyFileSync(examplePath, path.join(alone, 'soda.yml'));
    const checkedAlone = checkRunbooks(alone);
    expect(checkedAlone.problems).toEqual([]);
    expect([...checkedAlone.runbooks.keys()]).toEqual(['soda']);

    const beside = tempDir();
    const bundled = path.join(projectRoot, 'runbooks');
    for (const name of fs.readdirSync(bundled).filter((file) => file.endsWith('.yml'))) fs.copyFileSync(path.join(bundled, name), path.join(beside, name));
    fs.copyFileSync(examplePath, path.join(beside, 'soda.yml'));
    expect(checkRunbooks(beside).problems).toEqual([]);
  });

  it('shows the refusals `runbooks check` gives for the two mistakes it makes in the example', () => {
    const example = fs.readFileSync(examplePath, 'utf8');
    const mistakes = [
      ['when: { step: results, status: failing }', 'when: { step: results, status: failng }'],
      ['{{steps.scan.exitCode}}', '{{steps.scan.output}}'],
    ] as const;
    for (const [right, wrong] of mistakes) {
      expect(example).toContain(right);
      const checked = checkRunbookText(example.replace(right, wrong), '/srv/runbooks/soda.yml');
      expect(checked.ok).toBe(false);
      for (const problem of checked.ok ? [] : checked.problems) expect(subsection('Checking a runbook').join('\n'), 'the refusal as README shows it').toContain(problem);
    }
  });

  it('lists every step kind, and only those, with the fields its schema has', () => {
    const rows = table('Step kinds');
    expect(sorted(rows.flatMap((row) => codeNames(row[0] ?? '')))).toEqual(sorted(stepKinds.map((kind) => kind.kind)));
    const common = new Set([...Object.keys(stepCommon), 'kind']);
    for (const kind of stepKinds) {
      const row = rowOf(rows, kind.kind);
      const shape = kind.schema.shape as Record<string, { safeParse(value: unknown): { success: boolean } }>;
      const fields = Object.keys(shape)
        .filter((field) => !common.has(field))
        .map((field) => (shape[field]!.safeParse(undefined).success ? `${field}?` : field));
      expect(sorted(codeNames(row[2] ?? '')), `fields of ${kind.kind}`).toEqual(sorted(fields));
    }
  });

  it("lists each step kind's statuses and outputs as the kind declares them", () => {
    const rows = table('Step kinds');
    for (const kind of stepKinds) {
      const row = rowOf(rows, kind.kind);
      expect(sorted(codeNames(row[3] ?? '')), `statuses of ${kind.kind}`).toEqual(declaredOver(kind.kind, kind.statuses as never, (statuses: readonly string[]) => [...statuses]));
      expect(sorted(codeNames(row[4] ?? '')), `outputs of ${kind.kind}`).toEqual(declaredOver(kind.kind, kind.outputs as never, (outputs: object) => Object.keys(outputs)));
    }
  });

  it('says which step kinds must mutate (or be destructive) and which may not mutate, as their rules say', () => {
    const rows = table('Step kinds');
    // A step of each kind, its other fields as plain as its rules read them: only mutates and destructive vary.
    const plain = { id: 'x', title: 'x', argv: ['true'], classify: [], cwd: '.', env: {}, sql: 'SELECT 1', params: [], where: 'true', table: 't', from: 'a', to: 'b', tables: [], seenBy: [], acceptStatuses: [], expectSchemas: [], expectMarts: [], notFewerThan: [], writtenSince: [], schedules: [], databases: [], database: 'd', name: 'n', path: 'p', job: 'j', definitionsFile: 'f' };
    for (const kind of stepKinds) {
      const refused = (mutates: boolean) => (kind.rules?.({ ...plain, kind: kind.kind, mutates, destructive: false } as never) ?? []).map((issue) => issue.at.join('.'));
      const changes = rowOf(rows, kind.kind)[5] ?? '';
      expect(changes.startsWith('mutates'), `${kind.kind}: "${changes}" starts with "mutates" where the kind must mutate`).toBe(refused(false).includes('mutates'));
      expect(changes.includes('mutates refused'), `${kind.kind}: "${changes}" says "mutates refused" where the kind may not mutate`).toBe(refused(true).includes('mutates'));
      expect(changes.includes('destructive (required)'), `${kind.kind}: "${changes}" says "destructive (required)" where the kind must be`).toBe(refused(true).includes('destructive'));
    }
  });

  it('names the statuses the engine gives any step', () => {
    const sentence = /one the engine gives any step: ([^.]*)\./.exec(guide().replace(/\n/g, ' '));
    expect(sentence, 'the sentence naming them').not.toBeNull();
    expect(sorted(codeNames(sentence![1]!))).toEqual(sorted(engineStatuses));
  });

  it("lists every field common to all steps, every top-level key, every parameter type's fields, and those of verdicts, paths, rollbacks and follow-ups", () => {
    expect(sorted(firstColumnNames(table('Steps')))).toEqual(sorted([...Object.keys(stepCommon), 'kind']));
    expect(sorted(firstColumnNames(table('Top-level keys')))).toEqual(sorted(Object.keys(runbook.shape)));
    const types = table('Parameters');
    const options = parameter.options as unknown as { shape: Record<string, unknown> & { type: { value: string } } }[];
    expect(sorted(firstColumnNames(types))).toEqual(sorted(options.map((option) => option.shape.type.value)));
    const shared = new Set(['type', 'description', 'required', 'default']);
    for (const option of options) {
      const row = rowOf(types, option.shape.type.value);
      expect(sorted(codeNames(row[1] ?? '')), `fields of a ${option.shape.type.value} parameter`).toEqual(sorted(Object.keys(option.shape).filter((field) => !shared.has(field))));
    }
    expect(sorted(firstColumnNames(table('Verdicts')))).toEqual(sorted(Object.keys(verdict.shape)));
    expect(sorted(firstColumnNames(table('Recovery paths')))).toEqual(sorted(Object.keys(recoveryPath.shape)));
    expect(sorted(firstColumnNames(table('Recovery paths', 1)))).toEqual(sorted(Object.keys(recoveryPath.shape.rollback.unwrap().shape)));
    expect(sorted(firstColumnNames(table('Recovery paths', 2)))).toEqual(sorted(Object.keys(followUp.shape)));
  });

  it('lists every value the engine gives templates, and the targets and their fields', () => {
    const names = firstColumnNames(table('Template values'));
    const topNames = names.map((name) => /^\{\{([^.?}]+)/.exec(name)?.[1]).filter((name): name is string => name !== undefined && name !== '<parameter>');
    expect(sorted(topNames)).toEqual(sorted([...engineValueNames, ...scopedValueNames]));
    const targets = names.find((name) => name.startsWith('{{targets.'));
    expect(targets).toBe(`{{targets.<${targetValueNames.join('\\|')}>.<${targetFieldNames.join('\\|')}>}}`);
  });
});
