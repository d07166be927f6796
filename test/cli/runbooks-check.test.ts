// `npm run --silent cli -- runbooks check [dir]` as the real CLI process (through npm once, built after): every problem, the exit code.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { cliArgs, cliEnv, projectRoot } from '../helpers/cli-process.js';

const temps: string[] = [];
afterAll(() => temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/**
 * The CLI's `runbooks check`: through `npm run --silent cli` as the README gives it (tsx compiling the sources, seconds of
 * CPU) when `throughNpm`, else the same CLI built (dist/, what the other CLI tests run).
 */
function check(args: string[], env: Record<string, string> = {}, throughNpm = false) {
  const [file, argv] = throughNpm ? ['npm', ['run', '--silent', 'cli', '--']] : [process.execPath, cliArgs];
  return execa(file, [...argv, 'runbooks', 'check', ...args], {
    cwd: projectRoot,
    env: cliEnv(env),
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
  });
}

function bundledDoc(name: string): Record<string, any> {
  return parse(fs.readFileSync(path.join(projectRoot, 'runbooks', name), 'utf8')) as Record<string, any>;
}

describe('runbooks check', () => {
  it('reads its command words in any case (Runbooks Check), and the folder after them as typed', async () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'runbooks-case-')), 'My-Runbooks');
    temps.push(path.dirname(dir));
    fs.cpSync(path.join(projectRoot, 'runbooks'), dir, { recursive: true });
    const result = await execa(process.execPath, [...cliArgs, 'Runbooks', 'Check', dir], { cwd: projectRoot, env: cliEnv({}), extendEnv: false, reject: false, stdin: 'ignore' });
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(`runbooks OK: 4 runbooks in ${dir}`);
    expect(result.exitCode).toBe(0);
  });

  it('exits 0 on the bundled runbooks, one line per runbook, needing no configuration', async () => {
    // An empty DATABOX_RUNBOOKS_DIR is unset, as the bot reads it: the bundled runbooks, not the current folder.
    const result = await check([], { DATABOX_RUNBOOKS_DIR: '' }, true);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      'ok  backfill: Partial backfill of a single source',
      'ok  duckdb: Blown DuckDB file (local backend)',
      'ok  motherduck: MotherDuck point-in-time recovery',
      'ok  schedule: Dagster daemon stopped or schedules paused',
      `runbooks OK: 4 runbooks in ${path.join(projectRoot, 'runbooks')}`,
    ]);
  });

  it('finds the bundled runbooks of a checkout run from its sources under a folder named dist (/srv/dist/databox-bot)', async () => {
    const checkout = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'databox-under-dist-')), 'dist', 'databox-bot');
    temps.push(path.dirname(path.dirname(checkout)));
    fs.mkdirSync(checkout, { recursive: true });
    for (const part of ['src', 'runbooks', 'package.json', 'tsconfig.json']) fs.cpSync(path.join(projectRoot, part), path.join(checkout, part), { recursive: true });
    fs.symlinkSync(path.join(projectRoot, 'node_modules'), path.join(checkout, 'node_modules'));
    // What `npm run cli` runs: tsx on the sources.
    const result = await execa(path.join(checkout, 'node_modules', '.bin', 'tsx'), ['src/cli.ts', 'runbooks', 'check'], { cwd: checkout, env: cliEnv({}), extendEnv: false, reject: false, stdin: 'ignore' });
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(path.join(checkout, 'runbooks'));
    expect(result.exitCode).toBe(0);
  }, 120_000);

  it('prints every problem of every file and exits 1', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbooks-check-'));
    temps.push(dir);
    const duckdb = bundledDoc('duckdb.yml');
    duckdb.diagnosis.verdicts[4].when = { step: 'open', status: 'corupt' };
    duckdb.validation.steps[0].mutates = true;
    const duckdbText = stringify(duckdb);
    fs.writeFileSync(path.join(dir, 'duckdb.yml'), duckdbText);
    const backfill = bundledDoc('backfill.yml');
    backfill.validation.steps[0].compareWith = 'mart_count';
    const backfillText = stringify(backfill);
    fs.writeFileSync(path.join(dir, 'backfill.yml'), backfillText);
    // Each problem names the line it is on (file:line:), where an editor opens the file.
    const lineOf = (text: string, pattern: RegExp, after = 0) => text.split('\n').findIndex((l, i) => i >= after && pattern.test(l)) + 1;
    const validationAt = (text: string) => lineOf(text, /^validation:$/);
    fs.writeFileSync(path.join(dir, 'drafted.yml'), '# to be written\n');
    const result = await check([dir]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')).toEqual([
      `${dir}/backfill.yml:${lineOf(backfillText, /compareWith: mart_count$/)}: at validation.steps[0].compareWith: no diagnosis step "mart_count" (did you mean "mart_counts"?)`,
      `${dir}/drafted.yml: the file is empty (or holds only comments): a runbook is a YAML mapping with id, title, diagnosis, recovery … (every *.yml here is read as a runbook: keep notes and copies outside this folder)`,
      `${dir}/duckdb.yml:${lineOf(duckdbText, /^ {4}- /, validationAt(duckdbText))}: at validation.steps[0]: validation steps must be read-only: a validation runs without approval`,
      `${dir}/duckdb.yml:${lineOf(duckdbText, /status: corupt$/)}: at diagnosis.verdicts[4].when.status: step "open" (duckdb-open) never ends "corupt" (did you mean "corrupt"?); it can end: ok, missing, dangling-link, not-a-file, wal-not-a-file, empty-file, not-duckdb, locked, corrupt, wal-damaged, unreadable, read-only, failed, timeout, interrupted`,
      `runbooks check FAILED: 4 problems in ${dir}`,
    ]);
  });

  it('refuses a runbook without the runbooks its checks need, naming them, rather than skip the checks between files', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbooks-check-'));
    temps.push(dir);
    const schemas = 'expectSchemas: [raw_ebird, raw_noaa, raw_usgs]';
    const text = fs.readFileSync(path.join(projectRoot, 'runbooks', 'duckdb.yml'), 'utf8').replace(schemas, schemas.replace('raw_usgs', 'raw_usg'));
    fs.writeFileSync(path.join(dir, 'duckdb.yml'), text);
    const lines = text.split('\n');
    const scanLine = lines.findIndex((l) => l.includes('raw_usg]')) + 1;
    const commandAt = lines.findIndex((l) => l.includes('/databox recover schedule'));
    let adviceLine = commandAt;
    while (!/^\s*advice:/.test(lines[adviceLine] as string)) adviceLine -= 1;
    // Alone, the typo is not "runbooks OK": duckdb.yml is refused for the two runbooks it needs.
    const alone = await check([dir]);
    expect(alone.exitCode).toBe(1);
    expect(alone.stderr.split('\n')).toEqual([
      `${dir}/duckdb.yml:${adviceLine + 1}: at validation.followUps[8].advice: gives "/databox recover schedule", but this folder has no runbook "schedule", so that command would be refused as an unknown scenario: put schedule.yml in this folder too, or take the command out of the text (also at validation.followUps[9].advice)`,
      `${dir}/duckdb.yml:${scanLine}: at diagnosis.steps[2].expectSchemas: no runbook in this folder names a source's raw_table (backfill.yml does, in its source parameter), so these schemas cannot be checked (one mistyped: a scan would call that source's raw data missing from a healthy file): put backfill.yml in this folder too (expectSchemas also at validation.steps[0].expectSchemas, recovery[1].guards[1].expectSchemas, recovery[1].steps[0].expectSchemas)`,
      `runbooks check FAILED: 2 problems in ${dir}`,
    ]);
    // Beside them, the typo itself is refused, as it is with all four runbooks.
    for (const name of ['backfill.yml', 'schedule.yml']) fs.copyFileSync(path.join(projectRoot, 'runbooks', name), path.join(dir, name));
    const beside = await check([dir]);
    expect(beside.exitCode).toBe(1);
    expect(beside.stderr.split('\n')).toEqual([
      `${dir}/duckdb.yml:${scanLine}: at diagnosis.steps[2].expectSchemas[2]: "raw_usg" is the schema of no source's raw_table in backfill.yml (raw_ebird, raw_noaa, raw_usgs) (did you mean "raw_usgs"?): a scan would call that source's raw data missing from a healthy file`,
      `runbooks check FAILED: 1 problem in ${dir}`,
    ]);
  });

  it('names a YAML alias typo and a directory named *.yml as problems of their files, with no stack trace', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbooks-check-'));
    temps.push(dir);
    const text = fs.readFileSync(path.join(projectRoot, 'runbooks', 'duckdb.yml'), 'utf8').replace('symptoms:\n', 'symptoms: &marts\n').replace('prevention:', 'spare: *mart\nprevention:');
    fs.writeFileSync(path.join(dir, 'duckdb.yml'), text);
    fs.mkdirSync(path.join(dir, 'old.yml'));
    const line = text.split('\n').indexOf('spare: *mart') + 1;
    const result = await check([dir]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr.split('\n')).toEqual([
      `${dir}/duckdb.yml:${line}: the alias *mart names no anchor &mart (did you mean "marts"?); the anchors this file sets: &marts, &readsWhole`,
      `${dir}/old.yml: not a runbook file but a directory; everything named *.yml or *.yaml here is read as a runbook, so it is refused: rename it or move it out of the runbooks directory`,
      `runbooks check FAILED: 2 problems in ${dir}`,
    ]);
  });

  it('checks DATABOX_RUNBOOKS_DIR when no directory is given, and names a directory it cannot read', async () => {
    const missing = path.join(os.tmpdir(), 'no-such-runbooks-dir');
    const result = await check([], { DATABOX_RUNBOOKS_DIR: missing });
    expect(result.exitCode).toBe(1);
    expect(result.stderr.split('\n')[0]).toBe(`there is no folder ${missing} (DATABOX_RUNBOOKS_DIR): set it to the folder of runbook files, or unset it to use the bundled runbooks/`);
  });

  it("refuses a rollback step that reads a recovery step's output without onlyIfRan on it, when that step can be skipped", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbooks-check-'));
    temps.push(dir);
    // A copy of the bundled folder, as a tester editing the runbooks makes, with path A's restore_wal without onlyIfRan: move_wal. A corrupt file with no .wal skips move_wal, and the rollback
    // would then fail to resolve {{recovery.move_wal.to}}: the broken file could not be put back.
    const duckdb = bundledDoc('duckdb.yml');
    const restoreWal = duckdb.recovery[0].rollback.steps[4];
    expect(restoreWal.id).toBe('restore_wal');
    delete restoreWal.onlyIfRan;
    fs.cpSync(path.join(projectRoot, 'runbooks'), dir, { recursive: true });
    const text = stringify(duckdb);
    fs.writeFileSync(path.join(dir, 'duckdb.yml'), text);
    const line = text.split('\n').findIndex((l) => l.includes('id: restore_wal')) + 1;
    const result = await check([dir]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr.split('\n')).toEqual([
      `${dir}/duckdb.yml:${line}: at recovery[0].rollback.steps[4]: rollback step "restore_wal" reads {{recovery.move_wal.to}}, but recovery step "move_wal" can end without it: it has ifMissing: skip, so it is skipped when there is nothing to move. Add onlyIfRan: move_wal to "restore_wal", so the rollback leaves it out when move_wal did not run`,
      `runbooks check FAILED: 1 problem in ${dir}`,
    ]);
  });

  it('answers bad usage with the usage line and exit 2', async () => {
    const result = await check(['one', 'two']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe('databox: usage: npm run --silent cli -- runbooks check [dir]');
  });
});
