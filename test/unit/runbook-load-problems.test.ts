// Tests that a runbook file's YAML, shape, verdict list and file system entry are refused at load in words naming the file and the place.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { checkRunbooks, loadRunbooks, RunbookError } from '../../src/runbook/load.js';
import { maxAliasCount } from '../../src/runbook/read-yaml.js';
import { projectRoot, useTempDirs } from '../support/fixtures.js';
import { escapeRegExp } from '../support/escape-regexp.js';

const tempDir = useTempDirs('databox-runbook-load-');
type Doc = Record<string, any>;
const duckdbText = fs.readFileSync(path.join(projectRoot, 'runbooks', 'duckdb.yml'), 'utf8');
const duckdbDoc = (): Doc => parse(duckdbText) as Doc;

/** A fresh directory of the bundled runbooks but duckdb.yml, each of which names scenario 1 (and it names them). */
function withoutDuckdb(): string {
  const dir = tempDir();
  fs.cpSync(path.join(projectRoot, 'runbooks'), dir, { recursive: true, filter: (source) => path.basename(source) !== 'duckdb.yml' });
  return dir;
}

/** The problems of the bundled runbooks with `text` as duckdb.yml, with the file's path cut off. */
function problems(text: string): string[] {
  const dir = withoutDuckdb();
  fs.writeFileSync(path.join(dir, 'duckdb.yml'), text);
  // "file:line: at …": the line is checked on its own below (where a value of the wrong shape is written).
  const prefix = new RegExp(`^${escapeRegExp(path.join(dir, 'duckdb.yml'))}(:\\d+)?: `);
  return checkRunbooks(dir).problems.map((line) => (prefix.test(line) ? line.replace(prefix, '') : `(not named) ${line}`));
}

/** The same problems with only the file's path cut off: ":<line>: …", so a test can check the line too. */
function problemsAtLines(text: string): string[] {
  const dir = withoutDuckdb();
  fs.writeFileSync(path.join(dir, 'duckdb.yml'), text);
  return checkRunbooks(dir).problems.map((line) => line.replace(path.join(dir, 'duckdb.yml'), ''));
}

describe('a YAML problem is a problem of its file, never a thrown error', () => {
  it('names an alias whose anchor is spelt otherwise, its line, the anchors the file sets and the closest', () => {
    const text = duckdbText.replace('symptoms:\n', 'symptoms: &marts\n').replace('prevention:', 'spare: *mart\nprevention:');
    const line = text.split('\n').indexOf('spare: *mart') + 1;
    expect(problemsAtLines(text)).toEqual([`:${line}: the alias *mart names no anchor &mart (did you mean "marts"?); the anchors this file sets: &marts, &readsWhole`]);
  });

  it('loadRunbooks throws a RunbookError for it, naming the file (the bot says this at start-up)', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'duckdb.yml'), 'id: duckdb\nx: *nothing\n');
    expect(() => loadRunbooks(dir)).toThrow(new RunbookError(`${path.join(dir, 'duckdb.yml')}:2: the alias *nothing names no anchor &nothing; this file sets no anchor`));
  });

  it('names a {{placeholder}} left unquoted, which YAML reads as a mapping, by its line', () => {
    const text = duckdbText.replace('path: "{{database_path}}"', 'path: {{database_path}}');
    const line = text.split('\n').findIndex((l) => l.includes('path: {{database_path}}')) + 1;
    expect(line).toBeGreaterThan(0);
    expect(problemsAtLines(text)).toEqual([`:${line}: {{database_path}} is not in quotes, so YAML reads it as a mapping, not text: write "{{database_path}}"`]);
  });

  it('names an alias used before its anchor', () => {
    expect(problemsAtLines('id: duckdb\nx: *later\ny: &later 1\n')).toEqual([':2: the alias *later comes before its anchor &later (line 3): set the anchor first']);
  });

  it(`lets one anchor be used ${maxAliasCount} times (a long runbook reusing defaults), and names the anchor past that`, () => {
    const uses = (n: number) => `id: duckdb\ndefaults: &defaults {timeout: 30s}\nmany: [${Array(n).fill('*defaults').join(', ')}]\n`;
    expect(problems(uses(150)).some((p) => p.includes('alias'))).toBe(false);
    expect(problems(uses(maxAliasCount + 1))).toEqual([
      `the aliases expand past ${maxAliasCount} copies of an anchored part, the most a runbook may have (a guard against YAML that grows without end; ` +
        `aliases inside an anchored part are copied again with each use of it): *defaults used ${maxAliasCount + 1} times from line 3; write some of them out`,
    ]);
  });

  it('reads merge keys (`<<: *defaults`) as YAML 1.1 has them: steps sharing defaults load as if written out', () => {
    const original = '      - id: move_wal\n        kind: move\n        title: Move its write-ahead log with it, so the new file does not replay it\n';
    expect(duckdbText).toContain(original);
    const merged = duckdbText
      .replace('      - id: move_db\n        kind: move\n', '      - &move\n        id: move_db\n        kind: move\n')
      .replace(original, '      - <<: *move\n        id: move_wal\n        title: Move its write-ahead log with it, so the new file does not replay it\n');
    const dir = withoutDuckdb();
    fs.writeFileSync(path.join(dir, 'duckdb.yml'), merged);
    const [step] = (loadRunbooks(dir).get('duckdb')?.recovery[0]?.steps ?? []).filter((s) => s.id === 'move_wal');
    expect(step).toMatchObject({ kind: 'move', from: '{{database_path}}.wal', to: '{{database_path}}.broken.wal', refuseLink: true, destructive: true });
  });

  it('refuses aliases nested to expand without end ("billion laughs") in the same words', () => {
    const level = (name: string, of: string) => `${name}: &${name} [${Array(10).fill(`*${of}`).join(', ')}]\n`;
    const text = `a: &a [x, x, x, x, x, x, x, x, x, x]\n${level('b', 'a')}${level('c', 'b')}${level('d', 'c')}${level('e', 'd')}`;
    const [problem, ...rest] = problems(text);
    expect(rest).toEqual([]);
    expect(problem).toMatch(/^the aliases expand past 5000 copies of an anchored part.*: \*a used 10 times from line 2, \*b used 10 times from line 3/);
  });

  it('names a second YAML document in one file by its line, in plain words', () => {
    expect(problemsAtLines(`${duckdbText}---\nid: other\n`)).toEqual([
      `:${duckdbText.split('\n').length}: a second YAML document starts here (after a "---" or "..." line): a runbook file holds one runbook; put the other in a file of its own`,
    ]);
  });
});

describe('a shape problem names the bad value and the closest that exists', () => {
  const kinds = 'command, sql, duckdb-open, duckdb-scan, disk-usage, move, copy-file, export-rows, restore-rows, day-counts, rows-outside-window, dagster-health, dagster-running, mart-freshness, dagster-daemon-start, dagster-backfill, dagster-schedule-start, dagster-schedule-stop, dagster-asset-checks, named-snapshot, snapshot-history, table-counts, leftover-clones, bot-snapshots, database-open';

  it('an unknown, misspelt or missing step kind', () => {
    const doc = duckdbDoc();
    doc.diagnosis.steps[0].kind = 'duckdb_scan';
    doc.diagnosis.steps[1].kind = 'disk';
    doc.diagnosis.steps[2].kind = 'Disk-Usage';
    delete doc.diagnosis.steps[3].kind;
    doc.recovery[0].steps[0].kind = 'shell';
    expect(problems(stringify(doc))).toEqual([
      'at diagnosis.steps[0].kind: unknown step kind "duckdb_scan" (did you mean "duckdb-scan"?)',
      'at diagnosis.steps[1].kind: unknown step kind "disk" (did you mean "disk-usage"?)',
      'at diagnosis.steps[2].kind: unknown step kind "Disk-Usage" (did you mean "disk-usage"?)',
      `at diagnosis.steps[3].kind: missing: name the step kind, one of ${kinds}`,
      `at recovery[0].steps[0].kind: unknown step kind "shell"; the step kinds are: ${kinds}`,
    ]);
  });

  it('a key a step needs left out (its title, its argv): named as missing', () => {
    const doc = duckdbDoc();
    delete doc.diagnosis.steps[0].title;
    const command = doc.recovery[0].steps.findIndex((s: Record<string, unknown>) => s.kind === 'command');
    delete doc.recovery[0].steps[command].argv;
    expect(problems(stringify(doc))).toEqual([
      'at diagnosis.steps[0].title: is missing: this entry needs its title (text)',
      `at recovery[0].steps[${command}].argv: is missing: this entry needs its argv (a list)`,
    ]);
  });

  it('an unknown parameter type', () => {
    const doc = duckdbDoc();
    doc.parameters.backup.type = 'pth';
    expect(problems(stringify(doc))).toEqual(['at parameters.backup.type: unknown parameter type "pth" (did you mean "path"?)']);
  });

  it('a misspelt key, in a step, a path and a condition', () => {
    const doc = duckdbDoc();
    doc.diagnosis.steps[0].tiemout = '30s';
    doc.recovery[0].aproval = 'teammate';
    doc.diagnosis.verdicts[0].when = { step: 'open', stauts: 'locked' };
    expect(problems(stringify(doc))).toEqual([
      'at diagnosis.steps[0]: unknown key "tiemout" (did you mean "timeout"?)',
      'at diagnosis.verdicts[0].when: expected one of {step, status}, {any}, {all}; unknown key "stauts" (did you mean "status"?)',
      'at recovery[0]: unknown key "aproval" (did you mean "approval"?)',
    ]);
  });

  it('a key like none lists the keys there are', () => {
    const doc = duckdbDoc();
    doc.validation.zzz = true;
    expect(problems(stringify(doc))).toEqual(['at validation: unknown key "zzz"; the keys here are: parameters, requires, fromIncident, steps, followUps']);
  });
});

describe('a verdict that could never be told apart or chosen is refused', () => {
  it('a second verdict with the same id', () => {
    const doc = duckdbDoc();
    const first = doc.diagnosis.verdicts[0].id;
    doc.diagnosis.verdicts[2].id = first;
    expect(problems(stringify(doc))).toEqual([`at diagnosis.verdicts[2].id: duplicate verdict id "${first}" (diagnosis.verdicts[0] has it too)`]);
  });

  it('a verdict with the condition of an earlier one, however it is written', () => {
    const doc = duckdbDoc();
    const first = doc.diagnosis.verdicts[0];
    const when = first.when as Doc;
    // The same condition with its keys the other way round and a status list of one: the earlier verdict still wins.
    const same = 'step' in when ? { status: [when.status].flat(), step: when.step } : when;
    doc.diagnosis.verdicts[3].when = same;
    expect(problems(stringify(doc))).toEqual([`at diagnosis.verdicts[3].when: the same condition as verdict 0 ("${first.id}"), which is chosen first: this verdict could never be`]);
  });
});

describe('a verdict an earlier, wider one hides', () => {
  it('is refused, naming the wider one; a verdict it hides in some cases only is named too', () => {
    const doc = duckdbDoc();
    const verdicts = doc.diagnosis.verdicts as Doc[];
    const missing = verdicts.findIndex((v) => v.id === 'missing');
    const emptyFile = verdicts.findIndex((v) => v.when?.step === 'open' && v.when?.status === 'empty-file');
    const corrupt = verdicts.findIndex((v) => v.id === 'corrupt');
    // The read-only folder's verdict holds on a file needing a recovery only there: hidden where the wider one holds.
    const folder = verdicts.findIndex((v) => v.id === 'folder-read-only');
    // So does the full disk's on a file lost as well.
    const fileLost = verdicts.findIndex((v) => v.id === 'disk-full-file-lost');
    verdicts.unshift({ id: 'file-problem', title: 'The file has a problem', severity: 'critical', when: { step: 'open', status: ['corrupt', 'missing', 'empty-file'] }, advice: 'Look at it.', paths: ['b'] });
    expect(corrupt).toBeGreaterThan(-1);
    const hidden = (index: number) => `at diagnosis.verdicts[${index + 1}].when: verdict 0 ("file-problem") comes first and holds whenever this one does, so this verdict could never be chosen: put the narrower verdict first`;
    // The corrupt verdict holds on the scan's corruption too, which the wider one does not cover: hidden in part.
    const partly = `at diagnosis.verdicts[${corrupt + 1}].when: verdict 0 ("file-problem") comes first and also holds when open ends corrupt, so there this verdict is never chosen: put the narrower verdict first, or take those statuses out of this condition if the earlier verdict is meant to win`;
    const folderPartly = `at diagnosis.verdicts[${folder + 1}].when: verdict 0 ("file-problem") comes first and also holds when disk ends read-only and open ends missing (and 2 more cases of its), so there this verdict is never chosen: put the narrower verdict first, or take those statuses out of this condition if the earlier verdict is meant to win`;
    const fileLostPartly = `at diagnosis.verdicts[${fileLost + 1}].when: verdict 0 ("file-problem") comes first and also holds when disk ends full and open ends missing (and 2 more cases of its), so there this verdict is never chosen: put the narrower verdict first, or take those statuses out of this condition if the earlier verdict is meant to win`;
    expect(problems(stringify(doc))).toEqual([fileLostPartly, folderPartly, hidden(missing), partly, hidden(emptyFile)]);
    // Under an any: [...] that also takes other statuses, and across all: [...], the same.
    (verdicts[0] as Doc).when = { any: [{ step: 'open', status: ['missing', 'empty-file'] }, { step: 'scan', status: 'timeout' }] };
    (verdicts[missing + 1] as Doc).when = { all: [{ step: 'open', status: 'missing' }, { step: 'disk', status: 'full' }] };
    const unverified = verdicts.findIndex((v) => v.id === 'unverified') - 1;
    const fewer = (line: string) => line.replace('(and 2 more cases of its)', '(and 1 more case of its)');
    expect(problems(stringify(doc))).toEqual([fewer(fileLostPartly), fewer(folderPartly), hidden(missing), hidden(unverified), hidden(emptyFile)]);
  });
});

describe('what is in the runbooks directory besides runbook files', () => {
  it('refuses a broken link and a directory named *.yml, saying what each is', () => {
    const dir = withoutDuckdb();
    fs.writeFileSync(path.join(dir, 'duckdb.yml'), duckdbText);
    fs.symlinkSync(path.join(dir, 'gone.yml.orig'), path.join(dir, 'x.yml'));
    fs.mkdirSync(path.join(dir, 'dir.yml'));
    const refused = 'everything named *.yml or *.yaml here is read as a runbook, so it is refused';
    expect(checkRunbooks(dir).problems).toEqual([
      `${path.join(dir, 'dir.yml')}: not a runbook file but a directory; ${refused}: rename it or move it out of the runbooks directory`,
      `${path.join(dir, 'x.yml')}: not a runbook file but a symbolic link to ${path.join(dir, 'gone.yml.orig')}, which does not exist; ${refused}: fix or remove the link`,
    ]);
  });

  it("skips an editor's lock and a macOS '._' file, names an upper-case .YML, a copy kept beside its runbook, and a file that is one value", () => {
    const dir = withoutDuckdb();
    fs.writeFileSync(path.join(dir, 'duckdb.yml'), duckdbText);
    fs.symlinkSync('root@host.4242:1764659000', path.join(dir, '.#duckdb.yml'));
    fs.writeFileSync(path.join(dir, '._duckdb.yml'), Buffer.from([0, 5, 22, 7, 0, 2, 0, 0, 77, 97, 99]));
    fs.writeFileSync(path.join(dir, 'Extra.YML'), duckdbText);
    fs.writeFileSync(path.join(dir, 'duckdb-old.yml'), duckdbText);
    fs.writeFileSync(path.join(dir, 'notes.yml'), 'Remember to rotate the token.\n');
    expect(checkRunbooks(dir).problems).toEqual([
      `${path.join(dir, 'Extra.YML')}: a runbook file's name ends in .yml or .yaml, in lower case: rename it, or move it out of this folder`,
      `${path.join(dir, 'duckdb-old.yml')}:2: at id: the id "duckdb" must match the file name "duckdb-old" (every *.yml here is read as a runbook: keep a copy of one outside this folder)`,
      `${path.join(dir, 'notes.yml')}: not a runbook: its YAML is one string value, where a runbook is a mapping with id, title, diagnosis, recovery … (is this file meant to be here? every *.yml here is read as a runbook: keep notes and copies outside this folder)`,
    ]);
  });

  it('names both files of a runbook written twice, .yaml and .yml', () => {
    const dir = withoutDuckdb();
    fs.writeFileSync(path.join(dir, 'duckdb.yaml'), duckdbText);
    fs.writeFileSync(path.join(dir, 'duckdb.yml'), duckdbText);
    expect(checkRunbooks(dir).problems).toEqual([`${path.join(dir, 'duckdb.yml')}: a second file for the runbook "duckdb", besides ${path.join(dir, 'duckdb.yaml')}: keep one of the two`]);
  });
});

describe('a value of the wrong shape', () => {
  it('names a number or yes/no where text goes, and a name that breaks the naming rule, in plain words', () => {
    const backfill = fs.readFileSync(path.join(projectRoot, 'runbooks', 'backfill.yml'), 'utf8')
      .replace('timeout: 30m', 'timeout: 30')
      .replace('      ebird:\n', '      eBird:\n')
      .replace('orchestration/definitions.py]\n        env:', 'orchestration/definitions.py, 7]\n        env:');
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'backfill.yml'), backfill);
    const prefix = path.join(dir, 'backfill.yml');
    // Each named with the line it is written on, as "file:line:", which an editor opens there.
    const lineOf = (pattern: RegExp) => backfill.split('\n').findIndex((l) => pattern.test(l)) + 1;
    expect(checkRunbooks(dir).problems).toEqual([
      `${prefix}:${lineOf(/^ {6}eBird:$/)}: at parameters.source.values.eBird: "eBird" cannot be a name here: lower-case letters, digits, _ and - only, starting with a letter`,
      `${prefix}:${lineOf(/timeout: 30$/)}: at recovery[0].steps[4].timeout: 30 is read as a number, where a duration goes: give it with its unit (30s, 30m, 2h, 36h)`,
      `${prefix}:${lineOf(/definitions\.py, 7\]/)}: at recovery[0].steps[4].argv[9]: 7 is read as a number, where text goes: quote it ("7")`,
    ]);
  });
});

describe('values of the wrong kind, said in the words an editor of YAML needs', () => {
  it('names a yes where true goes, a bare number where a duration goes, an empty list, and characters no one can see', () => {
    const text = duckdbText
      .replace('        mutates: true', '        mutates: yes')
      .replace('      timeout: 30s', '      timeout: 30')
      .replace('when: { step: open, status: locked }', 'when: { step: open, status: [] }')
      .replace('    - id: disk', '    - id: di\u0455k');
    expect(problems(text)).toEqual([
      'at diagnosis.steps[0].timeout: 30 is read as a number, where a duration goes: give it with its unit (30s, 30m, 2h, 36h)',
      'at diagnosis.steps[1].id: step ids are lower_snake_case (it holds "\u0455" (U+0455), not a plain ASCII character after "di")',
      'at diagnosis.verdicts[0].when.status: is empty: name at least one status',
      'at recovery[0].steps[0].mutates: "yes" is text where true or false goes: write true or false, without quotes',
    ]);
  });
});

describe('a value refused for its kind or range', () => {
  it('is told what would be taken: a duration more than 0, a lag in hours or days, an id by its naming rule, a percent from 1 to 100', () => {
    const doc = duckdbDoc();
    doc.diagnosis.steps[0].timeout = 0;
    doc.diagnosis.steps[1].fullAtPercent = 0.9;
    doc.diagnosis.steps[2].id = 2;
    doc.diagnosis.steps[2].expectMarts[3].maxLag = 48;
    doc.diagnosis.verdicts[0].id = 3;
    doc.recovery[0].id = 4;
    expect(problems(stringify(doc))).toEqual([
      'at diagnosis.steps[0].timeout: 0 is read as a number, where a duration goes: give one more than 0, with its unit (30s, 15m, 2h)',
      'at diagnosis.steps[1].fullAtPercent: is a percent from 1 to 100 (90 for 90%), not a fraction',
      'at diagnosis.steps[2].id: 2 is read as a number, where an id goes: step ids are lower_snake_case, starting with a letter (step_2)',
      'at diagnosis.steps[2].expectMarts[3].maxLag: 48 is read as a number, where a duration goes: give it with its unit (48h, 48d)',
      'at diagnosis.verdicts[0].id: 3 is read as a number, where an id goes: ids here are lower-case letters, digits and -, starting with a letter (check-2)',
      'at recovery[0].id: 4 is read as a number, where an id goes: path ids are single letters: a, b …',
      // Path B's guards and the validation's freshness step share the diagnosis' list of marts (one YAML anchor).
      'at recovery[1].guards[0].newestOf[3].maxLag: 48 is read as a number, where a duration goes: give it with its unit (48h, 48d)',
      'at recovery[1].guards[1].newestOf[3].maxLag: 48 is read as a number, where a duration goes: give it with its unit (48h, 48d)',
      'at validation.steps[4].marts[3].maxLag: 48 is read as a number, where a duration goes: give it with its unit (48h, 48d)',
    ]);
  });
});

describe('prose cut short by a " #"', () => {
  it('names the line and the text YAML dropped as a comment; a comment written on purpose ("# a note") is left alone', () => {
    const cut = duckdbText.replace('      title: Busy — another process holds the database file', '      title: Busy — held by job #2, or another process');
    const line = cut.split('\n').findIndex((l) => l.includes('held by job')) + 1;
    expect(problemsAtLines(cut)).toEqual([
      `:${line}: the title stops before " #2, or another process", which YAML reads as a comment, so that text is lost: put the whole text in quotes, or write it as a block (title: >-)`,
    ]);
    const noted = duckdbText.replace('      title: Busy — another process holds the database file', '      title: Busy — another process holds the database file # checked by lock-holders.ts');
    expect(problems(noted)).toEqual([]);
  });
});
