// Load-time rules on what a command step runs: a command that deletes, moves or overwrites files is destructive, and no code
// given inline (sh -c, python -c, node -e, awk '{…}' …). Only these few obvious commands are recognised; anything else a command does is
// the author's word (mutates, destructive).
import path from 'node:path';
import type { StepIssue } from './define-step-kind.js';
import { dashLookAlikeIssues } from './dash-look-alikes.js';
import { fileChangingOption } from './file-changing-options.js';
import { interpreterEffect } from './interpreter-options.js';
import { changingSqlIn } from './sql-in-argv.js';
import { stackWrites } from './stack-writers.js';
import { unwrap, withoutShell } from './wrapped-command.js';

/** Commands that delete, move or overwrite files, and what each does. */
const destroying: Record<string, string> = {
  rm: 'deletes files',
  rmdir: 'deletes directories',
  unlink: 'deletes a file',
  shred: 'overwrites and deletes files',
  truncate: 'cuts files short',
  dd: 'overwrites its output file',
  mv: 'moves files, replacing what is at the target (a move step never replaces anything)',
  cp: 'replaces its target when it exists (a copy-file step never does)',
  install: 'replaces its target files',
  tee: 'writes over the files it names (with -a it appends to them)',
};

const shells = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh']);

interface Effect {
  /** Why the step is refused outright, marked or not: it runs code that neither this check nor the plan can show. */
  hides?: string;
  destroys?: string;
  /** What it writes that is not a file it destroys (a stack command's data or state): it mutates. */
  writes?: string;
}

const shellHides = (shell: string) => `${shell} runs a shell script, which hides what it runs from this check and from the plan: ${withoutShell}`;

const inlineCodeHides = (name: string, option: string, extension: string, scriptOption?: string) =>
  `${name} ${option} runs code given inline, which hides what it runs from this check and from the plan: put the code in a script file under the databox checkout and run that instead (${[name, scriptOption].filter(Boolean).join(' ')} <script>.${extension} …)`;

const inlineSqlHides = (given: string) =>
  `duckdb ${given} runs SQL given on its command line, which hides it from the checks a sql step gets (what it changes, destructive or not, values bound): use a step of kind sql instead`;

/** The DuckDB CLI's options whose value is the next word (-c, -s and -cmd: SQL to run). */
const duckdbValueOptions = new Set(['-c', '-s', '-cmd', '-f', '-init', '-newline', '-separator', '-nullvalue']);

/**
 * How `duckdb` is given SQL inline, if it is: -c, -s or -cmd (the shell takes --c as -c too), or SQL after the database
 * file (its second plain word; a templated word, the database path as a rule, counts as one).
 */
function duckdbInlineSql(rest: readonly (string | undefined)[]): string | undefined {
  let plainWords = 0;
  for (let i = 0; i < rest.length; i += 1) {
    const word = rest[i];
    const option = word?.startsWith('--') ? word.slice(1) : word;
    if (option === '-c' || option === '-s' || option === '-cmd') return option;
    if (option !== undefined && duckdbValueOptions.has(option)) i += 1;
    else if ((option === undefined || !option.startsWith('-')) && (plainWords += 1) > 1) return 'with SQL after the database file';
  }
  return undefined;
}

/** What the command at the start of `words` does that matters here; a templated word (undefined) names nothing. */
function effect(words: readonly (string | undefined)[]): Effect {
  const first = words[0];
  if (first === undefined) return {};
  // uvx sqlmesh@0.130.0 runs sqlmesh.
  const name = path.posix.basename(first).replace(/@[^/]*$/, '');
  const rest = words.slice(1);
  // -c, or a cluster of short options holding it (-ec, -lc), among the shell's own options: those before its script.
  if (shells.has(name) && shellOptions(rest).some((word) => /^-[A-Za-z]*c[A-Za-z]*$/.test(word))) return { hides: shellHides(`${name} -c`) };
  if (Object.hasOwn(destroying, name)) return { destroys: `${name} ${destroying[name]}` };
  // ln -f (or -sf, --force) replaces the file at its target, the database say, with a link.
  if (name === 'ln' && rest.some((word) => word === '--force' || (word !== undefined && /^-[A-Za-z]*f[A-Za-z]*$/.test(word)))) return { destroys: 'ln -f replaces the file at its target with a link' };
  if (name === 'sqlmesh' && rest.includes('fetchdf')) {
    return { hides: 'sqlmesh fetchdf runs SQL given on its command line, which hides it from the checks a sql step gets (what it changes, destructive or not, values bound): use a step of kind sql instead' };
  }
  const writes = stackWrites(name, rest);
  if (writes) return { writes };
  const inlineSql = name === 'duckdb' ? duckdbInlineSql(rest) : undefined;
  if (inlineSql) return { hides: inlineSqlHides(inlineSql) };
  const interpreter = interpreterEffect(name, rest);
  if (interpreter?.code) return { hides: inlineCodeHides(name, interpreter.code, interpreter.extension, interpreter.scriptOption) };
  if (interpreter?.inPlace) return { destroys: `${name} ${interpreter.inPlace} edits files in place` };
  const changing = fileChangingOption(name, rest);
  if (changing) return { destroys: changing };
  if (name === 'find') {
    if (rest.includes('-delete')) return { destroys: 'find -delete deletes what it finds' };
    const exec = rest.findIndex((word) => word !== undefined && /^-(exec|execdir|ok|okdir)$/.test(word));
    return exec === -1 ? {} : effect(rest.slice(exec + 1));
  }
  // python -m dagster … runs dagster as much as dagster … does.
  // -m, or a cluster of short options ending in it (-Im): the module's name is the next word.
  const module = /^python(\d+(\.\d+)?)?$/.test(name) ? shellOptions(rest).findIndex((word) => /^-[A-Za-z]*m$/.test(word)) : -1;
  if (module !== -1) return effect(rest.slice(module + 1));
  if (name === 'uv' || name === 'uvx') {
    const start = uvRunStart(name, rest);
    return start === undefined ? {} : effect(rest.slice(start));
  }
  const unwrapped = unwrap(name, rest);
  if (unwrapped === undefined) return {};
  return 'hides' in unwrapped ? { hides: unwrapped.hides } : effect(unwrapped.command);
}

/** uv's options, before and after its subcommand, that take the next word as their value (uv run --with duckdb); --name=value takes none. */
const uvValueOptions: ReadonlySet<string> = new Set([
  '--from', '--no-extra', '--with', '--with-editable', '--with-requirements', '--project', '--directory', '--package', '-p', '--python', '--env-file', '--extra',
  '--group', '--only-group', '--no-group', '--index', '--default-index', '--index-url', '--extra-index-url', '-f', '--find-links',
  '--cache-dir', '--config-file', '-C', '--config-setting', '--exclude-newer', '--prerelease', '--resolution', '--index-strategy',
  '--link-mode', '--python-platform', '--color', '--allow-insecure-host',
]);

/**
 * Where the command that `uv run`, `uv tool run` or `uvx` runs starts, past uv's own options before and after its
 * subcommand (uv --directory transforms/main run sqlmesh …); undefined for another uv subcommand.
 */
function uvRunStart(name: string, rest: readonly (string | undefined)[]): number | undefined {
  const skipOptions = (from: number): number | undefined => {
    for (let i = from; i < rest.length; i += 1) {
      const word = rest[i];
      if (word === undefined) return undefined;
      if (word === '--') continue;
      if (!word.startsWith('-')) return i;
      if (uvValueOptions.has(word)) i += 1;
    }
    return undefined;
  };
  if (name === 'uvx') return skipOptions(0);
  const sub = skipOptions(0);
  if (sub === undefined) return undefined;
  if (rest[sub] === 'run') return skipOptions(sub + 1);
  if (rest[sub] === 'tool' && rest[sub + 1] === 'run') return skipOptions(sub + 2);
  return undefined;
}

/** A shell's options: the words before its first one that is not an option (the script it runs, or its -c text). */
function shellOptions(words: readonly (string | undefined)[]): string[] {
  const options: string[] = [];
  for (const word of words) {
    if (word === undefined || !word.startsWith('-')) break;
    options.push(word);
  }
  return options;
}


/** What a command step's argv changes by the tools' own rules (the stack's writers, a destroying program), in words; undefined when it only reads as far as they know. */
export function argvChanges(argv: readonly (string | { argv: string[] })[]): string | undefined {
  const found = effect(argv.flatMap((element) => (typeof element === 'string' ? [element] : element.argv)).map((word) => (word.includes('{{') ? undefined : word)));
  return found.writes ?? found.destroys;
}

/** The issues of one command step's argv, its elements flattened (a forEach group's parts in place; templated ones unknown). */
export function argvIssues(argv: readonly (string | { argv: string[] })[], destructive: boolean, mutates = true): StepIssue[] {
  const words = argv.flatMap((element) => (typeof element === 'string' ? [element] : element.argv)).map((word) => (word.includes('{{') ? undefined : word));
  // No shell splits argv: [task full-refresh] asks for a program named "task full-refresh", found nowhere, mid-plan.
  const program = words[0];
  if (program !== undefined && /\s/.test(program) && !program.includes('/')) {
    return [{ at: ['argv', 0], message: `"${program}" is one element, so it names a program with a space in it; argv takes one element per word (no shell splits it): [${program.trim().split(/\s+/).join(', ')}, …]` }];
  }
  const dashes = dashLookAlikeIssues(argv);
  if (dashes.length > 0) return dashes;
  const operators = shellOperatorIssues(argv);
  if (operators.length > 0) return operators;
  const found = effect(words);
  if (found.hides) return [{ at: ['argv'], message: found.hides }];
  const sql = inlineChangingSql(argv);
  if (sql) return [sql];
  if (found.destroys && !destructive) {
    return [{ at: ['destructive'], message: `${found.destroys}: set destructive: true (and mutates: true), so the plan marks it and a teammate approves it; no diagnosis or validation may run it` }];
  }
  if (found.writes && !mutates) {
    return [
      {
        at: ['mutates'],
        message: `${found.writes}: it belongs among the steps of a recovery path or a rollback, with mutates: true, where it runs only in a plan someone approves; no diagnosis, validation or guard may run it: move it out of one into a recovery path`,
        // Already among a recovery path's or a rollback's steps, moving it is no advice: marking it is all it lacks.
        amongChangingSteps: `${found.writes}: set mutates: true, so the plan says it changes data`,
      },
    ];
  }
  return [];
}

/**
 * An argument that is itself SQL changing data, given to any client (sqlite3 db "DELETE FROM x", psql -c "DROP TABLE x"):
 * refused as duckdb -c is, since a sql step's checks never see it. The program's name is no argument.
 */
function inlineChangingSql(argv: readonly (string | { argv: string[] })[]): StepIssue | undefined {
  const program = typeof argv[0] === 'string' && !argv[0].includes('{{') ? path.posix.basename(argv[0]) : 'the command';
  for (const [i, element] of argv.entries()) {
    const parts = typeof element === 'string' ? (i === 0 ? [] : [{ word: element, at: ['argv', i] }]) : element.argv.map((word, j) => ({ word, at: ['argv', i, 'argv', j] }));
    for (const { word, at } of parts) {
      const sql = changingSqlIn(word);
      if (sql) {
        return { at, message: `"${sql}" is SQL that changes data, given to ${program} on its command line, which hides it from the checks a sql step gets (what it changes, destructive or not, values bound): use a step of kind sql instead` };
      }
    }
  }
  return undefined;
}

/** Whole elements a shell would take as a pipe, a list or a redirection; with no shell they reach the command as arguments. */
const shellOperators = new Set(['|', '||', '|&', '&&', ';', '&', '>', '>>', '<', '<<', '<<<', '>&', '&>', '&>>', '1>', '2>', '2>>', '2>&1', '1>&2', '>/dev/null', '2>/dev/null']);

/** The operators that are one character: a separator can be one of these (cut -d '|', sort -t ';'). */
const oneCharacterOperators = new Set(['|', ';', '&', '<', '>']);

/** The programs whose short options take a separator, by letter: cut -d '|', sort -t ';', awk -F '|', column -s … */
const separatorLetters: Record<string, string> = {
  cut: 'd', paste: 'd', sort: 't', join: 't', awk: 'F', gawk: 'F', mawk: 'F', nawk: 'F', column: 'so', xargs: 'd', parallel: 'dC', psql: 'FR',
  seq: 's', nl: 's', numfmt: 'd', datamash: 't', split: 't',
};

/** Long options that take a separator whatever the program: --delimiter, --field-separator, duckdb's and sqlite3's -separator, mlr's --ifs …. */
const separatorLong = /^(-separator|--(delimiters?|output-delimiter|field-separator|separator|output-separator|record-separator|colsep|sep|[io]?fs))$/;

/** Programs whose operand is a pattern: a lone | after one of their options is a pattern or a pipe, which cannot be told apart. */
const grepPrograms: ReadonlySet<string> = new Set(['grep', 'egrep', 'fgrep', 'zgrep', 'rg']);

/**
 * Each argv element that is a shell operator. One is taken as an option's value only when it is one character and
 * follows a separator option (cut -d '|', duckdb -separator ';', a short one of a program named before it, so that
 * find … -exec cut -d '|' is cut's): after any other option it is the shell syntax it looks like (sqlmesh audit -v | tee
 * out.txt, where -v takes no value; ls -d | …), and no option's value is a multi-character operator (&&, ||, >>, 2>&1),
 * which no separator is. find's `;` after -exec (or -execdir, -ok, -okdir) is find's own, and expr's `|`, `&`, `<`, `>` are its.
 */
function shellOperatorIssues(argv: readonly (string | { argv: string[] })[]): StepIssue[] {
  if (typeof argv[0] === 'string' && path.posix.basename(argv[0]) === 'expr') return [];
  let findExec = false;
  let letters = '';
  let grepLike = false;
  return argv.flatMap((element, i) => {
    if (typeof element !== 'string') return [];
    letters += separatorLetters[path.posix.basename(element)] ?? '';
    if (grepPrograms.has(path.posix.basename(element))) grepLike = true;
    if (/^-(exec|execdir|ok|okdir)$/.test(element)) findExec = true;
    if (findExec && element === ';') {
      findExec = false;
      return [];
    }
    if (!shellOperators.has(element)) return [];
    const before = argv[i - 1];
    const option = typeof before === 'string' && before.startsWith('-') && before !== '-' && before !== '--' && !before.includes('=') ? before : undefined;
    const oneCharacter = oneCharacterOperators.has(element);
    const separator = option !== undefined && (separatorLong.test(option) || (/^-[A-Za-z]$/.test(option) && letters.includes(option.charAt(1))));
    if (oneCharacter && separator) return [];
    // grep -F | (a pattern of one |) cannot be told from grep -c | wc: refused, with how to write such a pattern.
    const inOwnElement =
      option === undefined || !oneCharacter
        ? ''
        : grepLike
          ? ` (to search for a lone ${element}, give it in the same element as -e, -e${element}, or drop -F and write it as a bracket expression, "[${element}]")`
          : ` (only a separator option, cut -d, sort -t, awk -F, --delimiter, --field-separator …, takes a one-character |, ;, &, < or > as its next element: give ${option} its value in the same element, ${option}${option.startsWith('--') ? '=' : ''}${element}, if it takes one)`;
    return [
      {
        at: ['argv', i],
        message: `"${element}" is shell syntax, and no shell runs here: it would reach the command as an argument, as written. Give each command a step of its own with its own argv (the bot reads each step's output itself: no pipe or redirection is needed)${inOwnElement}`,
      },
    ];
  });
}
