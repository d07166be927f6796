// Tests the load-time rules on a command step's argv (src/engine/steps/command-argv-rules.ts): file-destroying commands are destructive, no inline code.
import { describe, expect, it } from 'vitest';
import { argvIssues } from '../../src/engine/steps/command-argv-rules.js';
import { useTempDirs } from '../support/fixtures.js';
import { bundled, refusalOf, type Doc } from '../support/planted-runbook.js';

const tempDir = useTempDirs('databox-argv-rules-');
const messages = (argv: (string | { forEach: string; argv: string[] })[], destructive = false) => argvIssues(argv, destructive).map((issue) => `${issue.at.join('.')}: ${issue.message}`);

const shellRefusal =
  "runs a shell script, which hides what it runs from this check and from the plan: the bot runs argv without a shell, so list the command's own argv instead (one step per command)";
const destructiveAdvice = 'set destructive: true (and mutates: true), so the plan marks it and a teammate approves it; no diagnosis or validation may run it';

describe('a command that deletes, moves or overwrites files', () => {
  it('must be marked destructive, by its name or its path', () => {
    expect(messages(['mv', '{{database_path}}', '/tmp/gone.duckdb'])).toEqual([`destructive: mv moves files, replacing what is at the target (a move step never replaces anything): ${destructiveAdvice}`]);
    expect(messages(['/bin/rm', '-rf', 'transforms/main/.sqlmesh'])).toEqual([`destructive: rm deletes files: ${destructiveAdvice}`]);
    expect(messages(['cp', 'a.duckdb', 'data/databox.duckdb'])).toEqual([`destructive: cp replaces its target when it exists (a copy-file step never does): ${destructiveAdvice}`]);
    for (const name of ['rmdir', 'unlink', 'shred', 'truncate', 'dd']) expect(messages([name, 'x']), name).toHaveLength(1);
  });

  it('is found after find -delete or -exec, and behind env, xargs, timeout and uv run', () => {
    expect(messages(['find', 'data', '-name', '*.tmp', '-delete'])).toEqual([`destructive: find -delete deletes what it finds: ${destructiveAdvice}`]);
    expect(messages(['find', 'data', '-name', '*.tmp', '-exec', 'rm', '{}', ';'])).toEqual([`destructive: rm deletes files: ${destructiveAdvice}`]);
    expect(messages(['env', 'TZ=UTC', 'mv', 'a', 'b'])).toHaveLength(1);
    expect(messages(['xargs', '-0', 'rm'])).toHaveLength(1);
    expect(messages(['timeout', '5m', 'dd', 'if=/dev/zero', 'of=data/x'])).toHaveLength(1);
    expect(messages(['uv', 'run', 'cp', 'a', 'b'])).toHaveLength(1);
    expect(messages(['nice', '-n', '10', { forEach: 'source.models', argv: ['rm', '{{item}}'] }])).toHaveLength(1);
    // Past the wrapper's options and their values: timeout's duration, uv run's --with and --package, sudo's -u.
    expect(messages(['timeout', '10', 'rm', 'data/x'])).toHaveLength(1);
    expect(messages(['timeout', '-k', '5', '10', 'python', '-c', 'x'])).toHaveLength(1);
    expect(messages(['uv', 'run', '--package', 'databox', 'python', '-c', 'x'])).toHaveLength(1);
    expect(messages(['uv', 'run', '--directory', 'transforms', 'sed', '-i', 's/a/b/', 'x.sql'])).toHaveLength(1);
    expect(messages(['sudo', '-u', 'dagster', 'python3', '-c', 'x'])).toHaveLength(1);
  });

  it('is found behind every wrapper that runs a command, past its options, their values and its own operand', () => {
    const wrapped = [
      ['ionice', '-c3'], ['ionice', '-c', '3', '-n', '7'], ['stdbuf', '-o0'], ['stdbuf', '-o', 'L'], ['setsid', '-f'], ['flock', '/tmp/l'], ['flock', '-w', '5', '/tmp/l'],
      ['doas'], ['doas', '-u', 'root'], ['pkexec', '--user', 'root'], ['chrt', '-i', '0'], ['chrt', '-b'], ['chrt', '-T', '100', '-d', '0'], ['taskset', '1'], ['taskset', '-c', '0-3'],
      ['unshare', '-S', '0'], ['chroot', '/srv/root'], ['strace', '-f'], ['strace', '-o', '/tmp/t'], ['ltrace', '-e', 'malloc'], ['watch'], ['watch', '-n', '1', '-x'],
      ['parallel', '-j', '2'], ['nohup'], ['time'], ['/usr/bin/time', '-f', '%e'], ['time', '-p'], ['xargs'], ['timeout', '5s'], ['eatmydata'], ['fakeroot'], ['nice', 'ionice', '-c3'],
    ];
    for (const wrapper of wrapped) expect(messages([...wrapper, 'rm', '-rf', 'data/databox.duckdb']), wrapper.join(' ')).toEqual([`destructive: rm deletes files: ${destructiveAdvice}`]);
    // watch and parallel hand their command to sh -c as one line; flock -c gives its command to a shell too.
    expect(messages(['watch', 'rm -rf data/databox.duckdb'])).toEqual([`destructive: rm deletes files: ${destructiveAdvice}`]);
    expect(messages(['parallel', 'rm {}', ':::', 'a', 'b'])).toHaveLength(1);
    expect(messages(['flock', '/tmp/l', '-c', 'ls'])).toEqual([
      "argv: flock -c runs a shell command line, which hides what it runs from this check and from the plan: the bot runs argv without a shell, so list the command's own argv instead (one step per command)",
    ]);
    // A wrapper's operand is not its command; chrt's priority is one only as a number.
    expect(messages(['flock', 'rm', 'ls'])).toEqual([]);
    expect(messages(['taskset', '0x3', 'ls'])).toEqual([]);
    expect(messages(['chrt', '-i', 'rm'])).toHaveLength(1);
  });

  it('refuses the DuckDB CLI given SQL inline (-c, -s, -cmd, or after the database file), marked or not: a sql step is checked', () => {
    const advice = 'hides it from the checks a sql step gets (what it changes, destructive or not, values bound): use a step of kind sql instead';
    expect(messages(['duckdb', 'data/databox.duckdb', '-c', 'DELETE FROM raw.ebird'])).toEqual([`argv: duckdb -c runs SQL given on its command line, which ${advice}`]);
    expect(messages(['duckdb', '-readonly', '-cmd', 'SELECT 1', 'data/databox.duckdb'], true)).toEqual([`argv: duckdb -cmd runs SQL given on its command line, which ${advice}`]);
    expect(messages(['duckdb', 'data/databox.duckdb', 'DROP TABLE raw.ebird'])).toEqual([`argv: duckdb with SQL after the database file runs SQL given on its command line, which ${advice}`]);
    // A script file, output options, and a value that is no SQL are not inline SQL.
    expect(messages(['duckdb', '-readonly', '-json', '-f', 'checks/freshness.sql', 'data/databox.duckdb'])).toEqual([]);
    expect(messages(['duckdb', '-separator', ';', 'data/databox.duckdb'])).toEqual([]);
    expect(messages(['duckdb', '--init', 'setup.sql', 'data/databox.duckdb'])).toEqual([]);
    // The database path templated, as runbooks write it, is still the first plain word.
    expect(messages(['duckdb', '{{database_path}}', '-c', 'DROP TABLE raw.ebird'])).toHaveLength(1);
    expect(messages(['duckdb', '-readonly', '{{database_path}}', 'DROP TABLE raw.ebird'])).toHaveLength(1);
    expect(messages(['duckdb', '--c', 'DROP TABLE raw.ebird', 'data/databox.duckdb'])).toHaveLength(1);
    expect(messages(['duckdb', '-readonly', '-json', '{{database_path}}'])).toEqual([]);
  });

  it('passes once marked destructive, and other commands are not inspected', () => {
    expect(messages(['rm', '-rf', 'transforms/main/.sqlmesh'], true)).toEqual([]);
    expect(messages(['uv', 'run', 'sqlmesh', 'plan', 'prod', '--auto-apply'])).toEqual([]);
    expect(messages(['task', 'full-refresh'])).toEqual([]);
    expect(messages(['find', 'data', '-name', 'rm'])).toEqual([]);
    expect(messages(['{{tool}}', 'x'])).toEqual([]);
    // A word after the wrapped command is its argument, not a command of its own.
    expect(messages(['uv', 'run', 'sqlmesh', 'plan', '--select-model', 'rm'])).toEqual([]);
    expect(messages(['timeout', '30m', 'task', 'verify', '--', 'cp'])).toEqual([]);
    expect(messages(['env', 'A=1', 'python', 'tool.py', '--mode', 'mv'])).toEqual([]);
    // An option's value is no command: uv run --with duckdb runs python, which runs a script.
    expect(messages(['uv', 'run', '--with', 'duckdb', 'python', 'scripts/check.py'])).toEqual([]);
    expect(messages(['uv', 'run', '--with', 'duckdb', 'dagster', 'asset', 'list'])).toEqual([]);
    expect(messages(['rsync', '--version'])).toEqual([]);
  });
});

describe('a shell given a script with -c', () => {
  it('is refused, marked or not, however it is started', () => {
    expect(messages(['sh', '-c', 'rm -rf data'])).toEqual([`argv: sh -c ${shellRefusal}`]);
    expect(messages(['/usr/bin/bash', '-ec', 'echo hi'], true)).toEqual([`argv: bash -c ${shellRefusal}`]);
    expect(messages(['env', 'FOO=1', 'zsh', '-lc', 'ls'])).toEqual([`argv: zsh -c ${shellRefusal}`]);
    expect(messages(['uv', 'run', 'dash', '-c', 'ls'])).toHaveLength(1);
  });

  it('is not refused running a script file', () => {
    expect(messages(['sh', 'scripts/check.sh', '3'])).toEqual([]);
    // The script's own options are not the shell's.
    expect(messages(['bash', 'scripts/report.sh', '-force'])).toEqual([]);
  });
});

const inlineRefusal = (command: string, extension: string) =>
  `argv: ${command} runs code given inline, which hides what it runs from this check and from the plan: put the code in a script file under the databox checkout and run that instead (${command.split(' ')[0]} <script>.${extension} …)`;

const operatorMessage = (element: string, after?: string) =>
  `"${element}" is shell syntax, and no shell runs here: it would reach the command as an argument, as written. Give each command a step of its own with its own argv (the bot reads each step's output itself: no pipe or redirection is needed)${
    after
      ? ` (only a separator option, cut -d, sort -t, awk -F, --delimiter, --field-separator …, takes a one-character |, ;, &, < or > as its next element: give ${after} its value in the same element, ${after}${after.startsWith('--') ? '=' : ''}${element}, if it takes one)`
      : ''
  }`;
const operatorRefusal = (element: string, at: number, after?: string) => `argv.${at}: ${operatorMessage(element, after)}`;

describe('a shell operator as an argv element', () => {
  it('is refused right after an option that takes no value: it is no value of it', () => {
    expect(messages(['uv', 'run', 'sqlmesh', 'audit', '-v', '|', 'tee', 'out.txt'])).toEqual([operatorRefusal('|', 5, '-v')]);
    for (const operator of ['||', '&&', ';', '>', '>>', '2>&1', '&']) {
      expect(messages(['uv', 'run', 'sqlmesh', 'audit', '--verbose', operator, 'x']), operator).toHaveLength(1);
    }
    // A short option is a separator option only for a program that takes one by it: ls -d takes none.
    expect(messages(['ls', '-d', '|', 'tee', 'dirs.txt'])).toEqual([operatorRefusal('|', 2, '-d')]);
    // A multi-character operator is never an option's value, not even a separator option's.
    expect(messages(['cut', '-d', '&&', 'x.csv'])).toEqual([operatorRefusal('&&', 2)]);
    expect(messages(['sort', '-t', '2>&1', 'x.csv'])).toEqual([operatorRefusal('2>&1', 2)]);
  });

  it('after an option of grep or rg is a pattern or a pipe, which cannot be told apart: refused, saying how to give a one-character pattern', () => {
    const grepHint = (element: string) => ` (to search for a lone ${element}, give it in the same element as -e, -e${element}, or drop -F and write it as a bracket expression, "[${element}]")`;
    const base = operatorMessage('|');
    expect(messages(['grep', '-F', '|', 'logs/run.log'])).toEqual([`argv.2: ${base}${grepHint('|')}`]);
    expect(messages(['rg', '-c', ';', 'logs'])).toEqual([`argv.2: ${operatorMessage(';')}${grepHint(';')}`]);
    expect(messages(['grep', '-e|', 'logs/run.log'])).toEqual([]);
    expect(messages(['grep', '[|]', 'logs/run.log'])).toEqual([]);
  });

  it('is a separator option\'s value when one character: cut -d, sort -t, awk -F (behind a wrapper too), duckdb -separator, --delimiter …', () => {
    for (const argv of [
      ['cut', '-d', '|', '-f', '1', 'x.csv'],
      ['duckdb', '-separator', ';', 'data/databox.duckdb'],
      ['sort', '-t', ';', '-k', '2', 'x.csv'],
      ['awk', '-F', '|', '-f', 'scripts/days.awk', 'x.csv'],
      ['cut', '--delimiter', '|', '-f', '2', 'x.csv'],
      ['sort', '--field-separator', ';', 'x.csv'],
      ['column', '-s', '|', '-t', 'x.csv'],
      ['xargs', '-d', '&', 'ls'],
      ['parallel', '--colsep', ';', 'ls', ':::', 'a'],
      ['timeout', '5s', 'sort', '-t', ';', 'x.csv'],
      ['psql', '-A', '-F', '|', '-f', 'checks/report.sql'],
    ]) {
      expect(messages(argv), argv.join(' ')).toEqual([]);
    }
  });
});

describe('an interpreter given code inline', () => {
  it('is refused, marked or not, as sh -c is: python -c, node -e/-p/--eval/--print, perl -e/-E, ruby -e', () => {
    expect(messages(['python3', '-c', 'import os; os.remove("data/x")'])).toEqual([inlineRefusal('python3 -c', 'py')]);
    expect(messages(['.venv/bin/python', '-Bc', 'print(1)'], true)).toEqual([inlineRefusal('python -Bc', 'py')]);
    expect(messages(['python3.12', '-W', 'ignore', '-X', 'dev', '-c', 'print(1)'])).toEqual([inlineRefusal('python3.12 -c', 'py')]);
    expect(messages(['uv', 'run', 'python', '-c', 'print(1)'])).toEqual([inlineRefusal('python -c', 'py')]);
    expect(messages(['node', '-e', 'require("fs").rmSync("data")'])).toEqual([inlineRefusal('node -e', 'js')]);
    expect(messages(['node', '--eval=1+1'])).toEqual([inlineRefusal('node --eval', 'js')]);
    expect(messages(['node', '--print', '1+1'])).toEqual([inlineRefusal('node --print', 'js')]);
    expect(messages(['env', 'NODE_ENV=production', 'node', '-r', 'dotenv/config', '-p', '1'])).toEqual([inlineRefusal('node -p', 'js')]);
    expect(messages(['perl', '-ne', 'print if /x/', 'log.txt'])).toEqual([inlineRefusal('perl -ne', 'pl')]);
    expect(messages(['perl', '-0777', '-E', 'say 1'])).toEqual([inlineRefusal('perl -E', 'pl')]);
    expect(messages(['ruby', '-I', 'lib', '-e', 'puts 1'])).toEqual([inlineRefusal('ruby -e', 'rb')]);
    expect(messages(['php', '-d', 'memory_limit=1G', '-r', 'unlink("data/x");'])).toEqual([inlineRefusal('php -r', 'php')]);
    expect(messages(['php8.3', '-R', 'echo $argn;'])).toEqual([inlineRefusal('php8.3 -R', 'php')]);
    expect(messages(['bun', '--eval', 'await Bun.write("x", "")'])).toEqual([inlineRefusal('bun --eval', 'ts')]);
  });

  it('is refused: awk with its program on the command line (or gawk -e), deno eval; the advice names how to run a file', () => {
    const awkRefusal = (name: string, option: string) =>
      `argv: ${name} ${option} runs code given inline, which hides what it runs from this check and from the plan: put the code in a script file under the databox checkout and run that instead (${name} -f <script>.awk …)`;
    expect(messages(['awk', 'BEGIN { system("rm -rf data") }'])).toEqual([awkRefusal('awk', 'with its program on the command line')]);
    expect(messages(['awk', '-F,', '-v', 'day=2026-04-18', '$1 == day', 'data.csv'])).toEqual([awkRefusal('awk', 'with its program on the command line')]);
    expect(messages(['/usr/bin/gawk', '-e', '{ print }', 'log.txt'], true)).toEqual([awkRefusal('gawk', '-e')]);
    expect(messages(['uv', 'run', 'mawk', '{ print $2 }', 'x'])).toEqual([awkRefusal('mawk', 'with its program on the command line')]);
    expect(messages(['deno', '--quiet', 'eval', 'Deno.removeSync("data")'])).toEqual([
      'argv: deno eval runs code given inline, which hides what it runs from this check and from the plan: put the code in a script file under the databox checkout and run that instead (deno run <script>.ts …)',
    ]);
  });

  it('is not refused running a script file or a module, even with the same letters among the script\'s arguments', () => {
    expect(messages(['python3', 'scripts/report.py', '-c', 'config.toml'])).toEqual([]);
    expect(messages(['python', '-m', 'pytest', '-c', 'pytest.ini'])).toEqual([]);
    expect(messages(['python3', '-W', 'c', 'scripts/report.py'])).toEqual([]);
    expect(messages(['node', '-r', 'ts-node/register', 'scripts/check.js', '-e'])).toEqual([]);
    expect(messages(['perl', '-w', 'scripts/tidy.pl', '-e'])).toEqual([]);
    expect(messages(['ruby', 'scripts/check.rb', '-e', 'prod'])).toEqual([]);
    expect(messages(['php', 'scripts/report.php', '-r'])).toEqual([]);
    expect(messages(['awk', '-f', 'scripts/days.awk', 'data.csv'])).toEqual([]);
    expect(messages(['awk', '-v', 'day=x', '--file=scripts/days.awk', 'data.csv', '-e'])).toEqual([]);
    expect(messages(['deno', 'run', '--allow-read', 'scripts/check.ts', 'eval'])).toEqual([]);
  });
});

describe('a command that edits files in place or deletes them by an option', () => {
  it('must be marked destructive: sed -i or --in-place, perl -i, ruby -i', () => {
    expect(messages(['sed', '-i', 's/a/b/', 'config.yml'])).toEqual([`destructive: sed -i edits files in place: ${destructiveAdvice}`]);
    expect(messages(['sed', '-Ei.bak', 's/a/b/', 'config.yml'])).toEqual([`destructive: sed -Ei edits files in place: ${destructiveAdvice}`]);
    expect(messages(['sed', '--in-place=.bak', '-e', 's/a/b/', 'config.yml'])).toEqual([`destructive: sed --in-place edits files in place: ${destructiveAdvice}`]);
    // GNU sed reads its options after the script and the files too.
    expect(messages(['sed', 's/a/b/', 'config.yml', '-i'])).toHaveLength(1);
    expect(messages(['perl', '-pi', 'scripts/fix.pl', 'config.yml'])).toEqual([`destructive: perl -pi edits files in place: ${destructiveAdvice}`]);
    expect(messages(['ruby', '-i.bak', '-p', 'scripts/fix.rb', 'config.yml'])).toEqual([`destructive: ruby -i edits files in place: ${destructiveAdvice}`]);
  });

  it('must be marked destructive: rsync but a dry run, naming --delete and its variants, --remove-source-files', () => {
    expect(messages(['rsync', '-a', '--delete', 'data/', 'backup/'])).toEqual([`destructive: rsync --delete deletes files at the destination that the source does not have: ${destructiveAdvice}`]);
    for (const option of ['--del', '--delete-after', '--delete-before', '--delete-during', '--delete-delay', '--delete-excluded'])
      expect(messages(['rsync', '-a', 'data/', 'backup/', option]), option).toEqual([`destructive: rsync ${option} deletes files at the destination that the source does not have: ${destructiveAdvice}`]);
    expect(messages(['rsync', '-a', '--remove-source-files', 'data/', 'backup/'])).toEqual([`destructive: rsync --remove-source-files deletes the source files it sent: ${destructiveAdvice}`]);
    // Without them, as cp: what exists at the destination is replaced.
    expect(messages(['rsync', '-a', 'data/', 'backup/'])).toEqual([`destructive: rsync replaces the files at its destination that exist (a copy-file step never does): ${destructiveAdvice}`]);
  });

  it('must be marked destructive: git clean, reset --hard, checkout -- <path> or -f, restore', () => {
    expect(messages(['git', 'clean', '-fdx'])).toEqual([`destructive: git clean deletes untracked files: ${destructiveAdvice}`]);
    expect(messages(['git', '-C', 'transforms/main', 'reset', '--hard', 'HEAD'])).toEqual([`destructive: git reset --hard discards uncommitted changes to tracked files: ${destructiveAdvice}`]);
    expect(messages(['git', 'checkout', '--', 'transforms/main/models'])).toEqual([
      `destructive: git checkout with -- or -f discards uncommitted changes to the files it checks out: ${destructiveAdvice}`,
    ]);
    expect(messages(['git', 'checkout', '-f', 'main'])).toHaveLength(1);
    expect(messages(['git', 'restore', 'transforms/main/models'])).toEqual([`destructive: git restore discards uncommitted changes to the files it restores: ${destructiveAdvice}`]);
    expect(messages(['git', 'restore', '--staged', '--worktree', '.'])).toHaveLength(1);
  });

  it('must be marked destructive: git switch -f or --discard-changes, a push that rewrites or deletes the remote\'s branches, gawk -i inplace', () => {
    expect(messages(['git', 'switch', '--discard-changes', 'main'])).toEqual([`destructive: git switch with -f or --discard-changes discards uncommitted changes: ${destructiveAdvice}`]);
    expect(messages(['git', 'switch', '-f', 'main'])).toHaveLength(1);
    expect(messages(['git', 'push', '--force', 'origin', 'main'])).toEqual([`destructive: git push --force rewrites or deletes branches on the remote: ${destructiveAdvice}`]);
    expect(messages(['git', '-C', 'transforms', 'push', 'origin', '+main'])).toEqual([`destructive: git push +main rewrites or deletes branches on the remote: ${destructiveAdvice}`]);
    for (const forcing of ['-f', '--force-with-lease=main', '--mirror', '--delete', '-d', '--prune', ':old-branch']) {
      expect(messages(['git', 'push', 'origin', forcing]), forcing).toHaveLength(1);
    }
    expect(messages(['gawk', '-i', 'inplace', '-f', 'scripts/fix.awk', 'config.txt'])).toEqual([`destructive: gawk -i inplace edits files in place: ${destructiveAdvice}`]);
    expect(messages(['gawk', '--include=inplace', '-f', 'scripts/fix.awk', 'config.txt'])).toHaveLength(1);
  });

  it('passes once marked destructive, and the same commands without those options are not inspected', () => {
    expect(messages(['sed', '-i', 's/a/b/', 'config.yml'], true)).toEqual([]);
    expect(messages(['rsync', '-a', '--delete', 'data/', 'backup/'], true)).toEqual([]);
    expect(messages(['git', 'clean', '-fdx'], true)).toEqual([]);
    expect(messages(['sed', '-n', '/error/p', 'logs/dagster.log'])).toEqual([]);
    // -e takes the script as its value: an "i" in it is no option.
    expect(messages(['sed', '-e', 'i', '-n', 'x'])).toEqual([]);
    expect(messages(['perl', '-w', 'scripts/tidy.pl', 'config.yml'])).toEqual([]);
    expect(messages(['rsync', '-avn', '--delete-excluded', 'data/', 'backup/'])).toEqual([]);
    expect(messages(['rsync', '-avn', 'data/', 'backup/'])).toEqual([]);
    expect(messages(['rsync', '--dry-run', '-a', 'data/', 'backup/'])).toEqual([]);
    expect(messages(['git', 'status'])).toEqual([]);
    expect(messages(['git', 'clean', '-nd'])).toEqual([]);
    expect(messages(['git', 'reset', '--soft', 'HEAD~1'])).toEqual([]);
    expect(messages(['git', 'checkout', 'main'])).toEqual([]);
    expect(messages(['git', 'restore', '--staged', 'transforms/main/models'])).toEqual([]);
    expect(messages(['git', 'log', '--', 'clean'])).toEqual([]);
    expect(messages(['git', 'switch', 'main'])).toEqual([]);
    expect(messages(['git', 'push', 'origin', 'HEAD:main'])).toEqual([]);
    expect(messages(['git', 'push', '--dry-run', '--force', 'origin', 'main'])).toEqual([]);
    expect(messages(['gawk', '-i', 'ns', '-f', 'scripts/fix.awk'])).toEqual([]);
  });
});

describe('in a runbook', () => {
  const step = (argv: unknown[], extra: Doc = {}) => ({ id: 'planted', kind: 'command', title: 'A planted command', argv, ...extra });

  it('refuses a diagnosis step that moves the database away, and still refuses it once marked', () => {
    const doc = bundled('duckdb.yml');
    doc.diagnosis.steps.push(step(['mv', '{{database_path}}', '/tmp/gone.duckdb']));
    expect(refusalOf(tempDir(), 'duckdb.yml', doc)).toEqual([
      `at diagnosis.steps[4].destructive: mv moves files, replacing what is at the target (a move step never replaces anything): ${destructiveAdvice}`,
    ]);
    doc.diagnosis.steps[4] = step(['mv', '{{database_path}}', '/tmp/gone.duckdb'], { mutates: true, destructive: true });
    expect(refusalOf(tempDir(), 'duckdb.yml', doc)).toEqual(['at diagnosis.steps[4]: diagnosis steps must be read-only: one that changes data belongs among the steps of a recovery path, with mutates: true, where it runs only in a plan someone approves: move it there']);
  });

  it('refuses an rm -rf marked only mutates in a path the requester could approve alone', () => {
    const doc = bundled('schedule.yml');
    doc.recovery[0].approval = 'anyone';
    const added = doc.recovery[0].steps.push(step(['rm', '-rf', 'transforms/main/.sqlmesh'], { mutates: true })) - 1;
    expect(refusalOf(tempDir(), 'schedule.yml', doc)).toEqual([`at recovery[0].steps[${added}].destructive: rm deletes files: ${destructiveAdvice}`]);
    doc.recovery[0].steps[added].destructive = true;
    expect(refusalOf(tempDir(), 'schedule.yml', doc)).toEqual(["at recovery[0].approval: a path with destructive steps needs a teammate's approval: set approval: teammate, or leave it out"]);
  });

  it('asks a changing command among a recovery path\'s or a rollback\'s steps only to be marked mutates, and one in a diagnosis, a validation or a guard to move to a recovery path', () => {
    const materialize = ['uv', 'run', 'dagster', 'asset', 'materialize', '--select', 'ebird_dlt_assets'];
    const writes = 'dagster asset materialize changes what Dagster runs or has stored';
    const moveIt = 'it belongs among the steps of a recovery path or a rollback, with mutates: true, where it runs only in a plan someone approves; no diagnosis, validation or guard may run it: move it out of one into a recovery path';
    const doc = bundled('schedule.yml');
    const inRecovery = doc.recovery[0].steps.push(step(materialize)) - 1;
    const inRollback = doc.recovery[0].rollback.steps.push(step(materialize)) - 1;
    doc.recovery[0].guards = [...(doc.recovery[0].guards ?? []), step(materialize)];
    const inGuards = doc.recovery[0].guards.length - 1;
    doc.validation.steps.push(step(materialize));
    const inValidation = doc.validation.steps.length - 1;
    const planted = refusalOf(tempDir(), 'schedule.yml', doc).filter((line) => line.includes(writes));
    expect(planted.sort()).toEqual(
      [
        `at recovery[0].steps[${inRecovery}].mutates: ${writes}: set mutates: true, so the plan says it changes data`,
        `at recovery[0].rollback.steps[${inRollback}].mutates: ${writes}: set mutates: true, so the plan says it changes data`,
        `at recovery[0].guards[${inGuards}].mutates: ${writes}: ${moveIt}`,
        `at validation.steps[${inValidation}].mutates: ${writes}: ${moveIt}`,
      ].sort(),
    );
  });

  it('refuses python3 -c in a diagnosis, and a recovery step running sed -i unless marked destructive', () => {
    const diagnosis = bundled('duckdb.yml');
    diagnosis.diagnosis.steps.push(step(['uv', 'run', 'python3', '-c', 'import duckdb; print(1)']));
    expect(refusalOf(tempDir(), 'duckdb.yml', diagnosis)).toEqual([`at diagnosis.steps[4].${inlineRefusal('python3 -c', 'py')}`]);
    const recovery = bundled('schedule.yml');
    const added = recovery.recovery[0].steps.push(step(['sed', '-i', 's/cron/@daily/', 'schedules.yml'], { mutates: true })) - 1;
    expect(refusalOf(tempDir(), 'schedule.yml', recovery)).toEqual([`at recovery[0].steps[${added}].destructive: sed -i edits files in place: ${destructiveAdvice}`]);
    recovery.recovery[0].steps[added].destructive = true;
    // Alone in its directory, schedule.yml names a runbook that is not there: only the planted step's lines matter here.
    expect(refusalOf(tempDir(), 'schedule.yml', recovery).filter((line) => line.includes(`steps[${added}]`))).toEqual([]);
  });

  it('refuses a pipe after a flag, naming the step and the element', () => {
    const doc = bundled('duckdb.yml');
    doc.diagnosis.steps.push(step(['uv', 'run', 'sqlmesh', 'audit', '-v', '|', 'tee', 'out.txt']));
    expect(refusalOf(tempDir(), 'duckdb.yml', doc)).toEqual([`at diagnosis.steps[4].argv[5]: ${operatorMessage('|', '-v')}`]);
  });

  it('refuses sh -c in a validation', () => {
    const doc = bundled('duckdb.yml');
    doc.validation.steps.push(step(['sh', '-c', 'task verify && rm -f data/x']));
    const at = doc.validation.steps.length - 1;
    expect(refusalOf(tempDir(), 'duckdb.yml', doc)).toEqual([`at validation.steps[${at}].argv: sh -c ${shellRefusal}`]);
  });
});

describe("the stack's own commands that write", () => {
  const unmarked = (argv: string[]) => argvIssues(argv, false, false).map((issue) => `${issue.at.join('.')}: ${issue.message}`);
  const advice = 'it belongs among the steps of a recovery path or a rollback, with mutates: true, where it runs only in a plan someone approves; no diagnosis, validation or guard may run it: move it out of one into a recovery path';

  it('must be marked mutates, so no diagnosis or validation runs them unapproved', () => {
    expect(unmarked(['uv', 'run', 'sqlmesh', 'plan', 'prod', '--auto-apply'])).toEqual([`mutates: sqlmesh plan --auto-apply applies the plan to the warehouse: ${advice}`]);
    expect(unmarked(['uv', 'run', 'sqlmesh', '--gateway', 'local', 'run'])).toEqual([`mutates: sqlmesh run changes the warehouse, SQLMesh's state or the project's files: ${advice}`]);
    expect(unmarked(['uv', 'run', 'dagster', 'asset', 'materialize', '--select', 'ebird_dlt_assets'])).toEqual([`mutates: dagster asset materialize changes what Dagster runs or has stored: ${advice}`]);
    expect(unmarked(['dagster', 'schedule', 'stop', 'all_pipelines_daily'])).toHaveLength(1);
    expect(unmarked(['uv', 'run', 'dagster-daemon', 'run'])).toHaveLength(1);
    expect(unmarked(['uv', 'run', 'dlt', 'pipeline', 'ebird', 'drop', '--drop-all'])).toEqual([`mutates: dlt pipeline … drop changes a pipeline's data, state or files: ${advice}`]);
    // However it is started: python -m, uvx, uv tool run, uv's own options before run.
    for (const argv of [
      ['uv', 'run', 'python', '-m', 'dagster', 'asset', 'materialize', '--select', 'x'],
      ['uvx', 'sqlmesh', 'run'],
      ['uv', 'tool', 'run', 'sqlmesh', 'run'],
      ['uv', '--directory', 'transforms/main', 'run', 'sqlmesh', 'run'],
      ['uv', 'run', 'dagster', 'dev'],
      ['uv', 'run', 'sqlmesh', 'state', 'import', '-i', 'state.json'],
      ['uv', 'run', 'sqlmesh', 'format'],
      ['uv', 'run', 'dagster', 'instance', 'concurrency', 'set', 'k', '1'],
      ['uvx', '--from', 'sqlmesh[web]', 'sqlmesh', 'run'],
      ['uvx', 'sqlmesh@0.130.0', 'run'],
      ['uv', 'tool', 'run', '--from', 'dlt[duckdb]', 'dlt', 'pipeline', 'ebird', 'drop', '--drop-all'],
      ['uv', 'run', '--no-extra', 'x', 'sqlmesh', 'run'],
      ['python', '-Im', 'dagster', 'asset', 'materialize'],
      ['uv', 'run', 'sqlmesh', 'ui'],
    ]) {
      expect(unmarked(argv), argv.join(' ')).toHaveLength(1);
    }
    expect(unmarked(['uv', 'run', 'sqlmesh', 'fetchdf', 'DELETE FROM raw_ebird.observations'])).toEqual([
      'argv: sqlmesh fetchdf runs SQL given on its command line, which hides it from the checks a sql step gets (what it changes, destructive or not, values bound): use a step of kind sql instead',
    ]);
    // Marked, they pass; and what only reads is not inspected.
    expect(argvIssues(['uv', 'run', 'sqlmesh', 'plan', 'prod', '--auto-apply'], false, true)).toEqual([]);
    for (const argv of [
      ['uv', 'run', 'sqlmesh', 'audit'],
      ['uv', 'run', 'sqlmesh', 'plan', 'prod', '--dry-run'],
      ['uv', 'run', 'sqlmesh', 'state', 'list'],
      ['uv', 'run', 'dagster', 'asset', 'list'],
      ['uv', 'run', 'dagster', 'schedule', 'list'],
      ['uv', 'run', 'dagster-daemon', 'liveness-check'],
      ['uv', 'run', 'dagster', 'asset-check', 'execute', '--select', '*'],
      ['uv', 'run', 'dlt', 'pipeline', 'ebird', 'info'],
      ['uv', 'run', 'dagster', 'instance', 'concurrency', 'get', '--all'],
      ['uv', 'run', 'sqlmesh', 'info'],
      ['uv', 'run', 'sqlmesh', 'table_diff', 'prod:dev', 'ebird.fct_daily_bird_observations'],
      ['uv', 'run', 'python', '-m', 'dagster', 'asset', 'list'],
      // A model named "run" rendered, and a script's own -m option, are arguments, not commands.
      ['uv', 'run', 'sqlmesh', 'render', 'run'],
      ['python', 'scripts/report.py', '-m', 'rm'],
    ]) {
      expect(unmarked(argv), argv.join(' ')).toEqual([]);
    }
  });

  it('counts sqlmesh plan without --auto-apply, which applies once its prompt is answered; a plan that says it applies nothing is a look', () => {
    expect(unmarked(['uv', 'run', 'sqlmesh', 'plan', 'prod'])).toEqual([
      `mutates: sqlmesh plan applies a plan to the warehouse once its prompt is answered yes (to see what differs without applying, sqlmesh diff): ${advice}`,
    ]);
    expect(unmarked(['uv', 'run', 'sqlmesh', 'plan', 'dev', '--start', '2026-01-01'])).toHaveLength(1);
    for (const look of ['--no-prompts', '--explain', '--dry-run']) expect(unmarked(['uv', 'run', 'sqlmesh', 'plan', 'prod', look]), look).toEqual([]);
  });

  it("counts a Taskfile task whose whole name (past its namespace) says it changes data: task clean, task --yes full-refresh, task db:reset", () => {
    const named = (task: string) => `mutates: task ${task}: the task's name says it changes the data or the checkout, and a Taskfile's tasks are not read here to say otherwise: ${advice}`;
    expect(unmarked(['task', 'clean'])).toEqual([named('clean')]);
    expect(unmarked(['task', '--yes', 'full-refresh'])).toEqual([named('full-refresh')]);
    expect(unmarked(['nice', 'task', '-d', 'transforms', 'verify', 'db:reset', 'X=1'])).toEqual([named('db:reset')]);
    // A task read by name only: rebuild-log reads a log, -d's value is a folder, and what follows -- is the task's own.
    for (const argv of [['task', 'verify'], ['task', 'verify:dev'], ['task', 'rebuild-log'], ['task', '-d', 'clean', 'verify'], ['task', 'verify', '--', 'clean']]) {
      expect(unmarked(argv), argv.join(' ')).toEqual([]);
    }
  });

  it('counts a task any part of whose name between colons says it changes data: full-refresh:ebird, clean:all', () => {
    const named = (task: string) => `mutates: task ${task}: the task's name says it changes the data or the checkout, and a Taskfile's tasks are not read here to say otherwise: ${advice}`;
    expect(unmarked(['task', 'full-refresh:ebird'])).toEqual([named('full-refresh:ebird')]);
    expect(unmarked(['task', 'clean:all'])).toEqual([named('clean:all')]);
  });

  it("takes task asked only to look as reading: --dry (-n), --summary, --status and the lists run no task (go-task's CLI reference)", () => {
    for (const argv of [['task', '--dry', 'full-refresh'], ['task', '--summary', 'clean'], ['task', '--status', 'load'], ['task', '-n', 'load'], ['task', '-sn', 'load'], ['task', 'load', '--dry'], ['task', '--dry=true', 'load']]) {
      expect(unmarked(argv), argv.join(' ')).toEqual([]);
    }
    // Asked to run after all: --dry=false, or --dry given to the task itself past --.
    expect(unmarked(['task', '--dry=false', 'load'])).toHaveLength(1);
    expect(unmarked(['task', 'load', '--', '--dry'])).toHaveLength(1);
  });

  it('counts install, tee, ln -f and busybox applets among the commands that overwrite files', () => {
    expect(messages(['install', '-m', '644', 'x.duckdb', 'data/databox.duckdb'])).toEqual([`destructive: install replaces its target files: ${destructiveAdvice}`]);
    expect(messages(['tee', 'data/databox.duckdb'])).toEqual([`destructive: tee writes over the files it names (with -a it appends to them): ${destructiveAdvice}`]);
    expect(messages(['ln', '-sf', '/dev/null', 'data/databox.duckdb'])).toEqual([`destructive: ln -f replaces the file at its target with a link: ${destructiveAdvice}`]);
    expect(messages(['ln', '-s', 'a', 'b'])).toEqual([]);
    expect(messages(['busybox', 'rm', '-rf', 'data'])).toEqual([`destructive: rm deletes files: ${destructiveAdvice}`]);
  });
});
