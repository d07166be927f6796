// Tests runbook loading and validation (src/runbook/load.ts, src/runbook/schema.ts): the shipped runbooks load, broken ones stop with file, path and problem.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadRunbooks, parseRunbook, RunbookError } from '../../src/runbook/load.js';
import type { Step } from '../../src/runbook/schema.js';
import { resolveStep } from '../../src/engine/resolve.js';
import { projectRoot, useTempDirs } from '../support/fixtures.js';
import { escapeRegExp } from '../support/escape-regexp.js';

const runbooksDir = path.join(projectRoot, 'runbooks');
const tempDir = useTempDirs('databox-runbooks-');

// The YAML document as plain data, so a test can break one thing in an otherwise valid runbook.
type Doc = Record<string, any>;
const duckdbText = fs.readFileSync(path.join(runbooksDir, 'duckdb.yml'), 'utf8');
const duckdbDoc = (): Doc => parse(duckdbText) as Doc;

/** The bundled runbooks' texts by file name: a runbook loads beside those its texts name. */
const bundledTexts = (): Record<string, string> => Object.fromEntries(fs.readdirSync(runbooksDir).map((name) => [name, fs.readFileSync(path.join(runbooksDir, name), 'utf8')]));

/** A fresh temp dir of the bundled runbooks with `files` written over them. */
function besideBundled(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, text] of Object.entries({ ...bundledTexts(), ...files })) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

/** Writes files into a fresh temp dir and returns the error loadRunbooks throws (or fails the test). */
function loadError(files: Record<string, string>): { error: RunbookError; dir: string } {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  try {
    loadRunbooks(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(RunbookError);
    return { error: error as RunbookError, dir };
  }
  throw new Error(`loadRunbooks accepted ${Object.keys(files).join(', ')}`);
}

describe('the shipped runbooks', () => {
  const files = fs.readdirSync(runbooksDir).filter((name) => /\.ya?ml$/.test(name));

  it('has at least the scenario 1 runbook', () => {
    expect(files).toContain('duckdb.yml');
  });

  it('loads every runbooks/*.yml, each under the id of its file name', () => {
    const loaded = loadRunbooks(runbooksDir);
    expect([...loaded.keys()].sort()).toEqual(files.map((name) => name.replace(/\.ya?ml$/, '')).sort());
    for (const [id, rb] of loaded) expect(rb.id).toBe(id);
  });

  it('fills in schema defaults for duckdb.yml (mutates/destructive false, ifTaken suffix, path mustBe)', () => {
    const rb = loadRunbooks(runbooksDir).get('duckdb');
    expect(rb).toBeDefined();
    const open = rb?.diagnosis.steps.find((s) => s.id === 'open');
    expect(open).toMatchObject({ kind: 'duckdb-open', mutates: false, destructive: false, acceptStatuses: [] });
    const moveDb = rb?.recovery.find((p) => p.id === 'a')?.steps.find((s) => s.id === 'move_db');
    expect(moveDb).toMatchObject({ kind: 'move', ifTaken: 'suffix', ifMissing: 'skip', mutates: true, destructive: true });
    expect(rb?.parameters.backup).toMatchObject({ type: 'path', mustBe: 'duckdb-file', required: true });
    expect(rb?.recovery.map((p) => p.id)).toEqual(['a', 'b', 'w']);
  });

  it('loads a copy of duckdb.yml written back out by the test harness (the control for the broken cases)', () => {
    const dir = besideBundled({ 'duckdb.yml': stringify(duckdbDoc()) });
    expect(loadRunbooks(dir).get('duckdb')?.title).toBe('Blown DuckDB file (local backend)');
  });
});

interface BrokenCase {
  name: string;
  /** Breaks one thing in a copy of duckdb.yml. */
  breakIt: (doc: Doc) => void;
  /** Where inside the file the problem is, as the error must name it. */
  at: string;
  problem: RegExp;
}

const brokenCases: BrokenCase[] = [
  {
    name: 'an unknown step kind',
    breakIt: (doc) => {
      doc.recovery[0].steps[1].kind = 'shell';
    },
    at: 'recovery[0].steps[1].kind',
    problem: /^.*: unknown step kind "shell"; the step kinds are: command, sql, /,
  },
  {
    name: 'a command step with an empty argv',
    breakIt: (doc) => {
      doc.recovery[0].steps[5].argv = [];
    },
    at: 'recovery[0].steps[5].argv',
    problem: /is empty: it takes the program and its arguments, one element each/,
  },
  {
    name: 'a command step with an empty argv element',
    breakIt: (doc) => {
      doc.recovery[1].steps[5].argv = ['uv', ''];
    },
    at: 'recovery[1].steps[5].argv[1]',
    problem: /is empty text/,
  },
  {
    name: 'a move step not marked destructive',
    breakIt: (doc) => {
      delete doc.recovery[0].steps[1].destructive;
    },
    at: 'recovery[0].steps[1].destructive',
    problem: /moving a file is destructive: set destructive: true/,
  },
  {
    name: 'a copy-file step not marked as mutating',
    breakIt: (doc) => {
      delete doc.recovery[1].steps[4].mutates;
    },
    at: 'recovery[1].steps[4].mutates',
    problem: /a copy-file step mutates: set mutates: true/,
  },
  {
    name: 'a diagnosis step that mutates',
    breakIt: (doc) => {
      doc.diagnosis.steps[1].mutates = true;
    },
    at: 'diagnosis.steps[1]',
    problem: /diagnosis steps must be read-only/,
  },
  {
    name: 'a diagnosis SQL step that changes data without saying so',
    breakIt: (doc) => {
      doc.diagnosis.steps.push({ id: 'drop_it', kind: 'sql', title: 'Drop a table', sql: 'DROP TABLE raw_ebird' });
    },
    at: 'diagnosis.steps[4].mutates',
    problem: /this SQL changes data/,
  },
  {
    name: 'a guard that mutates',
    breakIt: (doc) => {
      doc.recovery[0].guards[0].mutates = true;
    },
    at: 'recovery[0].guards[0]',
    problem: /guards must be read-only/,
  },
  {
    name: 'an unknown parameter referenced by a path',
    breakIt: (doc) => {
      doc.recovery[1].parameters = ['backup', 'snapshot'];
    },
    at: 'recovery[1].parameters[1]',
    problem: /unknown parameter "snapshot"/,
  },
  {
    name: 'an unknown parameter referenced by the diagnosis',
    breakIt: (doc) => {
      doc.diagnosis.parameters = ['since'];
    },
    at: 'diagnosis.parameters[0]',
    problem: /unknown parameter "since"/,
  },
  {
    name: 'a parameter with a built-in name',
    breakIt: (doc) => {
      doc.parameters.database_path = { type: 'path', description: 'shadows the built-in' };
    },
    at: 'parameters.database_path',
    problem: /"database_path" is a built-in name/,
  },
  {
    name: 'a verdict offering a missing recovery path',
    breakIt: (doc) => {
      doc.diagnosis.verdicts[2].paths = ['a', 'c'];
    },
    at: 'diagnosis.verdicts[2].paths[1]',
    problem: /no recovery path "c"/,
  },
  {
    name: 'a verdict other than the last without a condition',
    breakIt: (doc) => {
      delete doc.diagnosis.verdicts[0].when;
    },
    at: 'diagnosis.verdicts[0].when',
    problem: /only the last verdict may omit "when"/,
  },
  {
    name: 'duplicate step ids within a path',
    breakIt: (doc) => {
      doc.recovery[0].steps[2].id = 'move_db';
    },
    at: 'recovery[0].steps[2].id',
    problem: /duplicate step id "move_db"/,
  },
  {
    name: 'a step id that repeats a guard id of its path',
    breakIt: (doc) => {
      doc.recovery[1].steps[0].id = 'backup_opens';
    },
    at: 'recovery[1].steps[0].id',
    problem: /duplicate step id "backup_opens"/,
  },
  {
    name: 'duplicate step ids in the diagnosis',
    breakIt: (doc) => {
      doc.diagnosis.steps[2].id = 'open';
    },
    at: 'diagnosis.steps[2].id',
    problem: /duplicate step id "open"/,
  },
  {
    name: 'duplicate step ids in the validation',
    breakIt: (doc) => {
      doc.validation.steps[2].id = 'verify';
    },
    at: 'validation.steps[2].id',
    problem: /duplicate step id "verify"/,
  },
  {
    name: 'duplicate step ids in a rollback',
    breakIt: (doc) => {
      doc.recovery[1].rollback.steps[4].id = 'restore_db';
    },
    at: 'recovery[1].rollback.steps[4].id',
    problem: /duplicate step id "restore_db"/,
  },
  {
    name: 'duplicate recovery path ids',
    breakIt: (doc) => {
      doc.recovery[1].id = 'a';
    },
    at: 'recovery[1].id',
    problem: /duplicate path id "a"/,
  },
  {
    name: 'a rollback step conditional on a step its path does not have',
    breakIt: (doc) => {
      doc.recovery[1].rollback.steps[0].onlyIfRan = 'move_sqlmesh';
    },
    at: 'recovery[1].rollback.steps[0].onlyIfRan',
    problem: /no recovery step "move_sqlmesh" in path b/,
  },
  {
    name: 'a timeout that is not a duration',
    breakIt: (doc) => {
      doc.diagnosis.steps[0].timeout = '30 seconds';
    },
    at: 'diagnosis.steps[0].timeout',
    problem: /expected a duration such as 30s, 15m, 2h or 1h30m/,
  },
  {
    name: 'a placeholder in a title, which is shown as written',
    breakIt: (doc) => {
      doc.diagnosis.steps[0].title = 'Open {{bakcup}} read-only';
    },
    at: 'diagnosis.steps[0].title',
    problem: /a title is shown as written, never filled in/,
  },
  {
    name: 'a placeholder left unclosed in an advice',
    breakIt: (doc) => {
      doc.diagnosis.verdicts[0].advice = 'The file is locked by PID {{steps.open.holderPid}.';
    },
    at: 'diagnosis.verdicts[0].advice',
    problem: /"\{\{steps\.open\.holderPid" is not a placeholder/,
  },
  {
    name: 'a timeout of 0',
    breakIt: (doc) => {
      doc.diagnosis.steps[0].timeout = '0s';
    },
    at: 'diagnosis.steps[0].timeout',
    problem: /must be more than 0/,
  },
  {
    name: 'a timeout longer than a timer can wait (Node would fire it at once)',
    breakIt: (doc) => {
      doc.diagnosis.steps[0].timeout = '25d';
    },
    at: 'diagnosis.steps[0].timeout',
    problem: /is longer than the bot can wait \(at most 24d/,
  },
  {
    name: 'a wait that asks less often than its deadline',
    breakIt: (doc) => {
      doc.diagnosis.steps[0].waitUntil = { status: ['ok'], every: '2h', deadline: '1h' };
    },
    at: 'diagnosis.steps[0].waitUntil.every',
    problem: /every is longer than the deadline/,
  },
  {
    // What the wait waits for is checked at load: a misspelt parameter would leave the step never waiting.
    name: "a wait's onlyIfGiven that names no parameter of its part",
    breakIt: (doc) => {
      const freshness = doc.validation.steps.find((s: Doc) => s.kind === 'mart-freshness');
      freshness.waitUntil = { status: ['fresh'], every: '1m', deadline: '1h', onlyIfGiven: 'to' };
    },
    at: 'validation.steps[4].waitUntil.onlyIfGiven',
    problem: /"to" is not a parameter the validation takes/,
  },
  {
    name: 'a classify rule whose match is not a regular expression',
    breakIt: (doc) => {
      doc.diagnosis.steps[3].classify[1].match = 'catalog error (unclosed';
    },
    at: 'diagnosis.steps[3].classify[1].match',
    problem: /not a valid regular expression/,
  },
  {
    name: 'a misspelt key in a step',
    breakIt: (doc) => {
      doc.recovery[0].steps[0].if_taken = 'fail';
    },
    at: 'recovery[0].steps[0]',
    problem: /if_taken/,
  },
  {
    name: 'a missing top-level field',
    breakIt: (doc) => {
      delete doc.summary;
    },
    at: 'summary',
    problem: /is missing: this place needs its summary \(text\)$/,
  },
];

describe('a duration written in several units', () => {
  it('is read wherever a runbook gives one (1h30m, 1d12h), as the same span in one unit would be', () => {
    const doc = duckdbDoc();
    doc.diagnosis.steps[0].timeout = '1h30m';
    const freshness = doc.validation.steps.find((s: Doc) => s.kind === 'mart-freshness');
    freshness.marts[0].maxLag = '1d12h';
    freshness.waitUntil = { status: ['fresh'], every: '1m30s', deadline: '1h30m' };
    const dir = besideBundled({ 'duckdb.yml': stringify(doc) });
    const rb = loadRunbooks(dir).get('duckdb')!;
    expect(resolveStep(rb.diagnosis.steps[0]!, { root: dir, values: { database_path: 'data/databox.duckdb' } }).timeoutMs).toBe(90 * 60_000);
    const loaded = rb.validation.steps.find((s) => s.kind === 'mart-freshness') as Extract<Step, { kind: 'mart-freshness' }>;
    expect(loaded.marts[0]?.maxLag).toBe(36 * 3_600_000);
    expect(loaded.waitUntil).toEqual({ status: ['fresh'], every: '1m30s', deadline: '1h30m' });
  });
});

describe("a guard's whenRefused", () => {
  it('is a guard\'s alone, its template checked at load', () => {
    const doc = duckdbDoc();
    const pathB = doc.recovery.find((p: Doc) => p.id === 'b');
    pathB.steps.find((s: Doc) => s.id === 'backup_reads').whenRefused = 'Try another backup.';
    const dir = besideBundled({ 'duckdb.yml': stringify(doc) });
    expect(() => loadRunbooks(dir)).toThrow(/whenRefused is said when a guard refuses a plan before it is shown, and this step is no guard/);
    delete pathB.steps.find((s: Doc) => s.id === 'backup_reads').whenRefused;
    pathB.guards.find((g: Doc) => g.id === 'backup_opens').whenRefused = 'Try another backup than {{bakup}}.';
    fs.writeFileSync(path.join(dir, 'duckdb.yml'), stringify(doc));
    expect(() => loadRunbooks(dir)).toThrow(/whenRefused: \{\{bakup\}\}/);
  });
});

describe("a step's whenFailed", () => {
  it('may read the counts the plan made (previews), which are known when it is filled in; a guard, counted before them, may not', () => {
    const doc = parse(fs.readFileSync(path.join(runbooksDir, 'backfill.yml'), 'utf8')) as Doc;
    const pathA = doc.recovery.find((p: Doc) => p.id === 'a');
    pathA.steps.find((s: Doc) => s.id === 'reload').whenFailed = 'The reload stopped: the {{previews.raw_rows}} raw rows it replaces are kept; roll back to put them back.';
    const dir = besideBundled({ 'backfill.yml': stringify(doc) });
    expect(() => loadRunbooks(dir)).not.toThrow();
    pathA.guards = [...(pathA.guards ?? []), { id: 'g', kind: 'disk-usage', title: 'Room', path: '{{database_path}}', whenFailed: 'Free {{previews.raw_rows}} rows of room' }];
    fs.writeFileSync(path.join(dir, 'backfill.yml'), stringify(doc));
    expect(() => loadRunbooks(dir)).toThrow(/whenFailed: \{\{previews\.raw_rows\}\}/);
  });

  it("is said with the values the plan is made with: a rollback step's, what the recovery did; a parameter's attributes", () => {
    const doc = duckdbDoc();
    const pathB = doc.recovery.find((p: Doc) => p.id === 'b');
    // On the step bound to move_db (onlyIfRan), which is in the rollback only when move_db moved the file.
    pathB.rollback.steps.find((s: Doc) => s.id === 'restore_db').whenFailed = 'Put it back by hand: mv {{recovery.move_db.to}} {{database_path}}, then `/databox validate duckdb incident={{incident_id}}`';
    const dir = besideBundled({ 'duckdb.yml': stringify(doc) });
    const step = loadRunbooks(dir).get('duckdb')!.recovery.find((p) => p.id === 'b')!.rollback!.steps.find((s) => s.id === 'restore_db')!;
    const values = { database_path: '/srv/databox/data/databox.duckdb', incident_id: 'dbx-20260420-3fa2', recovery: { move_db: { to: '/srv/databox/data/databox.duckdb.broken' } } };
    expect(resolveStep(step, { root: dir, values }).whenFailed).toBe(
      'Put it back by hand: mv /srv/databox/data/databox.duckdb.broken /srv/databox/data/databox.duckdb, then `/databox validate duckdb incident=dbx-20260420-3fa2`',
    );
  });
});

describe('a broken runbook stops the load with the file, the path inside it and what is wrong', () => {
  it.each(brokenCases)('$name', ({ breakIt, at, problem }) => {
    const doc = duckdbDoc();
    breakIt(doc);
    const { error, dir } = loadError({ 'duckdb.yml': stringify(doc) });
    const file = path.join(dir, 'duckdb.yml');
    const line = error.message.split('\n').find((l) => new RegExp(`^${escapeRegExp(file)}:\\d+: at ${escapeRegExp(at)}: `).test(l));
    expect(line, `no line "${file}:<line>: at ${at}: …" in:\n${error.message}`).toBeDefined();
    expect(line).toMatch(problem);
  });

  it('names an id that does not match the file name', () => {
    const { error, dir } = loadError({ 'disk-full.yml': duckdbText });
    // Line 2: the bundled file's first line is its comment; an editor opens "file:2" at the id.
    expect(duckdbText.split('\n')[1]).toBe('id: duckdb');
    expect(error.message).toBe(`${path.join(dir, 'disk-full.yml')}:2: at id: the id "duckdb" must match the file name "disk-full"`);
  });

  it('names invalid YAML with its line and column', () => {
    const text = 'id: duckdb\ntitle: Blown\nsymptoms: [one, two\nsection: 1\n';
    const { error, dir } = loadError({ 'duckdb.yml': text });
    expect(error.message).toMatch(new RegExp(`^${path.join(dir, 'duckdb.yml').replace(/[.]/g, '\\.')}:\\d+: not valid YAML: `));
    expect(error.message).toMatch(/line \d+, column \d+/);
  });

  it('names a key written twice in one mapping, with both lines, wherever it is', () => {
    const lines = duckdbText.split('\n');
    const section = lines.indexOf('section: 1');
    const severity = lines.findIndex((line) => /^\s+severity: /.test(line));
    const indent = /^\s*/.exec(lines[severity] as string)?.[0] ?? '';
    lines.splice(severity + 1, 0, `${indent}severity: warning`);
    lines.splice(section + 1, 0, 'section: 2');
    const { error, dir } = loadError({ 'duckdb.yml': lines.join('\n') });
    const file = path.join(dir, 'duckdb.yml');
    expect(error.message.split('\n')).toEqual([
      `${file}:${section + 2}: at section: "section" is written twice in this mapping, at lines ${section + 1} and ${section + 2}: a mapping holds one value per key, so one of them would not be read; keep the one meant and take the other out`,
      `${file}:${severity + 3}: at diagnosis.verdicts[0].severity: "severity" is written twice in this mapping, at lines ${severity + 2} and ${severity + 3}: a mapping holds one value per key, so one of them would not be read; keep the one meant and take the other out`,
    ]);
  });

  it('names a YAML document that is not a mapping as a top-level problem', () => {
    const { error, dir } = loadError({ 'duckdb.yml': '- just\n- a list\n' });
    expect(error.message).toBe(`${path.join(dir, 'duckdb.yml')}: not a runbook: its YAML is a list, where a runbook is a mapping with id, title, diagnosis, recovery … (is this file meant to be here? every *.yml here is read as a runbook: keep notes and copies outside this folder)`);
  });

  it('names the bad file among good ones', () => {
    const doc = duckdbDoc();
    doc.id = 'second';
    doc.recovery[0].steps[1].kind = 'rm';
    const text = stringify(doc);
    const { error, dir } = loadError({ ...bundledTexts(), 'second.yml': text });
    // The line where the wrong kind is written, as "file:line:" an editor opens.
    const line = text.split('\n').findIndex((l) => /^\s*(- )?kind: rm$/.test(l)) + 1;
    expect(line).toBeGreaterThan(1);
    expect(error.message).toContain(`${path.join(dir, 'second.yml')}:${line}: at recovery[0].steps[1].kind: `);
    expect(error.message).not.toContain(path.join(dir, 'duckdb.yml'));
  });

  it('reports every problem of a file, one per line', () => {
    const doc = duckdbDoc();
    doc.diagnosis.steps[1].mutates = true;
    doc.diagnosis.verdicts[2].paths = ['z'];
    const { error } = loadError({ 'duckdb.yml': stringify(doc) });
    const lines = error.message.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.some((l) => l.includes(': at diagnosis.steps[1]: diagnosis steps must be read-only'))).toBe(true);
    expect(lines.some((l) => l.includes(': at diagnosis.verdicts[2].paths[0]: no recovery path "z"'))).toBe(true);
  });

  it('refuses an empty runbooks directory and a missing one', () => {
    const empty = tempDir();
    fs.writeFileSync(path.join(empty, 'notes.txt'), 'not a runbook');
    expect(() => loadRunbooks(empty)).toThrow(new RunbookError(`no runbook files (*.yml) in ${empty}`));
    const missing = path.join(empty, 'nope');
    expect(() => loadRunbooks(missing)).toThrow(RunbookError);
    expect(() => loadRunbooks(missing)).toThrow(new RunbookError(`there is no folder ${missing} (DATABOX_RUNBOOKS_DIR): set it to the folder of runbook files, or unset it to use the bundled runbooks/`));
    const file = path.join(empty, 'notes.txt');
    expect(() => loadRunbooks(file)).toThrow(new RunbookError(`${file} is a file, not a folder (DATABOX_RUNBOOKS_DIR): set it to the folder of runbook files, or unset it to use the bundled runbooks/`));
  });

  it('parseRunbook takes the id from a .yaml file name too', () => {
    const doc = duckdbDoc();
    doc.id = 'spare';
    expect(parseRunbook(stringify(doc), '/somewhere/spare.yaml').id).toBe('spare');
  });
});

describe('values a runbook puts into SQL or argv lists', () => {
  const backfill = fs.readFileSync(path.join(projectRoot, 'runbooks', 'backfill.yml'), 'utf8');

  it('path B keeps the window of every model its restate replaces: each source\'s models are the two marts it keeps', () => {
    const runbook = parseRunbook(backfill, 'runbooks/backfill.yml') as any;
    const pathB = runbook.recovery.find((p: { id: string }) => p.id === 'b');
    const keptTables = pathB.steps.filter((step: { kind: string }) => step.kind === 'export-rows').map((step: { table: string }) => step.table);
    expect(keptTables).toEqual(['{{source.mart_table}}', '{{source.combined_mart_table}}']);
    const sources = Object.entries(runbook.parameters.source.values) as [string, Record<string, unknown>][];
    expect(sources.length).toBeGreaterThan(0);
    for (const [name, source] of sources) {
      expect(source.models, name).toEqual([source.mart_table, source.combined_mart_table]);
    }
  });

  it('refuses a model name that is not a plain name', () => {
    const bad = backfill.replace('models: [ebird.fct_daily_bird_observations,', 'models: ["ebird.fct; rm -rf /",');
    expect(() => parseRunbook(bad, 'runbooks/backfill.yml')).toThrow(/parameters\.source\.values\.ebird\.models: "ebird\.fct; rm -rf \/" is not a plain/);
  });

  it('refuses an enum attribute read as a list where one value gives it as text, naming that value', () => {
    const bad = backfill.replace('models: [usgs.fct_daily_streamflow, analytics.fct_species_environment_daily]', 'models: usgs.fct_daily_streamflow');
    expect(() => parseRunbook(bad, 'runbooks/backfill.yml')).toThrow(/forEach: \{\{source\.models\}\}: read as a list here, but "models" of usgs is not a list/);
  });

  it('refuses an expectRows that names a parameter that is no count of rows', () => {
    expect(backfill).toContain('expectRows: "{{previews.raw_rows}}"');
    const bad = backfill.replace('expectRows: "{{previews.raw_rows}}"', 'expectRows: "{{from}}"');
    expect(() => parseRunbook(bad, 'runbooks/backfill.yml')).toThrow(/expectRows: \{\{from\}\} must count rows, but "from" is a date parameter/);
  });

  it('refuses two previews of one path with the same id: the plan would show one count and bind the other', () => {
    const second = "    steps:\n      # The restate replaces the marts' rows of the window";
    expect(backfill).toContain(second);
    const bad = backfill.replace(second, `      - id: raw_rows\n        title: Again\n        sql: SELECT 42\n${second}`);
    expect(() => parseRunbook(bad, 'runbooks/backfill.yml')).toThrow(/recovery\[0\]\.previews\[5\]\.id: duplicate preview id "raw_rows"/);
  });

  it('refuses a table name that would not be a plain SQL identifier', () => {
    const bad = backfill.replace('raw_table: raw_ebird.observations', 'raw_table: "raw_ebird.observations; DROP TABLE x"');
    expect(() => parseRunbook(bad, 'runbooks/backfill.yml')).toThrow(/parameters\.source\.values\.ebird\.raw_table/);
  });
});
