// Tests the load-time checks (src/runbook/check.ts): a mistake planted in each bundled runbook is refused with its exact line.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { overwritingStatements } from '../../src/engine/steps/sql-statements.js';
import { curlyQuoteProblems } from '../../src/runbook/curly-quotes.js';
import { checkRunbooks, loadRunbooks, RunbookError } from '../../src/runbook/load.js';
import type { Runbook } from '../../src/runbook/schema.js';
import { projectRoot, useTempDirs } from '../support/fixtures.js';
import { escapeRegExp } from '../support/escape-regexp.js';
import { bundled, refusalOf, type Doc } from '../support/planted-runbook.js';
import { backfillWithRollbackParameter } from '../support/rollback-with-parameter.js';

const tempDir = useTempDirs('databox-runbook-checks-');

/** A folder of the bundled runbooks with `doc` as `name`: a runbook alone is refused for the others its texts name. */
function writeRunbook(name: string, doc: Doc): string {
  const dir = tempDir();
  fs.cpSync(path.join(projectRoot, 'runbooks'), dir, { recursive: true });
  fs.writeFileSync(path.join(dir, name), stringify(doc));
  return dir;
}

/**
 * Per runbook name, a folder of the bundled runbooks in which only that one is ever written again: the others stay as
 * bundled, at the same paths, so each is checked once per test process (checkRunbookText keeps what it found by file and
 * text) rather than again for every one of the mistakes planted beside it.
 */
const plantingDirs = new Map<string, string>();
function plantingDir(name: string): string {
  let dir = plantingDirs.get(name);
  if (!dir) {
    dir = tempDir();
    fs.cpSync(path.join(projectRoot, 'runbooks'), dir, { recursive: true });
    plantingDirs.set(name, dir);
  }
  return dir;
}

/** Loads the bundled runbooks with `doc` as `name`, and returns the lines of the refusal with the file's path cut off. */
function refusal(name: string, doc: Doc): string[] {
  const dir = plantingDir(name);
  fs.writeFileSync(path.join(dir, name), stringify(doc));
  try {
    loadRunbooks(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(RunbookError);
    // Every line names the file and the line in it ("file:line: at …"); the line itself is checked in runbook-load-problems.test.ts.
    const prefix = new RegExp(`^${escapeRegExp(path.join(dir, name))}:\\d+: `);
    const lines = (error as Error).message.split('\n');
    for (const line of lines) expect(line, line).toMatch(prefix);
    return lines.map((line) => line.replace(prefix, ''));
  }
  throw new Error(`${name} loaded with the mistake planted`);
}

interface Planted {
  name: string;
  plant: (doc: Doc) => void;
  /** Every line of the refusal, after "<file>: ". */
  refusal: string[];
}

const duckdbStatuses = 'ok, missing, dangling-link, not-a-file, wal-not-a-file, empty-file, not-duckdb, locked, corrupt, wal-damaged, unreadable, read-only, failed, timeout, interrupted';

const duckdbCases: Planted[] = [
  {
    name: 'the missing verdict reading what the scan read, though the scan runs only on a file that opened (skipped for certain then)',
    plant: (doc) => {
      doc.diagnosis.verdicts.find((v: Doc) => v.id === 'missing').advice += ' The scan read {{steps.scan.tablesRead}} tables.';
    },
    refusal: [
      'at diagnosis.verdicts[7].advice: {{steps.scan.tablesRead}}: steps.scan.tablesRead is not set when open ends missing, as scan is then skipped for certain (its onlyIf cannot hold), which verdict "missing" matches: narrow its condition to the statuses that set it, or write {{steps.scan.tablesRead?}} to say nothing then',
    ],
  },
  {
    name: "path A's not-held guard edited to accept \"locked\" (the file another process holds would be moved under it)",
    plant: (doc) => {
      doc.recovery[0].guards[0].acceptStatuses.push('locked');
    },
    refusal: [
      'at recovery[0].guards[0].acceptStatuses[5]: a guard must not accept "locked": it means another process holds the file (a running job or load), and the steps after the guard would run all the same; remove it from acceptStatuses',
    ],
  },
  {
    name: "a rollback's guard accepting that it could not look (failed), did not finish (timeout) or was stopped (interrupted)",
    plant: (doc) => {
      doc.recovery[0].rollback.guards[0].acceptStatuses.push('failed', 'timeout', 'interrupted');
    },
    refusal: [
      'at recovery[0].rollback.guards[0].acceptStatuses[6]: a guard must not accept "failed": it means the guard could not look, and the steps after the guard would run all the same; remove it from acceptStatuses',
      'at recovery[0].rollback.guards[0].acceptStatuses[7]: a guard must not accept "timeout": it means the guard did not finish looking in time, and the steps after the guard would run all the same; remove it from acceptStatuses',
      'at recovery[0].rollback.guards[0].acceptStatuses[8]: a guard must not accept "interrupted": it means the guard was stopped before it finished looking, and the steps after the guard would run all the same; remove it from acceptStatuses',
    ],
  },
  {
    name: "a verdict offering one path twice (path B's id typed over with a's)",
    plant: (doc) => {
      const corrupt = doc.diagnosis.verdicts.find((v: Doc) => v.id === 'corrupt');
      corrupt.paths = ['a', 'a'];
    },
    refusal: [`at diagnosis.verdicts[8].paths[1]: path "a" is offered twice: name each path once (was another meant?)`],
  },
  {
    name: "a recovery's command left unmarked as changing data (a failure of it would read \"Nothing was changed\")",
    plant: (doc) => {
      // A script whose name says nothing (task full-refresh is named by the task rule first).
      doc.recovery[0].steps[5].argv = ['scripts/rebuild_marts.sh'];
      delete doc.recovery[0].steps[5].mutates;
    },
    refusal: [
      'at recovery[0].steps[5].mutates: this recovery or rollback changes data, and the bot cannot see what a command does: every command among its steps must say mutates: true, so that its failure never reads "Nothing was changed" after the steps before it changed data. A read-only check goes under guards:, or in the validation',
    ],
  },
  {
    name: 'a classify match with an empty alternative, which matches any output (a network failure would read as desynced)',
    plant: (doc) => {
      doc.diagnosis.steps[3].classify[1].match += '|';
    },
    refusal: [
      'at diagnosis.steps[3].classify[1].match: matches any output (it matches an empty one: an empty alternative such as "a|b|", or ".*"), so every output would get this status; take out the empty alternative, or leave match out to mean any output on purpose',
    ],
  },
  {
    name: 'a path starting with ~, which no shell expands (a folder named "~")',
    plant: (doc) => {
      doc.recovery[0].steps[0].to = '~/broken/databox.duckdb.broken';
      doc.diagnosis.steps[3].cwd = '~/transforms/main';
    },
    refusal: [
      'at diagnosis.steps[3].cwd: "~/transforms/main" starts with ~, which no shell expands here: it would be a folder named "~". Write the path from DATABOX_ROOT (data/…), or in full',
      'at recovery[0].steps[0].to: "~/broken/databox.duckdb.broken" starts with ~, which no shell expands here: it would be a folder named "~". Write the path from DATABOX_ROOT (data/…), or in full',
    ],
  },
  {
    name: 'a verdict key indented into the advice above it, which YAML folds into the text (the verdict would offer no path)',
    plant: (doc) => {
      const corrupt = doc.diagnosis.verdicts.findIndex((v: Doc) => v.id === 'corrupt');
      doc.diagnosis.verdicts[corrupt].advice += ' paths: [a, b]';
      delete doc.diagnosis.verdicts[corrupt].paths;
    },
    refusal: [
      'at diagnosis.verdicts[8].advice: holds "paths: [a, b]", which reads as a key indented into the advice above it: YAML took it as advice text, so it is not used. Indent it as the other keys are',
    ],
  },
  {
    name: "a follow-up's afterRecovery indented into its advice (it would be posted after a recovery too)",
    plant: (doc) => {
      const asIs = doc.validation.followUps.findIndex((f: Doc) => f.afterRecovery === false);
      doc.validation.followUps[asIs].advice += ' afterRecovery: false';
      delete doc.validation.followUps[asIs].afterRecovery;
    },
    refusal: [
      'at validation.followUps[1].advice: holds "afterRecovery: false", which reads as a key indented into the advice above it: YAML took it as advice text, so it is not used. Indent it as the other keys are',
    ],
  },
  {
    name: 'an output in single braces, which would be shown as written',
    plant: (doc) => {
      const full = doc.diagnosis.verdicts.findIndex((v: Doc) => String(v.advice).includes('{{steps.disk.summary}}'));
      doc.diagnosis.verdicts[full].advice = doc.diagnosis.verdicts[full].advice.replace('{{steps.disk.summary}}', '{steps.disk.summary}');
    },
    refusal: ['at diagnosis.verdicts[2].advice: "{steps.disk.summary}" is not a placeholder (they look like {{name}}, {{steps.<step>.<output>}} or {{name?}}); it would be shown as written'],
  },
  {
    name: 'a camelCase output or an engine value in single braces',
    plant: (doc) => {
      doc.diagnosis.verdicts[0].advice = 'Held by PID {steps.open.holderPid}.';
      doc.diagnosis.verdicts[1].advice = 'The file {database_path} does not open; {"json": 1} and {a: 1} are left alone.';
    },
    refusal: [
      'at diagnosis.verdicts[0].advice: "{steps.open.holderPid}" is not a placeholder (they look like {{name}}, {{steps.<step>.<output>}} or {{name?}}); it would be shown as written',
      'at diagnosis.verdicts[1].advice: "{database_path}" is not a placeholder (they look like {{name}}, {{steps.<step>.<output>}} or {{name?}}); it would be shown as written',
    ],
  },
  {
    name: "a verdict's wayOn with no path to say it of, and an output misspelt in one",
    plant: (doc) => {
      const busy = doc.diagnosis.verdicts.findIndex((v: Doc) => v.id === 'busy');
      doc.diagnosis.verdicts[busy].wayOn = 'Path A rebuilds it.';
      const corrupt = doc.diagnosis.verdicts.findIndex((v: Doc) => v.id === 'corrupt');
      doc.diagnosis.verdicts[corrupt].wayOn = 'Path A rebuilds {{steps.open.sumary}}.';
    },
    refusal: [
      'at diagnosis.verdicts[0].wayOn: wayOn says what the advice says of its paths, and this verdict offers none: move it into the advice, or name the paths',
      'at diagnosis.verdicts[8].wayOn: {{steps.open.sumary}}: step "open" (duckdb-open) has no output "sumary" (did you mean "summary"?); it has: holderPid, heldAs, message, looksLike, linkTarget, log, withoutLog, newest, beside, versionAdvice, status, summary',
    ],
  },
  {
    name: 'a verdict without its severity (a healthy one would be shown red)',
    plant: (doc) => {
      delete doc.diagnosis.verdicts.at(-1).severity;
    },
    refusal: ['at diagnosis.verdicts[28].severity: every verdict says its severity: ok (healthy), warning or critical'],
  },
  {
    name: 'a placeholder in a description, which forms and help show as written',
    plant: (doc) => {
      doc.recovery[1].parameters = ['backup'];
      doc.parameters.backup.description = 'a backup copy of {{database_path}}';
      doc.recovery[0].description = 'Moves {{database_path}} aside';
    },
    refusal: [
      'at parameters.backup.description: a description is shown as written (in forms, hints and help, before any value exists), never filled in: take the {{…}} out',
      'at recovery[0].description: a description is shown as written (in forms, hints and help, before any value exists), never filled in: take the {{…}} out',
    ],
  },
  {
    name: 'room asked for a rebuild without the file to measure it by (the check would pass on any disk)',
    plant: (doc) => {
      delete doc.recovery[0].guards[1].roomFor;
    },
    refusal: ['at recovery[0].guards[1].roomAs: roomAs says what roomFor makes room for: set roomFor too'],
  },
  {
    name: 'a log move that follows a step that is no earlier move (it would go nowhere known)',
    plant: (doc) => {
      doc.recovery[0].steps[1].follows = 'move_dbb';
    },
    refusal: ['at recovery[0].steps[1].follows: follows names move_dbb, which is no earlier move step of the same plan'],
  },
  {
    name: 'a log move that follows its file but names no .wal to go to',
    plant: (doc) => {
      doc.recovery[0].steps[1].to = '{{database_path}}.broken.log';
    },
    refusal: ['at recovery[0].steps[1].to: a step that follows move_db moves its write-ahead log: to must end in .wal (or .wal.checkpoint, the log a checkpoint writes to), as it will'],
  },
  {
    name: "the diagnosis' audit edited into a plan that applies (it would change the warehouse unapproved at every diagnosis)",
    plant: (doc) => {
      doc.diagnosis.steps[3].argv = ['uv', 'run', 'sqlmesh', 'plan', 'prod', '--auto-apply'];
    },
    refusal: ['at diagnosis.steps[3].mutates: sqlmesh plan --auto-apply applies the plan to the warehouse: it belongs among the steps of a recovery path or a rollback, with mutates: true, where it runs only in a plan someone approves; no diagnosis, validation or guard may run it: move it out of one into a recovery path'],
  },
  {
    name: "the validation running path A's rebuild (task full-refresh) unmarked: the runbook itself calls it a change",
    plant: (doc) => {
      doc.validation.steps[1].argv = ['task', 'full-refresh'];
    },
    refusal: [
      "at validation.steps[1].mutates: task full-refresh: the task's name says it changes the data or the checkout, and a Taskfile's tasks are not read here to say otherwise: it belongs among the steps of a recovery path or a rollback, with mutates: true, where it runs only in a plan someone approves; no diagnosis, validation or guard may run it: move it out of one into a recovery path",
    ],
  },
  ...[
    ['env', 'X=1'],
    ['nice', '-n', '10'],
    ['timeout', '30m'],
    ['sudo', '-u', 'dagster'],
    ['sudo', '-u', 'dagster', 'env', 'X=1', 'timeout', '30m'],
  ].map((wrapper) => ({
    name: `the validation running path A's rebuild through ${wrapper.join(' ')}: still the same command`,
    plant: (doc: Doc) => {
      // A script whose name says nothing: the runbook's own use of it is what says it changes data.
      doc.recovery[0].steps[5].argv = ['scripts/rebuild_marts.sh'];
      doc.validation.steps[1].argv = [...wrapper, 'scripts/rebuild_marts.sh'];
    },
    refusal: [
      `at validation.steps[1].mutates: runs ${[...wrapper, 'scripts/rebuild_marts.sh'].join(' ')}, the same command as the changing step at recovery[0].steps[5], scripts/rebuild_marts.sh (the same words past any wrapper such as env, nice, timeout or sudo; its flags, cwd and env do not make it another command unless the tool's own rules take one form as a look, as sqlmesh plan --explain): if it changes data, set mutates: true here too (then only a recovery path may run it); if it only reads, run a command of its own here (a separate script or subcommand that only reads), leaving the step there changing`,
    ],
  })),
  {
    name: 'a classify rule put before a narrower one, which then never gives its status (a wrong verdict at run time)',
    plant: (doc) => {
      doc.diagnosis.steps[3].classify.splice(1, 0, { exit: 'nonzero', status: 'failed' });
    },
    refusal: [
      'at diagnosis.steps[3].classify[2]: can never match: step "audit"\'s classify[1] { exit: nonzero, status: failed } comes first and matches everything classify[2] { exit: nonzero, match: "does not exist|table missing|missing table|catalog error", status: desynced } would, so "desynced" is never given: put it before classify[1], or remove it',
    ],
  },
  {
    name: 'a classify rule on an exit code repeated under another status: the second is never given, and reordering would only hide the first',
    plant: (doc) => {
      doc.diagnosis.steps[3].classify.push({ exit: 3, status: 'audit-failed' }, { exit: 3, status: 'audit-broken' });
    },
    refusal: [
      'at diagnosis.steps[3].classify[3]: can never match: step "audit"\'s classify[2] { exit: 3, status: audit-failed } comes first and matches everything classify[3] { exit: 3, status: audit-broken } would, so "audit-broken" is never given: both test the same, so remove the one whose status is not meant',
    ],
  },
  {
    name: 'a classify rule on exit 0 after one on exit zero, the same exit code written two ways',
    plant: (doc) => {
      doc.diagnosis.steps[3].classify.push({ exit: 0, match: 'warnings', status: 'warned' });
    },
    refusal: [
      'at diagnosis.steps[3].classify[2]: can never match: step "audit"\'s classify[0] { exit: zero, status: ok } comes first and matches everything classify[2] { exit: 0, match: "warnings", status: warned } would, so "warned" is never given: put it before classify[0], or remove it',
    ],
  },
  {
    name: 'a verdict on a status the step never ends with (the issue\'s "corupt")',
    plant: (doc) => {
      doc.diagnosis.verdicts[5].when = { step: 'open', status: 'corupt' };
    },
    refusal: [`at diagnosis.verdicts[5].when.status: step "open" (duckdb-open) never ends "corupt" (did you mean "corrupt"?); it can end: ${duckdbStatuses}`],
  },
  {
    name: 'a verdict on a step that does not exist',
    plant: (doc) => {
      doc.diagnosis.verdicts[9].when.step = 'audt';
    },
    refusal: ['at diagnosis.verdicts[9].when.step: no step "audt" in the diagnosis (did you mean "audit"?)'],
  },
  {
    name: 'a mistyped status inside any: [...]',
    plant: (doc) => {
      doc.diagnosis.verdicts[8].when.any[1].status[1] = 'unopenble';
    },
    refusal: ['at diagnosis.verdicts[8].when.any[1].status[1]: step "scan" (duckdb-scan) never ends "unopenble" (did you mean "unopenable"?); it can end: ok, empty, damaged, unclear-blocks, timeout, interrupted, unopenable, unreadable, out-of-memory, broken-views, missing, no-expected-schemas, missing-expected-schemas, missing-marts, failed, skipped'],
  },
  {
    name: 'a mistyped status inside all: [...]',
    plant: (doc) => {
      doc.diagnosis.verdicts[9].when = { all: [{ step: 'open', status: 'ok' }, { step: 'audit', status: 'desynched' }] };
    },
    refusal: ['at diagnosis.verdicts[9].when.all[1].status: step "audit" (command) never ends "desynched" (did you mean "desynced"?); it can end: ok, failed, timeout, desynced, skipped, interrupted'],
  },
  {
    name: 'a command whose cwd leads out of DATABOX_ROOT',
    plant: (doc) => {
      doc.diagnosis.steps[3].cwd = 'transforms/../../etc';
    },
    refusal: ['at diagnosis.steps[3].cwd: transforms/../../etc is outside DATABOX_ROOT: a command runs in the databox checkout or a folder of it (transforms/main, say)'],
  },
  {
    name: 'a verdict on "skipped" for a step nothing can skip',
    plant: (doc) => {
      doc.diagnosis.verdicts[5].when = { step: 'open', status: 'skipped' };
    },
    refusal: [`at diagnosis.verdicts[5].when.status: step "open" (duckdb-open) never ends "skipped"; it can end: ${duckdbStatuses}`],
  },
  {
    name: 'onlyIf on a mistyped status',
    plant: (doc) => {
      doc.diagnosis.steps[2].onlyIf.status = 'okay';
    },
    refusal: [`at diagnosis.steps[2].onlyIf.status: step "open" (duckdb-open) never ends "okay" (did you mean "ok"?); it can end: ${duckdbStatuses}`],
  },
  {
    name: 'onlyIf on a step that runs later',
    plant: (doc) => {
      doc.diagnosis.steps[2].onlyIf = { step: 'audit', status: 'ok' };
    },
    refusal: ['at diagnosis.steps[2].onlyIf.step: step "audit" runs after this one; a condition can only name an earlier step'],
  },
  {
    name: 'onlyIf on a recovery step with a mistyped condition (it would always be skipped)',
    plant: (doc) => {
      doc.recovery[0].steps[5].onlyIf = { step: 'move_db', status: 'moved' };
    },
    refusal: ['at recovery[0].steps[5].onlyIf.status: step "move_db" (move) never ends "moved"; it can end: ok, skipped, failed, timeout, interrupted'],
  },
  {
    name: 'onlyIf on a step of another path',
    plant: (doc) => {
      doc.recovery[1].steps[4].onlyIf = { step: 'move_sqlmesh', status: 'ok' };
    },
    refusal: ['at recovery[1].steps[4].onlyIf.step: no step "move_sqlmesh" before this one in path b'],
  },
  {
    name: 'onlyIfRan naming a recovery step that does not exist',
    plant: (doc) => {
      doc.recovery[0].rollback.steps[3].onlyIfRan = 'move_bd';
    },
    refusal: ['at recovery[0].rollback.steps[3].onlyIfRan: no recovery step "move_bd" in path a (did you mean "move_db"?)'],
  },
  {
    name: 'onlyIfRan outside a rollback, where nothing reads it',
    plant: (doc) => {
      doc.recovery[0].steps[1].onlyIfRan = 'move_db';
    },
    refusal: ["at recovery[0].steps[1].onlyIfRan: onlyIfRan only applies to a rollback's inspect steps, guards, steps and previews (use onlyIf here)"],
  },
  {
    name: 'acceptStatuses with a status the kind never returns',
    plant: (doc) => {
      doc.recovery[0].guards[0].acceptStatuses = ['missing', 'corupt'];
    },
    // A guard does not check that the file can be written: it never ends "read-only".
    refusal: [`at recovery[0].guards[0].acceptStatuses[1]: a duckdb-open step never ends "corupt" (did you mean "corrupt"?); it can end: ${duckdbStatuses.replace('read-only, ', '')}`],
  },
  {
    name: 'a mistyped step output in a rollback (found today only when the rollback is proposed)',
    plant: (doc) => {
      doc.recovery[0].rollback.steps[3].from = '{{recovery.move_db.too}}';
    },
    refusal: ['at recovery[0].rollback.steps[3].from: {{recovery.move_db.too}}: step "move_db" (move) has no output "too" (did you mean "to"?); it has: from, to, moved, status, summary'],
  },
  {
    name: "a rollback's note of what it does not undo bound to a recovery step that does not exist",
    plant: (doc) => {
      doc.recovery[1].rollback.notUndone[0].onlyIfRan = 'plan_prd';
    },
    refusal: ['at recovery[1].rollback.notUndone[0].onlyIfRan: no recovery step "plan_prd" in path b (did you mean "plan_prod"?)'],
  },
  {
    name: 'a rollback reading a recovery step that does not exist',
    plant: (doc) => {
      doc.recovery[1].rollback.steps[4].from = '{{recovery.move_wall.to}}';
    },
    refusal: ['at recovery[1].rollback.steps[4].from: {{recovery.move_wall.to}}: no recovery step "move_wall" (did you mean "move_wal"?)'],
  },
  {
    name: 'a mistyped step output in a verdict',
    plant: (doc) => {
      doc.diagnosis.verdicts[0].advice = 'Held by PID {{steps.open.holder_pid}}.';
    },
    refusal: ['at diagnosis.verdicts[0].advice: {{steps.open.holder_pid}}: step "open" (duckdb-open) has no output "holder_pid" (did you mean "holderPid"?); it has: holderPid, heldAs, message, looksLike, linkTarget, log, withoutLog, newest, beside, versionAdvice, status, summary'],
  },
  {
    name: 'a mistyped engine value',
    plant: (doc) => {
      doc.diagnosis.verdicts[4].advice = '{{databse_path}} does not exist.';
    },
    refusal: ['at diagnosis.verdicts[4].advice: {{databse_path}}: "databse_path" is not a parameter of a verdict, a step output or an engine value (did you mean "database_path"?)'],
  },
  {
    name: 'a parameter the path does not take',
    plant: (doc) => {
      doc.recovery[0].steps[0].to = '{{backup}}.broken';
    },
    refusal: ['at recovery[0].steps[0].to: {{backup}}: the parameter "backup" is not given to path a (it takes: none)'],
  },
  {
    name: 'step outputs of a verdict read in a recovery step',
    plant: (doc) => {
      doc.recovery[0].steps[0].to = '{{database_path}}.{{steps.open.status}}';
    },
    refusal: ['at recovery[0].steps[0].to: {{steps.open.status}}: {{steps.…}} is only set in a verdict or a validation follow-up (read {{diagnosis.…}} here)'],
  },
  {
    name: 'requires naming a parameter that does not exist',
    plant: (doc) => {
      doc.recovery[1].requires = ['bakup'];
    },
    refusal: ['at recovery[1].requires[0]: unknown parameter "bakup" (did you mean "backup"?)'],
  },
  {
    name: 'no catch-all verdict',
    plant: (doc) => {
      doc.diagnosis.verdicts[28].when = { step: 'open', status: 'ok' };
    },
    refusal: ['at diagnosis.verdicts[28].when: no catch-all verdict: the last verdict must omit "when", so every diagnosis ends with one'],
  },
  {
    name: 'a catch-all that is not last',
    plant: (doc) => {
      const healthy = doc.diagnosis.verdicts.pop();
      doc.diagnosis.verdicts.splice(2, 0, healthy);
    },
    refusal: ['at diagnosis.verdicts[2].when: only the last verdict may omit "when": a catch-all here hides every verdict after it'],
  },
  {
    name: 'a validation step that changes something (a validation runs without approval)',
    plant: (doc) => {
      doc.validation.steps[0].mutates = true;
    },
    refusal: ['at validation.steps[0]: validation steps must be read-only: a validation runs without approval'],
  },
  {
    name: 'a parameter named like the engine\'s own "diagnosis" value',
    plant: (doc) => {
      doc.parameters.diagnosis = { type: 'token', required: false, description: 'shadows the engine' };
      (doc.diagnosis.parameters ??= []).push('diagnosis');
    },
    refusal: ['at parameters.diagnosis: "diagnosis" is a built-in name (the engine\'s own value {{diagnosis}}); rename the parameter'],
  },
];

const backfillCases: Planted[] = [
  {
    name: "a follow-up's passed indented into its advice (it would offer path C's cleanup after a failed validation too, when a rollback may be next)",
    plant: (doc) => {
      const release = doc.validation.followUps.findIndex((f: Doc) => f.passed === true);
      doc.validation.followUps[release].advice += ' passed: true';
      delete doc.validation.followUps[release].passed;
    },
    refusal: [
      'at validation.followUps[0].advice: holds "passed: true", which reads as a key indented into the advice above it: YAML took it as advice text, so it is not used. Indent it as the other keys are',
    ],
  },
  {
    name: 'a preview compared with a diagnosis step that does not count rows per day',
    plant: (doc) => {
      doc.recovery[0].previews[0].asDiagnosed = 'raw_count';
      doc.recovery[1].previews[0].asDiagnosed = 'open';
      doc.recovery[1].previews[1].asDiagnosed = 'mart_counts';
      doc.recovery[0].rollback.previews[0].asDiagnosed = 'raw_counts';
    },
    refusal: [
      'at recovery[0].previews[0].asDiagnosed: no diagnosis step "raw_count" (did you mean "raw_counts"?)',
      "at recovery[0].rollback.previews[0].asDiagnosed: asDiagnosed is for a recovery's previews: a rollback counts what the recovery changed since the diagnosis",
      'at recovery[1].previews[0].asDiagnosed: diagnosis step "open" is a database-open step, not day-counts: it counted no rows per day',
      'at recovery[1].previews[1].asDiagnosed: this preview\'s SQL does not count {{source.mart_table}}, the table diagnosis step "mart_counts" counted: compare it with the step that counts its table',
    ],
  },
  {
    name: 'whenPreviewsNone naming a preview its path does not have',
    plant: (doc) => {
      doc.recovery[0].whenPreviewsNone.previews[1] = 'mart_row';
    },
    refusal: ['at recovery[0].whenPreviewsNone.previews[1]: no preview "mart_row" in path a (did you mean "mart_rows"?): only its own previews\' counts are there to read'],
  },
  {
    name: 'whenPreviewsNone naming a preview twice (the note would then never be said)',
    plant: (doc) => {
      doc.recovery[0].whenPreviewsNone.previews[2] = 'mart_rows';
    },
    refusal: ['at recovery[0].whenPreviewsNone.previews[2]: preview "mart_rows" is named twice: name each once (was another meant?)'],
  },
  {
    name: 'a wider verdict moved above a narrower one: the cases both hold in go to the wider, with its shorter window',
    plant: (doc) => {
      const verdicts = doc.diagnosis.verdicts as Doc[];
      const [rawOnly] = verdicts.splice(verdicts.findIndex((v) => v.id === 'raw-only'), 1);
      verdicts.splice(verdicts.findIndex((v) => v.id === 'raw-window'), 0, rawOnly!);
    },
    refusal: [
      'at diagnosis.verdicts[11].when: verdict 10 ("raw-only") comes first and also holds when mart_counts ends anomalies and raw_counts ends anomalies (and 1 more case of its), so there this verdict is never chosen: put the narrower verdict first, or take those statuses out of this condition if the earlier verdict is meant to win',
      'at diagnosis.verdicts[15].when: verdict 10 ("raw-only") comes first and also holds when mart_counts ends empty and raw_counts ends anomalies, so there this verdict is never chosen: put the narrower verdict first, or take those statuses out of this condition if the earlier verdict is meant to win',
    ],
  },
  {
    name: 'shell syntax in an env value or an argv element, which no shell fills in (the reload would get "${to}")',
    plant: (doc) => {
      doc.recovery[0].steps[4].env.DATABOX_BACKFILL_END = '${to}';
      doc.recovery[0].steps[4].argv[3] = '$DAGSTER_HOME';
    },
    refusal: [
      'at recovery[0].steps[4].argv[3]: "$DAGSTER_HOME" is shell syntax, and no shell runs here: it would reach the command or path as written. Write {{name}} for a parameter or an earlier step\'s output; a setting from the bot\'s environment goes in the runbook\'s env',
      'at recovery[0].steps[4].env.DATABOX_BACKFILL_END: "${to}" is shell syntax, and no shell runs here: it would reach the command or path as written. Write {{name}} for a parameter or an earlier step\'s output; a setting from the bot\'s environment goes in the runbook\'s env',
    ],
  },
  {
    name: 'a row count with its braces forgotten, which would compare the rows changed with NaN',
    plant: (doc) => {
      doc.recovery[0].steps[3].expectRows = 'previews.raw_rows';
    },
    refusal: ['at recovery[0].steps[3].expectRows: expected a whole number of rows or one placeholder such as "{{previews.raw_rows}}"'],
  },
  {
    name: 'a default the parameter\'s own type refuses, which would reach the operator as their mistake',
    plant: (doc) => {
      doc.parameters.source.default = 'ebrid';
      doc.parameters.to.default = 'yesterday';
    },
    refusal: [
      'at parameters.source: its default does not do: source=ebrid is not one of: ebird, noaa, usgs (did you mean source=ebird?)',
      'at parameters.to: its default does not do: to=yesterday is not a date: use YYYY-MM-DD, e.g. to=2026-04-18',
    ],
  },
  {
    name: 'a good date default beside a bad one: only the bad one is named (notFuture is judged when the command runs)',
    plant: (doc) => {
      doc.parameters.from.default = '2026-04-18';
      doc.parameters.to.default = '2026-02-30';
    },
    refusal: ['at parameters.to: its default does not do: to=2026-02-30 is not a date (2026-02-30 is no day of the calendar): use YYYY-MM-DD, e.g. to=2026-04-18'],
  },
  {
    name: 'compareWith naming a diagnosis step that does not exist',
    plant: (doc) => {
      doc.validation.steps[0].compareWith = 'mart_count';
    },
    refusal: ['at validation.steps[0].compareWith: no diagnosis step "mart_count" (did you mean "mart_counts"?)'],
  },
  {
    name: 'compareWith naming a diagnosis step of another kind',
    plant: (doc) => {
      doc.validation.steps[0].compareWith = 'open';
    },
    refusal: ['at validation.steps[0].compareWith: diagnosis step "open" is a database-open step, not day-counts: it has no counts per day to compare with'],
  },
  {
    name: 'an optional parameter used without ? where it may be missing',
    plant: (doc) => {
      doc.diagnosis.steps[1].from = '{{from}}';
    },
    refusal: ['at diagnosis.steps[1].from: {{from}}: "from" is optional, so this fails when it is not given: write {{from?}}, list it under requires, or add onlyIfGiven: from'],
  },
  {
    name: 'a mistyped source attribute',
    plant: (doc) => {
      doc.recovery[0].steps[4].argv[6] = '{{source.dlt_assets}}';
    },
    refusal: ['at recovery[0].steps[4].argv[6]: {{source.dlt_assets}}: no value of parameter "source" has an attribute "dlt_assets" (did you mean "dlt_asset"?)'],
  },
  {
    name: 'an attribute only some sources have, without ?',
    plant: (doc) => {
      delete doc.parameters.source.values.noaa.primary_key;
      doc.recovery[0].rollback.steps[0].key = '{{source.primary_key}}';
    },
    refusal: [
      'at recovery[0].rollback.steps[0].key: {{source.primary_key}}: noaa of parameter "source" has no "primary_key": write {{source.primary_key?}} or add it',
    ],
  },
  {
    name: 'a mistyped list in forEach',
    plant: (doc) => {
      doc.recovery[0].steps[5].argv[9].forEach = 'source.model';
    },
    refusal: ['at recovery[0].steps[5].argv[9].forEach: {{source.model}}: no value of parameter "source" has an attribute "model" (did you mean "models"?)'],
  },
  {
    name: '{{item}} outside a forEach group',
    plant: (doc) => {
      doc.recovery[0].steps[5].argv[4] = '{{item}}';
    },
    refusal: ['at recovery[0].steps[5].argv[4]: {{item}}: {{item}} is only set inside a forEach group'],
  },
  {
    name: 'a mistyped preview',
    plant: (doc) => {
      doc.recovery[0].steps[3].expectRows = '{{previews.raw_row}}';
    },
    refusal: [
      // The DELETE is then bound to another count than the rows kept before it.
      'at recovery[0].steps[3].sql: the rows this DELETE removes are not kept first: put an export-rows step before it with the same table ({{source.raw_table}}), where (source_day({{source.raw_date_column}}, {{source.time_zone? | time-zone}}) BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)), params and expectRows (the export-rows step before it, "keep_raw", keeps other rows), so the rows kept are the rows deleted and a rollback can put them back',
      'at recovery[0].steps[3].expectRows: {{previews.raw_row}}: no preview "raw_row" in path a (did you mean "raw_rows"?)',
    ],
  },
  {
    name: 'a mistyped diagnosis output read by the validation',
    plant: (doc) => {
      doc.validation.steps[1].from = '{{diagnosis.mart_counts.proposed_from}}';
    },
    refusal: ['at validation.steps[1].from: {{diagnosis.mart_counts.proposed_from}}: step "mart_counts" (day-counts) has no output "proposed_from" (did you mean "proposedFrom"?); it has: table, from, to, windowProposed, baselineMedian, judgedBy, days, badDays, proposedFrom, proposedTo, firstDay, lastDay, countsOutside, removedAround, badBefore, badBeforeSaid, beforeWindow, beforeWindowHere, comparison, unionFrom, unionTo, normalBetween, duplicatesInBuilt, problem, status, summary'],
  },
  {
    name: 'a verdict suggesting a parameter its paths do not take',
    plant: (doc) => {
      const suggest = doc.diagnosis.verdicts[10].suggest;
      doc.diagnosis.verdicts[10].suggest = { source: suggest.source, form: suggest.from, to: suggest.to };
    },
    refusal: ['at diagnosis.verdicts[10].suggest.form: "form" is not a parameter of the paths this verdict offers (source, from, to) (did you mean "from"?)'],
  },
  {
    name: 'a window naming a parameter that does not exist',
    plant: (doc) => {
      doc.windows[0].to = 'too';
    },
    refusal: ['at windows[0].to: unknown parameter "too" (did you mean "to"?)'],
  },
  {
    name: 'a window whose two ends are one parameter',
    plant: (doc) => {
      doc.windows[0].to = 'from';
    },
    refusal: ['at windows[0].to: "from" is also the window\'s from: name the parameter of its last day'],
  },
  {
    name: 'a parameter named like the engine\'s own "previews" value',
    plant: (doc) => {
      doc.parameters.previews = { type: 'integer', required: false, description: 'shadows the engine' };
      (doc.diagnosis.parameters ??= []).push('previews');
    },
    refusal: ['at parameters.previews: "previews" is a built-in name (the engine\'s own value {{previews}}); rename the parameter'],
  },
  {
    name: 'a path with a destructive step given to anyone\'s approval',
    plant: (doc) => {
      doc.recovery[0].approval = 'anyone';
    },
    refusal: ["at recovery[0].approval: a path with destructive steps needs a teammate's approval: set approval: teammate, or leave it out"],
  },
  {
    name: 'a verdict on a day-counts status that does not exist',
    plant: (doc) => {
      doc.diagnosis.verdicts[13].when.status = 'anomaly';
    },
    refusal: ['at diagnosis.verdicts[13].when.status: step "mart_counts" (day-counts) never ends "anomaly" (did you mean "anomalies"?); it can end: ok, anomalies, duplicates, doubled, no-baseline, no-data, empty, not-judged, no-table, bad-dates, damaged, failed, unreachable, skipped, timeout, interrupted'],
  },
  {
    name: 'rows-removed asked of a day-counts step with no tellApartFrom (no built table to have the rows)',
    plant: (doc) => {
      doc.diagnosis.verdicts[9].when = { step: 'mart_counts', status: 'rows-removed' };
    },
    refusal: ['at diagnosis.verdicts[9].when.status: step "mart_counts" (day-counts) never ends "rows-removed"; it can end: ok, anomalies, duplicates, doubled, no-baseline, no-data, empty, not-judged, no-table, bad-dates, damaged, failed, unreachable, skipped, timeout, interrupted'],
  },
  {
    name: 'tellApartFrom naming a step that is not before it in the diagnosis (its results would never be there)',
    plant: (doc) => {
      doc.diagnosis.steps[2].tellApartFrom = 'mart_count';
      doc.diagnosis.steps[1].tellApartFrom = 'raw_counts';
    },
    refusal: [
      'at diagnosis.steps[1].tellApartFrom: no step "raw_counts" before this one in the diagnosis',
      'at diagnosis.steps[2].tellApartFrom: no step "mart_count" before this one in the diagnosis (did you mean "mart_counts"?)',
    ],
  },
  {
    name: 'a value left out of the params of the rows kept (DuckDB would refuse the statement after the approval)',
    plant: (doc) => {
      doc.recovery[0].steps[2].params = ['{{from}}'];
    },
    refusal: ['at recovery[0].steps[2].params: the SQL binds 2 values (2 ?), and params gives 1: give one value per placeholder, in order, or DuckDB refuses the statement when it runs'],
  },
  {
    name: 'a value too many in the params of a preview (the plan would fail to be made, blaming the data)',
    plant: (doc) => {
      doc.recovery[0].previews[0].params = ['{{from}}', '{{to}}', '{{to}}'];
    },
    refusal: ['at recovery[0].previews[0].params: the SQL binds 2 values (2 ?), and params gives 3: give one value per placeholder, in order, or DuckDB refuses the statement when it runs'],
  },
  {
    name: 'a DELETE binding its values as both ? and $2',
    plant: (doc) => {
      doc.recovery[0].steps[3].sql = 'DELETE FROM {{source.raw_table}} WHERE CAST({{source.raw_date_column}} AS DATE) BETWEEN CAST(? AS DATE) AND CAST($2 AS DATE)';
    },
    refusal: ['at recovery[0].steps[3].params: the SQL binds values both as ? and as $1 …: use one of the two'],
  },
  {
    name: "the DELETE's row count check edited away (a DELETE that reaches other rows than the preview counted would be committed)",
    plant: (doc) => {
      delete doc.recovery[0].steps[3].expectRows;
    },
    refusal: ['at recovery[0].steps[3].expectRows: a DELETE must change exactly the rows a preview counted: set expectRows: "{{previews.<id>}}" (without it, one that reaches other rows than the plan showed is committed all the same)'],
  },
  {
    name: 'the WHERE of the DELETE edited away (every raw row would go, and only the window was kept)',
    plant: (doc) => {
      doc.recovery[0].steps[3].sql = 'DELETE FROM {{source.raw_table}}';
      doc.recovery[0].steps[3].params = [];
    },
    refusal: ['at recovery[0].steps[3].sql: a DELETE needs a WHERE naming the rows it changes (DELETE FROM <table> WHERE …), the rows an export-rows step before it keeps: without one it reaches every row of the table'],
  },
  {
    name: 'the rows kept before the DELETE edited to other rows than it deletes',
    plant: (doc) => {
      doc.recovery[0].steps[2].where = 'CAST({{source.raw_date_column}} AS DATE) = CAST(? AS DATE)';
      doc.recovery[0].steps[2].params = ['{{from}}'];
    },
    refusal: [
      'at recovery[0].steps[3].sql: the rows this DELETE removes are not kept first: put an export-rows step before it with the same table ({{source.raw_table}}), where (source_day({{source.raw_date_column}}, {{source.time_zone? | time-zone}}) BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)), params and expectRows (the export-rows step before it, "keep_raw", keeps other rows), so the rows kept are the rows deleted and a rollback can put them back',
    ],
  },
  {
    name: 'an UPDATE of the raw window with no rows kept first',
    plant: (doc) => {
      doc.recovery[0].steps.splice(4, 0, { id: 'fix_dates', kind: 'sql', title: 'Fix the dates', sql: 'UPDATE {{source.raw_table}} SET {{source.raw_date_column}} = NULL WHERE id < ?', params: ['{{from}}'], expectRows: '{{previews.raw_rows}}', mutates: true, destructive: true });
    },
    refusal: [
      'at recovery[0].steps[4].sql: the rows this UPDATE changes are not kept first: put an export-rows step before it with the same table ({{source.raw_table}}), where (id < ?), params and expectRows (the export-rows step before it, "keep_raw", keeps other rows), so the rows kept are the rows changed and a rollback can put them back',
    ],
  },
  {
    name: 'the DELETE of the raw window with its destructive flag edited away (MotherDuck would get no named snapshot before it)',
    plant: (doc) => {
      delete doc.recovery[0].steps.find((s: Doc) => s.id === 'delete_raw').destructive;
    },
    refusal: ['at recovery[0].steps[3].destructive: the statement "DELETE FROM {{source.raw_table}} WHERE source_day({{source.raw_date_column}}, {{source.time_zone? | time-zone}}) BETW…" changes data already there (DELETE): set destructive: true, so the plan marks it, a teammate approves it and MotherDuck gets a named snapshot before it'],
  },
  {
    name: 'a note on what leaving a step out means, on a step never left out (no onlyIfGiven)',
    plant: (doc) => {
      doc.recovery[0].rollback.steps[1].leftOutNote = 'the rows stay';
    },
    refusal: ['at recovery[0].rollback.steps[1].leftOutNote: leftOutNote says what leaving the step out means, and only a step with onlyIfGiven is left out: add onlyIfGiven, or drop the note'],
  },
  {
    name: 'advice for when a run stops at a step, on a diagnosis step (which never stops one) and naming a parameter the path does not take',
    plant: (doc) => {
      doc.diagnosis.steps[0].whenFailed = 'Load the source again.';
      doc.recovery[0].steps[0].whenFailed = 'Try again with `/databox recover backfill path=a window={{window}}`.';
    },
    refusal: [
      "at diagnosis.steps[0].whenFailed: whenFailed is said when a recovery or rollback stops at the step, and diagnosis steps never stop one: say it in the advice of what they find (a verdict's, a follow-up's)",
      'at recovery[0].steps[0].whenFailed: {{window}}: "window" is not a parameter of path a, a step output or an engine value',
    ],
  },
  {
    name: "a rollback's count bound to a recovery step the path does not have, and a recovery's count bound to any",
    plant: (doc) => {
      doc.recovery[0].rollback.previews.find((p: Doc) => p.id === 'mart_rows_now').onlyIfRan = 'restat';
      doc.recovery[0].previews[0].onlyIfRan = 'restate';
    },
    refusal: [
      "at recovery[0].previews[0].onlyIfRan: onlyIfRan is for a rollback's previews: a recovery's are counted before any of its steps runs",
      'at recovery[0].rollback.previews[2].onlyIfRan: no recovery step "restat" in path a (did you mean "restate"?)',
    ],
  },
];



// Planted in backfill.yml with a rollback step that takes a parameter (test/support/rollback-with-parameter.ts): the
// shipped one takes none.
const rollbackParameterCases: Planted[] = [
  {
    name: 'onlyIfGiven naming a parameter the rollback does not take',
    plant: (doc) => {
      doc.recovery[0].rollback.steps[4].onlyIfGiven = 'plan_di';
    },
    refusal: [
      'at recovery[0].rollback.steps[4].onlyIfGiven: "plan_di" is not a parameter the rollback of path a takes (did you mean "plan_id"?); it takes: source, from, to, plan_id',
      'at recovery[0].rollback.steps[4].argv[2]: {{plan_id}}: "plan_id" is optional, so this fails when it is not given: write {{plan_id?}}, list it under requires, or add onlyIfGiven: plan_id',
    ],
  },
  {
    name: 'requires naming a parameter the path does not take',
    plant: (doc) => {
      doc.recovery[0].requires = ['from', 'to', 'plan_id'];
    },
    refusal: ['at recovery[0].requires[2]: "plan_id" is not one of the parameters this takes (source, from, to): add it to parameters'],
  },
];

const motherduckCases: Planted[] = [
  {
    name: 'a verdict on "same" from a counts step not asked to flag an unchanged moment (it would end ok, and the verdict never be given)',
    plant: (doc) => {
      const counts = doc.diagnosis.steps.find((s: Doc) => s.id === 'counts');
      delete counts.flagUnchanged;
    },
    refusal: [
      'at diagnosis.steps[1].acceptStatuses[0]: a table-counts step never ends "same"; it can end: ok, no-snapshot, unreachable, skipped, failed, timeout, interrupted',
      'at diagnosis.verdicts[14].when.all[1].status: step "counts" (table-counts) never ends "same"; it can end: ok, no-snapshot, unreachable, skipped, failed, timeout, interrupted',
    ],
  },
  {
    name: "the validation's floor of counts naming a diagnosis step that does not exist, and one that counts no moment",
    plant: (doc) => {
      doc.validation.steps[0].notFewerThan = ['count', 'history'];
    },
    refusal: [
      'at validation.steps[0].notFewerThan[0]: no diagnosis step "count" (did you mean "counts"?)',
      'at validation.steps[0].notFewerThan[1]: diagnosis step "history" is a snapshot-history step, not table-counts: it counted no rows as of a moment',
    ],
  },
  {
    name: 'a mistyped engine value or target field in one of the runbook\'s names (every diagnosis of the scenario would fail on it)',
    plant: (doc) => {
      doc.names.restored = '{{targets.motherduck.databse}}_restored_{{incident_slugg}}';
    },
    refusal: [
      'at names.restored: {{targets.motherduck.databse}}: name a target and a field: {{targets.<local|motherduck|backend>.<name|database|label|lock>}} (did you mean "database"?)',
      'at names.restored: {{incident_slugg}}: "incident_slugg" is not a parameter of the runbook\'s names, a step output or an engine value (did you mean "incident_slug"?)',
    ],
  },
  {
    name: 'a name made from another name, a parameter or the diagnosis, none of which a name can read',
    plant: (doc) => {
      doc.names.broken = '{{names.database}}_{{at}}_{{diagnosis.history.status}}';
    },
    refusal: [
      'at names.broken: {{names.database}}: a name is made before the other names and any diagnosis, so it cannot read {{names.…}}',
      'at names.broken: {{at}}: the parameter "at" is not given to the runbook\'s names (it takes: none)',
      'at names.broken: {{diagnosis.history.status}}: a name is made before the other names and any diagnosis, so it cannot read {{diagnosis.…}}',
    ],
  },
  {
    name: 'a validation follow-up on a status its step never ends with, reading an output it does not have',
    plant: (doc) => {
      doc.validation.followUps[0].when.all[0].status = 'leftover';
      doc.validation.followUps[0].advice = '{{steps.leftovers.database}}';
    },
    refusal: [
      'at validation.followUps[0].when.all[0].status: step "leftovers" (leftover-clones) never ends "leftover" (did you mean "leftovers"?); it can end: ok, leftovers, unreachable, failed, timeout, interrupted',
      'at validation.followUps[0].advice: {{steps.leftovers.database}}: step "leftovers" (leftover-clones) has no output "database" (did you mean "databases"?); it has: databases, dropped, count, clones, problem, status, summary',
    ],
  },
  {
    name: "a follow-up's button naming a path that does not exist, in a label reading an output its step does not have",
    plant: (doc) => {
      doc.validation.followUps[0].proposes = { path: 'd', label: 'Plan cleanup of {{steps.leftovers.clone}}' };
    },
    refusal: [
      'at validation.followUps[0].proposes.label: {{steps.leftovers.clone}}: step "leftovers" (leftover-clones) has no output "clone" (did you mean "clones"?); it has: databases, dropped, count, clones, problem, status, summary',
      'at validation.followUps[0].proposes.path: no recovery path "d" (did you mean "a"?)',
    ],
  },
  {
    name: "a follow-up's button giving a parameter its path does not take, and leaving out one it needs",
    plant: (doc) => {
      doc.validation.followUps[0].proposes = { path: 'b', label: 'Restore in place', params: { when: '{{incident_id}}' } };
    },
    refusal: [
      'at validation.followUps[0].proposes.params.when: path b takes no parameter "when"; it takes: at',
      'at validation.followUps[0].proposes.params: path b needs at: give it in params',
    ],
  },
  {
    name: "path N's snapshot name spliced into its clone as an identifier, or rendered as another kind of literal",
    plant: (doc) => {
      doc.recovery[4].steps[0].sql = 'CREATE DATABASE {{names.restored | database}} FROM {{names.database | database}} (SNAPSHOT_NAME {{snapshot}})';
      doc.recovery[4].steps[1].database = '{{snapshot}}';
      doc.recovery[0].steps[0].sql = 'CREATE DATABASE {{names.restored | database}} FROM {{names.database | database}} (SNAPSHOT_NAME {{snapshot | database}})';
      doc.recovery[0].parameters = ['at', 'snapshot'];
    },
    refusal: [
      'at recovery[0].steps[0].sql: {{snapshot}}: "snapshot" is optional, so this fails when it is not given: write {{snapshot?}}, list it under requires, or add onlyIfGiven: snapshot',
      'at recovery[0].steps[0].sql: {{snapshot | database}}: "snapshot" is a snapshot name: write {{snapshot | snapshot-name}}',
      'at recovery[4].steps[0].sql: {{snapshot}}: "snapshot" is a snapshot-name parameter, but a placeholder in SQL text stands for an identifier (a table or column name), which its values are not: bind the value instead: ? (or $1) in the SQL, and "{{snapshot}}" in params: […] (or {{snapshot | snapshot-name}} where DDL takes no parameters)',
      "at recovery[4].steps[1].database: {{snapshot}} is a snapshot name, which may hold quotes and shell metacharacters: it goes only into SQL as {{snapshot | snapshot-name}}, or into a step's `snapshot` field",
    ],
  },
  {
    name: 'one snapshot-history step given both `at` and `snapshot` (which would it judge?)',
    plant: (doc) => {
      doc.diagnosis.steps[0].snapshot = '{{snapshot?}}';
    },
    refusal: ['at diagnosis.steps[0].snapshot: give `at` (a moment to judge) or `snapshot` (a named snapshot to find), not both: use one step for each'],
  },
  {
    name: 'stopsOnLaterWrites on a diagnosis step, which is in no plan',
    plant: (doc) => {
      doc.diagnosis.steps[0].stopsOnLaterWrites = true;
    },
    refusal: ['at diagnosis.steps[0].stopsOnLaterWrites: stopsOnLaterWrites holds a plan to the writes counted when it was made, and diagnosis steps are in no plan: leave it out'],
  },
  {
    name: 'a mistyped parameter among those a command takes one of',
    plant: (doc) => {
      doc.exclusive = [['at', 'snapshots']];
    },
    refusal: ['at exclusive[0][1]: unknown parameter "snapshots" (did you mean "snapshot"?)'],
  },
  {
    name: 'the swap\'s COPY … (OVERWRITE) with its destructive flag edited away (it would lose its named snapshot)',
    plant: (doc) => {
      delete doc.recovery[1].steps[1].destructive;
    },
    refusal: ['at recovery[1].steps[1].destructive: the statement "COPY FROM DATABASE {{names.restored | database}} (OVERWRITE) TO {{names.database | database}}" changes data already there (COPY FROM DATABASE \u2026 (OVERWRITE)): set destructive: true, so the plan marks it, a teammate approves it and MotherDuck gets a named snapshot before it'],
  },
  {
    name: 'a DROP hidden after a comment and a CREATE in a multi-statement step that is not marked destructive',
    plant: (doc) => {
      doc.recovery[0].steps[0].sql = "-- clone; then tidy up\nCREATE DATABASE {{names.restored | database}} FROM {{names.database | database}}; /* ; */ drop  database {{names.broken | database}}";
    },
    refusal: ['at recovery[0].steps[0].destructive: the statement "drop database {{names.broken | database}}" changes data already there (DROP): set destructive: true, so the plan marks it, a teammate approves it and MotherDuck gets a named snapshot before it'],
  },
];

describe('which SQL statements must be marked destructive', () => {
  it('reads the first keyword of every statement, past comments and string literals', () => {
    const why = (sql: string) => overwritingStatements(sql).map((o) => o.why);
    expect(why("SELECT 'DELETE FROM x; DROP TABLE y' -- UPDATE\n, 1 /* TRUNCATE */ FROM md_information_schema.databases")).toEqual([]);
    expect(why('CREATE DATABASE a FROM b (SNAPSHOT_TIME \'2026-01-01\'); CREATE SNAPSHOT s OF a')).toEqual([]);
    expect(why('select 1;\n  /* x */ Update t SET a = 1; CREATE OR REPLACE TABLE t AS SELECT 1; ALTER DATABASE d SET SNAPSHOT TO (SNAPSHOT_NAME \'s\')')).toEqual([
      'UPDATE',
      'CREATE OR REPLACE',
      'ALTER … SET SNAPSHOT',
    ]);
    expect(why('INSERT INTO t VALUES (1); MERGE INTO t USING u ON true; TRUNCATE t; COPY t FROM \'x.csv\'; WITH d AS (SELECT 1) DELETE FROM t')).toEqual(['MERGE', 'TRUNCATE', 'COPY … FROM', 'DELETE']);
  });

  it('takes a plain INSERT as adding rows only (mutates); one replacing or updating the rows it collides with changes them', () => {
    const why = (sql: string) => overwritingStatements(sql).map((o) => o.why);
    expect(why('INSERT INTO t VALUES (1); INSERT INTO t SELECT * FROM u; INSERT OR IGNORE INTO t VALUES (1); WITH d AS (SELECT 1) INSERT INTO t SELECT * FROM d')).toEqual([]);
    expect(why('INSERT OR REPLACE INTO t VALUES (1); INSERT INTO t VALUES (1) ON CONFLICT (id) DO UPDATE SET a = 1')).toEqual(['INSERT OR REPLACE', 'INSERT … ON CONFLICT DO UPDATE']);
    const doc = bundled('backfill.yml');
    const log = { id: 'log_backfill', kind: 'sql', title: 'Log the backfill', sql: 'INSERT INTO main.backfill_log VALUES (?, ?)', params: ['{{from}}', '{{to}}'], mutates: true };
    doc.recovery[0].steps.splice(4, 0, log);
    expect(() => loadRunbooks(writeRunbook('backfill.yml', doc))).not.toThrow();
    log.sql = 'INSERT OR REPLACE INTO main.backfill_log VALUES (?, ?)';
    expect(refusal('backfill.yml', doc)).toEqual([
      'at recovery[0].steps[4].destructive: the statement "INSERT OR REPLACE INTO main.backfill_log VALUES (?, ?)" changes data already there (INSERT OR REPLACE): set destructive: true, so the plan marks it, a teammate approves it and MotherDuck gets a named snapshot before it',
    ]);
  });
});

describe('a mistake planted in schedule.yml is refused at load', () => {
  it('a schedule name written out that Dagster could not have', () => {
    const doc = bundled('schedule.yml');
    doc.recovery[1].steps[0].schedules = 'all_pipelines_daily, noaa-daily';
    expect(refusal('schedule.yml', doc)).toEqual(['at recovery[1].steps[0].schedules: not a schedule name: "noaa-daily" (letters, digits and _ only)']);
  });

  it("a date's endedDaysIn naming a diagnosis output there is not (the schedules' timezones would never be read)", () => {
    const doc = bundled('schedule.yml');
    expect(doc.parameters.to.endedDaysIn).toBe('dagster.timeZones');
    doc.parameters.to.endedDaysIn = 'dagster.timezones';
    expect(refusal('schedule.yml', doc)).toEqual([expect.stringMatching(/^at parameters\.to\.endedDaysIn: step "dagster" \(dagster-health\) has no output "timezones" \(did you mean "timeZones"\?\)/)]);
  });

  it("a date's todayIn naming no enum parameter (today would silently be UTC's, not the source's)", () => {
    const doc = bundled('backfill.yml');
    expect(doc.parameters.to.todayIn).toBe('source.time_zone');
    doc.parameters.to.todayIn = 'sorce.time_zone';
    expect(refusal('backfill.yml', doc)).toEqual([`at parameters.to.todayIn: todayIn reads the zone from an enum parameter's values, but "sorce" is no parameter of this runbook`]);
  });

  it("a note on a step left out naming a diagnosis' output it does not have (the note would never be said)", () => {
    const doc = bundled('schedule.yml');
    const note = doc.recovery[0].steps[1].leftOutNote as string;
    expect(note).toContain('{{diagnosis.dagster.stoppedNotProposed}}');
    doc.recovery[0].steps[1].leftOutNote = note.replace('stoppedNotProposed', 'stoppedNotProposd');
    expect(refusal('schedule.yml', doc)).toEqual([
      `at recovery[0].steps[1].leftOutNote: {{diagnosis.dagster.stoppedNotProposd}}: step "dagster" (dagster-health) has no output "stoppedNotProposd" (did you mean "stoppedNotProposed"?); it has: since, windowFrom, windowTo, window, windowRest, source, stoppedDaemons, pausedSchedules, stoppedNotProposed, pausedLocations, timeZones, dueTickAt, dueTick, schemaMismatch, codeFailures, status, summary`,
    ]);
  });

  it('a mistake in backfill.yml is named there only, not as a missing runbook in schedule.yml, which opens it', () => {
    const dir = writeRunbook('schedule.yml', bundled('schedule.yml'));
    const backfill = bundled('backfill.yml');
    backfill.title = '';
    fs.writeFileSync(path.join(dir, 'backfill.yml'), stringify(backfill));
    const problems = (() => {
      try {
        loadRunbooks(dir);
      } catch (error) {
        return (error as Error).message.split('\n');
      }
      throw new Error('loaded with the mistake planted');
    })();
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((line) => line.startsWith(path.join(dir, 'backfill.yml'))), problems.join('\n')).toBe(true);
  });

  it('a command step whose classify rules take every exit 0 with another status: "ok" can no longer end it', () => {
    const doc = bundled('duckdb.yml');
    const audit = doc.diagnosis.steps.findIndex((s: Doc) => s.id === 'audit');
    doc.diagnosis.steps[audit].classify[0] = { exit: 'zero', status: 'fine' };
    expect(refusal('duckdb.yml', doc)).toEqual([
      `at diagnosis.steps[${audit}].acceptStatuses: a command step never ends "ok", so with no acceptStatuses it never passes and the catch-all verdict "healthy" can never be given; list the statuses that mean all is well (it can end: failed, timeout, fine, desynced)`,
    ]);
    // A rule for some of the output only leaves the rest of exit 0 to "ok".
    doc.diagnosis.steps[audit].classify[0] = { exit: 'zero', match: 'warnings', status: 'fine' };
    expect(() => loadRunbooks(writeRunbook('duckdb.yml', doc))).not.toThrow();
  });

  it('a command written as one element, which no shell splits', () => {
    const doc = bundled('schedule.yml');
    const step = doc.validation.steps.find((s: Doc) => s.kind === 'command');
    step.argv = ['/opt/My Tools/task', 'verify'];
    expect(() => loadRunbooks(writeRunbook('schedule.yml', doc)), 'a path with a space in it is one program').not.toThrow();
    step.argv = ['task verify'];
    expect(refusal('schedule.yml', doc)).toEqual([
      `at validation.steps[${doc.validation.steps.indexOf(step)}].argv[0]: "task verify" is one element, so it names a program with a space in it; argv takes one element per word (no shell splits it): [task, verify, …]`,
    ]);
  });

  it('a diagnosis step that can never pass, which would make the catch-all "healthy" unreachable', () => {
    // The marts are read first (steps[0]), then Dagster (steps[1]), whose window reaches back to the marts' last day.
    const doc = bundled('schedule.yml');
    delete doc.diagnosis.steps[0].acceptStatuses;
    expect(refusal('schedule.yml', doc)).toEqual([
      'at diagnosis.steps[0].acceptStatuses: a mart-freshness step never ends "ok", so with no acceptStatuses it never passes and the catch-all verdict "healthy" can never be given; list the statuses that mean all is well (it can end: fresh, stale, unreadable)',
    ]);
    doc.diagnosis.steps[0].acceptStatuses = ['fresh'];
    // Run whenever the step it names passed, it still blocks the catch-all: refused the same way.
    delete doc.diagnosis.steps[1].acceptStatuses;
    doc.diagnosis.steps[1].onlyIf = { any: [{ step: 'freshness', status: 'stale' }, { step: 'freshness', status: 'fresh' }] };
    expect(refusal('schedule.yml', doc)).toEqual([
      expect.stringMatching(/^at diagnosis\.steps\[1\]\.acceptStatuses: a dagster-health step never ends "ok", so with no acceptStatuses it never passes and the catch-all verdict "healthy" can never be given; /),
    ]);
    // Run on one of two ways the step it names may pass, the catch-all is still given the other way: nothing to refuse.
    doc.diagnosis.steps[0].acceptStatuses = ['fresh', 'stale'];
    doc.diagnosis.steps[1].onlyIf = { step: 'freshness', status: 'stale' };
    expect(() => loadRunbooks(writeRunbook('schedule.yml', doc))).not.toThrow();
    doc.diagnosis.steps[0].acceptStatuses = ['fresh'];
    // Run only after a step that did not pass, it cannot stand between a healthy stack and its verdict: nothing to refuse.
    doc.diagnosis.steps[1].onlyIf = { step: 'freshness', status: ['stale', 'unreadable'] };
    expect(() => loadRunbooks(writeRunbook('schedule.yml', doc))).not.toThrow();
  });
});

describe('the bundled runbooks pass every check', () => {
  it('loads runbooks/ with no problem', () => {
    expect([...loadRunbooks(path.join(projectRoot, 'runbooks')).keys()].sort()).toEqual(['backfill', 'duckdb', 'motherduck', 'schedule']);
  });
});

describe('a mistake planted in duckdb.yml is refused at load', () => {
  it.each(duckdbCases)('$name', ({ plant, refusal: expected }) => {
    const doc = bundled('duckdb.yml');
    plant(doc);
    expect(refusal('duckdb.yml', doc)).toEqual(expected);
  });
});

describe('a mistake planted in backfill.yml is refused at load', () => {
  it.each(backfillCases)('$name', ({ plant, refusal: expected }) => {
    const doc = bundled('backfill.yml');
    plant(doc);
    expect(refusal('backfill.yml', doc)).toEqual(expected);
  });
});

describe('a mistake planted in backfill.yml with a rollback that takes a parameter is refused at load', () => {
  it.each(rollbackParameterCases)('$name', ({ plant, refusal: expected }) => {
    const doc = backfillWithRollbackParameter();
    plant(doc);
    expect(refusal('backfill.yml', doc)).toEqual(expected);
  });
});

describe('a mistake planted in motherduck.yml is refused at load', () => {
  it.each(motherduckCases)('$name', ({ plant, refusal: expected }) => {
    const doc = bundled('motherduck.yml');
    plant(doc);
    expect(refusal('motherduck.yml', doc)).toEqual(expected);
  });
});

describe("a scan's expected raw schemas against the sources the runbooks name", () => {
  /** A folder of the bundled runbooks, `edits` made to their text (a file edited to null is left out), and the problems it loads with. */
  const problemsOf = (edits: Record<string, ((text: string) => string) | null>) => {
    const dir = tempDir();
    for (const name of fs.readdirSync(path.join(projectRoot, 'runbooks'))) {
      const edit = Object.hasOwn(edits, name) ? edits[name] : (text: string) => text;
      if (edit) fs.writeFileSync(path.join(dir, name), edit(fs.readFileSync(path.join(projectRoot, 'runbooks', name), 'utf8')));
    }
    return { dir, problems: checkRunbooks(dir).problems };
  };
  /** The lines (from 1) of a bundled runbook where `text` is written. */
  const linesOf = (name: string, text: string) =>
    fs
      .readFileSync(path.join(projectRoot, 'runbooks', name), 'utf8')
      .split('\n')
      .flatMap((line, i) => (line.includes(text) ? [i + 1] : []));
  const schemasLine = 'expectSchemas: [raw_ebird, raw_noaa, raw_usgs]';
  const [scanLine, ...otherLists] = linesOf('duckdb.yml', schemasLine) as [number, ...number[]];
  const usgsLine = linesOf('backfill.yml', 'raw_table: raw_usgs.daily_values')[0] as number;

  it("refuses a schema no source's raw_table has (a typo would call a healthy file's raw data missing), and says which are there", () => {
    const doc = bundled('duckdb.yml');
    doc.diagnosis.steps[2].expectSchemas = ['raw_ebrid', 'raw_noaa', 'raw_usgs'];
    const dir = writeRunbook('duckdb.yml', doc);
    const line = fs.readFileSync(path.join(dir, 'duckdb.yml'), 'utf8').split('\n').findIndex((l) => l.includes('raw_ebrid')) + 1;
    // One place against the four that spell it as the source does: a typo of it, said so.
    expect(() => loadRunbooks(dir)).toThrow(
      new RunbookError(`${path.join(dir, 'duckdb.yml')}:${line}: at diagnosis.steps[2].expectSchemas[0]: "raw_ebrid" is the schema of no source's raw_table in backfill.yml (raw_ebird, raw_noaa, raw_usgs) (did you mean "raw_ebird"?): a scan would call that source's raw data missing from a healthy file`),
    );
    // In a validation step too: it would fail a good recovery.
    doc.diagnosis.steps[2].expectSchemas = ['raw_ebird', 'raw_noaa', 'raw_usgs'];
    doc.validation.steps.push({ id: 'rescan', kind: 'duckdb-scan', title: 'Read it all again', path: '{{database_path}}', expectSchemas: ['raw_usgs', 'raw_nooa'] });
    fs.writeFileSync(path.join(dir, 'duckdb.yml'), stringify(doc));
    expect(() => loadRunbooks(dir)).toThrow(/at validation\.steps\[5\]\.expectSchemas\[1\]: "raw_nooa" is the schema of no source's raw_table in backfill\.yml/);
    // In the guard that opens a backup: a good one would be refused as another project's.
    doc.validation.steps.pop();
    const backupOpens = doc.recovery[1].guards.find((g: Doc) => g.id === 'backup_opens');
    backupOpens.expectSchemas = ['raw_ebrid', 'raw_noa'];
    fs.writeFileSync(path.join(dir, 'duckdb.yml'), stringify(doc));
    expect(() => loadRunbooks(dir)).toThrow(/at recovery\[1\]\.guards\[1\]\.expectSchemas\[0\]: "raw_ebrid" is the schema of no source's raw_table in backfill\.yml .*: a file of the stack's with no table in the other schemas named would be refused as another project's/);
  });

  it('refuses them where no runbook of the folder names the sources (no backfill.yml): unchecked, a typo would go unseen', () => {
    const { dir, problems } = problemsOf({ 'backfill.yml': null, 'duckdb.yml': (text) => text.replace(schemasLine, schemasLine.replace('raw_usgs', 'raw_usg')) });
    const lists = ['validation.steps[0]', 'recovery[1].guards[1]', 'recovery[1].steps[0]'].map((step) => `${step}.expectSchemas`).join(', ');
    expect(problems.filter((line) => line.startsWith(path.join(dir, 'duckdb.yml')))).toEqual([
      `${path.join(dir, 'duckdb.yml')}:${scanLine}: at diagnosis.steps[2].expectSchemas: no runbook in this folder names a source's raw_table (backfill.yml does, in its source parameter), so these schemas cannot be checked (one mistyped: a scan would call that source's raw data missing from a healthy file): put backfill.yml in this folder too (expectSchemas also at ${lists})`,
    ]);
    // A backfill.yml that is there but does not load is named with its own problem, not as missing.
    const refused = problemsOf({ 'backfill.yml': (text) => text.replace('id: backfill', 'id: backfil') });
    expect(refused.problems.filter((line) => line.includes('raw_table'))).toEqual([]);
    expect(refused.problems).toEqual([expect.stringMatching(/backfill\.yml:\d+: at id: the id "backfil" must match the file name "backfill"/)]);
  });

  it('compares schema names as DuckDB resolves them, without regard to case', () => {
    // Raw_USGS is the raw_usgs every query reads: no problem, whichever side spells it otherwise.
    const mixed = problemsOf({ 'backfill.yml': (text) => text.replace('raw_table: raw_usgs.daily_values', 'raw_table: Raw_USGS.Daily_Values') });
    expect(mixed.problems).toEqual([]);
    const upper = problemsOf({ 'duckdb.yml': (text) => text.replace(schemasLine, schemasLine.replace('raw_usgs', 'RAW_USGS')) });
    expect(upper.problems).toEqual([]);
    // A typo is one in any case, said as written.
    const typo = problemsOf({ 'duckdb.yml': (text) => text.replace(schemasLine, schemasLine.replace('raw_usgs', 'RAW_USG')) });
    expect(typo.problems).toEqual([expect.stringContaining(`: at diagnosis.steps[2].expectSchemas[2]: "RAW_USG" is the schema of no source's raw_table in backfill.yml`)]);
  });

  it('names both places, picking neither, where the sources spell a schema one way and more expectSchemas another', () => {
    // A typo in backfill.yml: duckdb.yml's four lists are not told to follow it.
    const { dir, problems } = problemsOf({ 'backfill.yml': (text) => text.replace('raw_table: raw_usgs.daily_values', 'raw_table: raw_usg.daily_values') });
    const duckdbPlaces = [scanLine, ...otherLists].map((line) => `duckdb.yml:${line}`).join(', ');
    expect(problems).toEqual([
      `${path.join(dir, 'backfill.yml')}:${usgsLine}: at parameters.source.values.usgs.raw_table: "raw_usg.daily_values" puts source usgs in schema "raw_usg", but the expectSchemas at ${duckdbPlaces} name "raw_usgs", which no source's raw_table has. One of the two is mistyped, and the files cannot tell which is right: a wrong expectSchemas has a scan call that source's raw data missing from a healthy file, a wrong raw_table has backfill.yml read a table that is not there. Make them the same, as the database names that schema`,
    ]);
    // Three spellings: each is named with its places, and none is taken for right.
    const three = problemsOf({
      'backfill.yml': (text) => text.replace('raw_table: raw_usgs.daily_values', 'raw_table: raw_usg.daily_values'),
      'duckdb.yml': (text) => text.replace(schemasLine, schemasLine.replace('raw_usgs', 'raw_usgz')),
    });
    expect(three.problems).toEqual([
      expect.stringContaining(
        `at parameters.source.values.usgs.raw_table: "raw_usg.daily_values" puts source usgs in schema "raw_usg", but the expectSchemas at duckdb.yml:${scanLine} name "raw_usgz", and at ${otherLists.map((line) => `duckdb.yml:${line}`).join(', ')} name "raw_usgs", which no source's raw_table has. These places disagree, and the files cannot tell which is right:`,
      ),
    ]);
  });
});

describe("a /databox command in a runbook's text", () => {
  /** A folder holding only the bundled runbooks named, the first `from` in duckdb.yml's text made `to`. */
  const folder = (names: string[], from = '', to = '') => {
    const dir = tempDir();
    for (const name of names) {
      const text = fs.readFileSync(path.join(projectRoot, 'runbooks', name), 'utf8');
      fs.writeFileSync(path.join(dir, name), name === 'duckdb.yml' ? text.replace(from, to) : text);
    }
    return dir;
  };
  /** The line of the `advice:` key whose text holds `text` (a text folded over lines is named at its key). */
  const adviceLine = (file: string, text: string) => {
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const at = lines.findIndex((line) => line.includes(text));
    let key = at;
    while (key > 0 && !/^\s*advice:/.test(lines[key] as string)) key -= 1;
    return key + 1;
  };
  const refusedAsUnknown = (scenario: string) => `so that command would be refused as an unknown scenario: put ${scenario}.yml in this folder too, or take the command out of the text`;

  it('names a runbook of the same folder: advice sending people to a scenario that is not there is refused, once per scenario', () => {
    const dir = folder(['backfill.yml', 'duckdb.yml']);
    const duckdb = path.join(dir, 'duckdb.yml');
    expect(checkRunbooks(dir).problems).toEqual([
      expect.stringMatching(new RegExp(`^${escapeRegExp(path.join(dir, 'backfill.yml'))}:\\d+: at diagnosis\\.verdicts\\[12\\]\\.advice: gives "/databox diagnose schedule", but this folder has no runbook "schedule", `)),
      `${duckdb}:${adviceLine(duckdb, 'recover schedule path=a')}: at validation.followUps[8].advice: gives "/databox recover schedule", but this folder has no runbook "schedule", ${refusedAsUnknown('schedule')} (also at validation.followUps[9].advice)`,
    ]);
    // motherduck.yml alone sends people to scenario 4 for the marts.
    const motherduck = path.join(folder(['motherduck.yml']), 'motherduck.yml');
    expect(checkRunbooks(path.dirname(motherduck)).problems).toEqual([
      `${motherduck}:${adviceLine(motherduck, 'recover schedule path=a')}: at validation.followUps[3].advice: gives "/databox recover schedule", but this folder has no runbook "schedule", ${refusedAsUnknown('schedule')} (also at validation.followUps[4].advice)`,
    ]);
  });

  it('lets a folder hold only some scenarios when those name no other, and suggests the scenario meant for a typo', () => {
    expect([...loadRunbooks(folder(['backfill.yml', 'duckdb.yml', 'schedule.yml'])).keys()]).toEqual(['backfill', 'duckdb', 'schedule']);
    const dir = folder(['backfill.yml', 'duckdb.yml', 'motherduck.yml', 'schedule.yml'], '/databox recover schedule path=a', '/databox recover schedul path=a');
    const duckdb = path.join(dir, 'duckdb.yml');
    expect(checkRunbooks(dir).problems).toEqual([
      `${duckdb}:${adviceLine(duckdb, 'recover schedul path=a')}: at validation.followUps[8].advice: gives "/databox recover schedul", but this folder has no runbook "schedul" (did you mean "schedule"?), so that command would be refused as an unknown scenario: correct the command`,
    ]);
  });

  it('names a recovery path that scenario has: one it lacks is refused at the text giving it, with the paths it has', () => {
    const dir = folder(['backfill.yml', 'duckdb.yml', 'motherduck.yml', 'schedule.yml'], '/databox recover schedule path=a', '/databox recover schedule path=C');
    const duckdb = path.join(dir, 'duckdb.yml');
    expect(checkRunbooks(dir).problems).toEqual([
      `${duckdb}:${adviceLine(duckdb, 'recover schedule path=C')}: at validation.followUps[8].advice: gives "/databox recover schedule path=c", but schedule has no recovery path "c", so that command would be refused: use path=a or path=b`,
    ]);
  });

  it("carries incident= in a verdict's recover command of its own scenario: without it the command opens a new incident", () => {
    // Before: backfill's raw-doubled and duckdb's blocks-unclear gave theirs without it, and loaded.
    const dir = folder(['backfill.yml', 'duckdb.yml', 'motherduck.yml', 'schedule.yml'], '/databox recover duckdb path=a incident={{incident_id}}` rebuilds it', '/databox recover duckdb path=a` rebuilds it');
    const duckdb = path.join(dir, 'duckdb.yml');
    expect(checkRunbooks(dir).problems).toEqual([
      `${duckdb}:${adviceLine(duckdb, 'recover duckdb path=a` rebuilds it')}: at diagnosis.verdicts[26].advice: gives "/databox recover duckdb path=a" without incident=, so typed it opens a new incident with no diagnosis, and this one's postmortem says no recovery was proposed: add incident={{incident_id}}`,
    ]);
    // Every bundled verdict's carries it.
    expect(checkRunbooks(folder(['backfill.yml', 'duckdb.yml', 'motherduck.yml', 'schedule.yml'])).problems).toEqual([]);
  });
});

describe('the same command as a changing step', () => {
  const sameAs = (shown: string, there: string, thereShown: string) =>
    `runs ${shown}, the same command as the changing step at ${there}, ${thereShown} (the same words past any wrapper such as env, nice, timeout or sudo; its flags, cwd and env do not make it another command unless the tool's own rules take one form as a look, as sqlmesh plan --explain): if it changes data, set mutates: true here too (then only a recovery path may run it); if it only reads, run a command of its own here (a separate script or subcommand that only reads), leaving the step there changing`;

  it('is the same whatever its cwd, env or flags: the same program run another way may change the same data', () => {
    const doc = bundled('duckdb.yml');
    doc.recovery[0].steps[5].argv = ['scripts/rebuild_marts.sh', '--all'];
    doc.diagnosis.steps[3].argv = ['scripts/rebuild_marts.sh', '--yes'];
    doc.validation.steps[1].argv = ['/work/databox/scripts/rebuild_marts.sh'];
    doc.validation.steps[1].env = { DRY_RUN: '1' };
    doc.validation.steps[1].cwd = '.';
    expect(refusal('duckdb.yml', doc)).toEqual([
      `at diagnosis.steps[3].mutates: ${sameAs('scripts/rebuild_marts.sh --yes', 'recovery[0].steps[5]', 'scripts/rebuild_marts.sh --all')}`,
      `at validation.steps[1].mutates: ${sameAs('/work/databox/scripts/rebuild_marts.sh', 'recovery[0].steps[5]', 'scripts/rebuild_marts.sh --all')}`,
    ]);
  });

  it('is changing wherever another runbook of the folder runs it as a changing step', () => {
    const dir = tempDir();
    fs.cpSync(path.join(projectRoot, 'runbooks'), dir, { recursive: true });
    const duckdb = bundled('duckdb.yml');
    duckdb.recovery[0].steps[5].argv = ['scripts/rebuild_marts.sh'];
    fs.writeFileSync(path.join(dir, 'duckdb.yml'), stringify(duckdb));
    const schedule = bundled('schedule.yml');
    const verify = schedule.validation.steps.findIndex((s: Doc) => s.kind === 'command');
    schedule.validation.steps[verify].argv = ['scripts/rebuild_marts.sh'];
    const lines = refusalOf(dir, 'schedule.yml', schedule);
    expect(lines).toEqual([expect.stringMatching(/^at validation\.steps\[\d+\]\.mutates: runs scripts\/rebuild_marts\.sh, the same command as the changing step at duckdb\.yml:\d+ \(recovery\[0\]\.steps\[5\]\), scripts\/rebuild_marts\.sh /)]);
    expect(lines[0]).toContain(`validation.steps[${verify}].mutates`);
  });

  it("is another command where the tool's own rules take its flags for a look: sqlmesh plan --explain beside plan --auto-apply", () => {
    const doc = bundled('duckdb.yml');
    doc.recovery[0].steps[5].argv = ['uv', 'run', 'sqlmesh', 'plan', 'prod', '--auto-apply'];
    for (const look of ['--explain', '--dry-run', '--no-prompts']) {
      doc.diagnosis.steps[3].argv = ['uv', 'run', 'sqlmesh', 'plan', 'prod', look];
      expect(() => loadRunbooks(writeRunbook('duckdb.yml', doc)), look).not.toThrow();
    }
  });

  it('never advises taking mutates off the changing step', () => {
    const doc = bundled('duckdb.yml');
    doc.recovery[0].steps[5].argv = ['scripts/rebuild_marts.sh', '--all'];
    doc.diagnosis.steps[3].argv = ['scripts/rebuild_marts.sh', '--check'];
    const [line] = refusal('duckdb.yml', doc);
    expect(line).toContain('at diagnosis.steps[3].mutates: runs scripts/rebuild_marts.sh --check, the same command as the changing step at recovery[0].steps[5]');
    expect(line).not.toMatch(/take mutates: true off/);
  });

  it("is named by the tool's own rules first where they know it changes data: task clean, sqlmesh plan without --auto-apply", () => {
    const doc = bundled('duckdb.yml');
    doc.diagnosis.steps[3].argv = ['task', 'clean'];
    expect(refusal('duckdb.yml', doc)).toEqual([
      "at diagnosis.steps[3].mutates: task clean: the task's name says it changes the data or the checkout, and a Taskfile's tasks are not read here to say otherwise: it belongs among the steps of a recovery path or a rollback, with mutates: true, where it runs only in a plan someone approves; no diagnosis, validation or guard may run it: move it out of one into a recovery path",
    ]);
    doc.diagnosis.steps[3].argv = ['uv', 'run', 'sqlmesh', 'plan', 'prod'];
    expect(refusal('duckdb.yml', doc)).toEqual([
      'at diagnosis.steps[3].mutates: sqlmesh plan applies a plan to the warehouse once its prompt is answered yes (to see what differs without applying, sqlmesh diff): it belongs among the steps of a recovery path or a rollback, with mutates: true, where it runs only in a plan someone approves; no diagnosis, validation or guard may run it: move it out of one into a recovery path',
    ]);
  });
});

describe('a classify match that also matches an empty output on purpose', () => {
  it('is taken: "^$" (no output), "^\\s*$" and a lookahead are no empty alternative', () => {
    for (const match of ['^$', '^\\s*$', '^(?!.*connection refused)', 'a\\|b']) {
      const doc = bundled('duckdb.yml');
      doc.diagnosis.steps[3].classify[1].match = match;
      expect(() => loadRunbooks(writeRunbook('duckdb.yml', doc)), match).not.toThrow();
    }
  });
});

describe('a $ or a Go template in an argv element', () => {
  it('is the program\'s own syntax (jq\'s $p, sed\'s $d, a pattern\'s end, docker\'s {{json .State}}), taken as written; an environment variable\'s name as a whole element or option value is refused', () => {
    const doc = bundled('duckdb.yml');
    doc.diagnosis.steps[3].argv.push('.[] | select(.path == $p)', 'x$', '$p', '$d', '--format={{json .State.Health}}', '{{.State.Status}}');
    expect(() => loadRunbooks(writeRunbook('duckdb.yml', doc))).not.toThrow();
    doc.diagnosis.steps[3].argv.push('--end=$TO');
    expect(refusal('duckdb.yml', doc)).toEqual([
      `at diagnosis.steps[3].argv[${doc.diagnosis.steps[3].argv.length - 1}]: "$TO" is shell syntax, and no shell runs here: it would reach the command or path as written. Write {{name}} for a parameter or an earlier step's output; a setting from the bot's environment goes in the runbook's env`,
    ]);
  });
});

describe("jq's $ENV in an argv element", () => {
  it('is jq syntax, taken as written as a whole element (a filter on it too); as an option\'s value it is still a variable', () => {
    const doc = bundled('duckdb.yml');
    doc.diagnosis.steps[3].argv.push('$ENV', '$ENV.HOME', '$ENV | keys');
    expect(() => loadRunbooks(writeRunbook('duckdb.yml', doc))).not.toThrow();
    doc.diagnosis.steps[3].argv.push('--home=$ENV');
    expect(refusal('duckdb.yml', doc)).toEqual([expect.stringContaining(`at diagnosis.steps[3].argv[${doc.diagnosis.steps[3].argv.length - 1}]: "$ENV" is shell syntax`)]);
  });
});

describe('words like a verdict key inside advice', () => {
  it('are prose unless they end it, as a key folded in does', () => {
    const doc = bundled('duckdb.yml');
    const corrupt = doc.diagnosis.verdicts.findIndex((v: Doc) => v.id === 'corrupt');
    doc.diagnosis.verdicts[corrupt].advice += ' The stack reads these paths: {{steps.open.message}}. Soda reports severity: critical on it; Dagster logged when: [tick] then.';
    expect(() => loadRunbooks(writeRunbook('duckdb.yml', doc))).not.toThrow();
  });

  it('end it as prose with "severity: critical" when the verdict says its own severity (a folded one would leave it none)', () => {
    const doc = bundled('duckdb.yml');
    const corrupt = doc.diagnosis.verdicts.findIndex((v: Doc) => v.id === 'corrupt');
    doc.diagnosis.verdicts[corrupt].advice += ' Soda reports this check as severity: critical';
    doc.validation.followUps[0].advice += ' Soda calls it severity: warning';
    expect(() => loadRunbooks(writeRunbook('duckdb.yml', doc))).not.toThrow();
    delete doc.diagnosis.verdicts[corrupt].severity;
    expect(refusal('duckdb.yml', doc)).toEqual([
      `at diagnosis.verdicts[${corrupt}].severity: every verdict says its severity: ok (healthy), warning or critical`,
      `at diagnosis.verdicts[${corrupt}].advice: holds "severity: critical", which reads as a key indented into the advice above it: YAML took it as advice text, so it is not used. Indent it as the other keys are`,
    ]);
  });
});

describe('a specific verdict before a general one', () => {
  it('is taken: the general one keeps its other cases (busy on locked, then unreadable on [unreadable, locked])', () => {
    const doc = bundled('duckdb.yml');
    doc.diagnosis.verdicts[1].when = { step: 'open', status: ['unreadable', 'locked'] };
    expect(() => loadRunbooks(writeRunbook('duckdb.yml', doc))).not.toThrow();
  });

  it('is taken with the same spacing or another inside placeholders, as asDiagnosed compares them', () => {
    const doc = bundled('backfill.yml');
    doc.diagnosis.steps.find((s: Doc) => s.id === 'raw_counts').table = '{{ source.raw_table }}';
    expect(() => loadRunbooks(writeRunbook('backfill.yml', doc))).not.toThrow();
  });

  it('a lone }} in a title or description is no placeholder', () => {
    const doc = bundled('duckdb.yml');
    doc.recovery[0].description = `${doc.recovery[0].description} (its settings end in {'a': {'b': 1}})`;
    expect(() => loadRunbooks(writeRunbook('duckdb.yml', doc))).not.toThrow();
  });
});

describe('a read-only diagnosis step running a command that deletes or changes data', () => {
  const destructiveAdvice = 'set destructive: true (and mutates: true), so the plan marks it and a teammate approves it; no diagnosis or validation may run it';
  const refusedArgv = (argv: string[]) => {
    const doc = bundled('duckdb.yml');
    doc.diagnosis.steps[3].argv = argv;
    return refusal('duckdb.yml', doc);
  };

  it('is refused behind any wrapper that runs it, past the wrapper\'s own options and operand', () => {
    // Each wrapper and its options are read in command-argv-rules.test.ts; these are the ones found run from a diagnosis.
    for (const wrapper of [['ionice', '-c3'], ['flock', '/tmp/l'], ['chrt', '-i', '0']]) {
      expect(refusedArgv([...wrapper, 'rm', '-rf', 'data/databox.duckdb']), wrapper.join(' ')).toEqual([`at diagnosis.steps[3].destructive: rm deletes files: ${destructiveAdvice}`]);
    }
  });

  it('is refused as SQL given inline, whatever the client, as duckdb is; a query that only reads is the author\'s word', () => {
    const advice = 'which hides it from the checks a sql step gets (what it changes, destructive or not, values bound): use a step of kind sql instead';
    expect(refusedArgv(['sqlite3', 'transforms/main/state_sync.db', 'DELETE FROM x'])).toEqual([
      `at diagnosis.steps[3].argv[2]: "DELETE FROM x" is SQL that changes data, given to sqlite3 on its command line, ${advice}`,
    ]);
    expect(refusedArgv(['psql', '-c', 'drop table x'])).toEqual([`at diagnosis.steps[3].argv[2]: "drop table x" is SQL that changes data, given to psql on its command line, ${advice}`]);
    expect(refusedArgv(['psql', '--command=UPDATE x SET a = 1'])).toHaveLength(1);
    expect(refusedArgv(['timeout', '5s', 'sqlite3', 'db', 'SELECT 1; INSERT INTO x VALUES (1)'])).toHaveLength(1);
    const doc = bundled('duckdb.yml');
    for (const argv of [['sqlite3', 'transforms/main/state_sync.db', 'SELECT count(*) FROM x'], ['git', 'commit', '-m', 'update docs', '--', 'delete'], ['apt-get', 'update']]) {
      doc.diagnosis.steps[3].argv = argv;
      expect(() => loadRunbooks(writeRunbook('duckdb.yml', doc)), argv.join(' ')).not.toThrow();
    }
  });

  it('with a shell operator as a whole element is refused, naming it (no shell runs here); find\'s ; after -exec is its own', () => {
    const message = (element: string, at: number) =>
      `at diagnosis.steps[3].argv[${at}]: "${element}" is shell syntax, and no shell runs here: it would reach the command as an argument, as written. Give each command a step of its own with its own argv (the bot reads each step's output itself: no pipe or redirection is needed)`;
    expect(refusedArgv(['uv', 'run', 'sqlmesh', 'audit', '|', 'tee', '/tmp/x'])).toEqual([message('|', 4)]);
    for (const operator of ['||', '>', '>>', '<', '&&', ';', '&', '2>&1']) expect(refusedArgv(['uv', 'run', 'sqlmesh', 'audit', operator, 'x']), operator).toEqual([message(operator, 4)]);
    const doc = bundled('duckdb.yml');
    // An option's value: cut -d '|'.
    doc.diagnosis.steps[3].argv = ['find', 'data', '-name', '*.tmp', '-exec', 'cut', '-d', '|', '-f', '1', '{}', ';'];
    expect(() => loadRunbooks(writeRunbook('duckdb.yml', doc))).not.toThrow();
  });
});

describe('curly quotes around or inside a value that runs or names something', () => {
  const straight = `YAML only quotes with straight quotes (" or '), so it takes curly ones as part of the value`;
  it('are refused around a path, an argv word, a cwd, a move\'s to or an alsoPath (a healthy database would be found missing)', () => {
    const doc = bundled('duckdb.yml');
    doc.diagnosis.steps[0].path = '\u201c{{database_path}}\u201d';
    doc.diagnosis.steps[1].alsoPath = '\u2018{{state_dir}}\u2019';
    doc.diagnosis.steps[3].cwd = '\u201ctransforms/main\u201d';
    doc.validation.steps[2].argv[1] = '\u201cverify:dev';
    const move = doc.recovery[2].steps.findIndex((s: Doc) => s.kind === 'move');
    doc.recovery[2].steps[move].to = '{{database_path}}.wal.broken\u201d';
    expect(refusal('duckdb.yml', doc)).toEqual([
      `at diagnosis.steps[0].path: "\u201c{{database_path}}\u201d" is in curly quotes (\u201c U+201C … \u201d U+201D), as a document pastes them: ${straight}. Write "{{database_path}}"`,
      `at diagnosis.steps[1].alsoPath: "\u2018{{state_dir}}\u2019" is in curly quotes (\u2018 U+2018 … \u2019 U+2019), as a document pastes them: ${straight}. Write "{{state_dir}}"`,
      `at diagnosis.steps[3].cwd: "\u201ctransforms/main\u201d" is in curly quotes (\u201c U+201C … \u201d U+201D), as a document pastes them: ${straight}. Write "transforms/main"`,
      `at recovery[2].steps[${move}].to: "{{database_path}}.wal.broken\u201d" ends with a curly quote, \u201d U+201D, as a document pastes them: ${straight}. Write "{{database_path}}.wal.broken"`,
      `at validation.steps[2].argv[1]: "\u201cverify:dev" starts with a curly quote, \u201c U+201C, as a document pastes them: ${straight}. Write "verify:dev"`,
    ]);
  });

  it('are refused inside a path or argv word, and around SQL; inside SQL (a literal) and in prose they are meant', () => {
    const doc = bundled('backfill.yml');
    const preview = doc.recovery[0].previews[0];
    preview.sql = `${preview.sql} AND 'it\u2019s' <> ''`;
    doc.recovery[0].title = `${doc.recovery[0].title} (\u201cpath A\u201d)`;
    expect(() => loadRunbooks(writeRunbook('backfill.yml', doc))).not.toThrow();
    // holdsUntil.what is shown to the operator ("… which held until the paused schedule’s next tick").
    const schedule = bundled('schedule.yml');
    schedule.diagnosis.verdicts.find((v: Doc) => v.holdsUntil).holdsUntil.what = 'the paused schedule\u2019s next tick';
    expect(() => loadRunbooks(writeRunbook('schedule.yml', schedule))).not.toThrow();
    preview.sql = `\u201c${preview.sql}\u201d`;
    const reload = doc.recovery[0].steps.findIndex((s: Doc) => s.kind === 'command');
    doc.recovery[0].steps[reload].argv.push('--tag=\u201cx\u201d');
    const last = doc.recovery[0].steps[reload].argv.length - 1;
    expect(refusal('backfill.yml', doc)).toEqual([
      expect.stringMatching(/^at recovery\[0\]\.previews\[0\]\.sql: ".*" is in curly quotes \(\u201c U\+201C … \u201d U\+201D\), as a document pastes them: /),
      `at recovery[0].steps[${reload}].argv[${last}]: "--tag=\u201cx\u201d" holds the curly quote \u201c U+201C after "--tag=": ${straight}, and the path or word would hold it as written. Use straight quotes around the whole value, or none`,
    ]);
  });
});

describe("a hold's what, prose", () => {
  it('may hold curly quotes there only: a suggested parameter named what runs', () => {
    const verdict = { holdsUntil: { at: '{{steps.dagster.dueTickAt}}', what: 'the schedule\u2019s next tick' }, suggest: { what: '\u201cx\u201d' } };
    const problems = curlyQuoteProblems({ diagnosis: { verdicts: [verdict] } } as unknown as Runbook);
    expect(problems.map((problem) => problem.at)).toEqual([['diagnosis', 'verdicts', 0, 'suggest', 'what']]);
  });
});

describe('SQL holding more than one statement', () => {
  const oneOnly = 'each SQL here is one statement (DuckDB binds the values to one only, and gives one result), so keep one and give another its own step (a single ; at the end is fine)';

  it("is refused in a preview, a rollback's preview and a sql step (the plan would fail on values not provided, or count one statement unsaid)", () => {
    const doc = bundled('backfill.yml');
    doc.recovery[0].previews[0].sql = `${doc.recovery[0].previews[0].sql}; SELECT 42`;
    const kept = doc.recovery[0].rollback.previews.findIndex((v: Doc) => v.sql.includes('read_parquet(?)'));
    doc.recovery[0].rollback.previews[kept].sql = 'SELECT count(*) FROM read_parquet(?); -- one\nSELECT 1;';
    expect(refusal('backfill.yml', doc)).toEqual([
      `at recovery[0].previews[0].sql: holds 2 statements, "SELECT count(*) FROM {{source.raw_table}} WHERE source_da…", then "SELECT 42": ${oneOnly}`,
      `at recovery[0].rollback.previews[${kept}].sql: holds 2 statements, "SELECT count(*) FROM read_parquet(?)", then "SELECT 1": ${oneOnly}`,
    ]);
    const md = bundled('motherduck.yml');
    md.recovery[0].steps[0].sql = `${md.recovery[0].steps[0].sql}; SELECT 1`;
    expect(refusal('motherduck.yml', md)).toEqual([expect.stringMatching(/^at recovery\[0\]\.steps\[0\]\.sql: holds 2 statements, "CREATE DATABASE .*", then "SELECT 1": /)]);
  });

  it('is not a single statement ending in ;, nor a ; inside a string literal or a comment', () => {
    const doc = bundled('backfill.yml');
    doc.recovery[0].previews[0].sql = `${doc.recovery[0].previews[0].sql}; -- counted; once\n`;
    doc.recovery[0].previews[1].sql = `${doc.recovery[0].previews[1].sql} AND ';' = ';'`;
    expect(() => loadRunbooks(writeRunbook('backfill.yml', doc))).not.toThrow();
  });
});

describe('a parameter no command takes', () => {
  it('is refused at its declaration, naming the lists that take parameters', () => {
    const doc = bundled('duckdb.yml');
    doc.parameters.retries = { type: 'integer', description: 'how many times to try again' };
    expect(refusal('duckdb.yml', doc)).toEqual([
      'at parameters.retries: no command takes "retries": neither diagnosis.parameters, validation.parameters, nor the parameters of a recovery path or its rollback name it, so it can never be given. Add it to the parameters of the part that reads it, or take it out',
    ]);
  });
});

describe("a path's parameter nothing of the path reads", () => {
  it('is refused, naming the recover command that would ask for it for nothing', () => {
    const doc = bundled('duckdb.yml');
    const w = doc.recovery.findIndex((p: Doc) => p.id === 'w');
    doc.recovery[w].parameters = ['backup'];
    expect(refusal('duckdb.yml', doc)).toEqual([
      `at recovery[${w}].parameters[0]: path w takes "backup", but none of its guards, previews, steps, whenFailed or rollback reads {{backup}}, nor does the validation that follows it take backup: \`/databox recover duckdb path=w\` would ask for backup= for nothing. Take it out of this path's parameters`,
    ]);
  });

  it('is taken when only the validation that follows the path takes it (a finished recovery hands it on)', () => {
    const doc = bundled('backfill.yml');
    doc.recovery.push({ id: 'r', title: 'Reload everything', description: 'Reloads every source and rebuilds the marts.', parameters: ['source', 'from', 'to'], steps: [{ id: 'reload', kind: 'command', title: 'Reload everything', argv: ['task', 'reload-everything'], mutates: true }] });
    expect(() => loadRunbooks(writeRunbook('backfill.yml', doc))).not.toThrow();
    // A cleanup path is never validated: there the parameters are asked for nothing.
    doc.recovery.at(-1).cleanup = true;
    expect(refusal('backfill.yml', doc)).toEqual(expect.arrayContaining([expect.stringContaining('path r takes "source", but none of its guards')]));
  });

  it("is taken when only a step's whenFailed reads it", () => {
    const doc = bundled('duckdb.yml');
    const w = doc.recovery.findIndex((p: Doc) => p.id === 'w');
    doc.recovery[w].parameters = ['backup'];
    doc.recovery[w].steps[0].whenFailed = 'Restore {{backup?}} by hand';
    expect(() => loadRunbooks(writeRunbook('duckdb.yml', doc))).not.toThrow();
  });
});

describe("the runbooks' mart lists", () => {
  const folder = (plant: (docs: Record<string, Doc>) => void): string => {
    const dir = tempDir();
    fs.cpSync(path.join(projectRoot, 'runbooks'), dir, { recursive: true });
    const docs: Record<string, Doc> = { 'schedule.yml': bundled('schedule.yml'), 'motherduck.yml': bundled('motherduck.yml') };
    plant(docs);
    for (const [name, doc] of Object.entries(docs)) fs.writeFileSync(path.join(dir, name), stringify(doc));
    return dir;
  };
  const problems = (dir: string) => checkRunbooks(dir).problems.map((line) => line.replace(`${dir}/`, ''));
  const others = 'duckdb.yml diagnosis.steps[2].expectMarts, motherduck.yml validation.steps[1].marts';
  const same = "the runbooks' mart lists name the same marts, or a mart goes unchecked where it is left out";

  it('refuse a mart misspelt in one (scenario 4 and the stale-marts watcher would never check the one meant), once per list through its aliases', () => {
    const dir = folder((docs) => {
      (docs['schedule.yml'] as Doc).diagnosis.steps[0].marts[0].table = 'ebird.fct_daily_bird_observation';
    });
    const [line, ...more] = problems(dir);
    expect(more).toEqual([]);
    expect(line?.replace(/^schedule\.yml:\d+: /, '')).toBe(
      `at diagnosis.steps[0].marts[0].table: ebird.fct_daily_bird_observation is named here, but not by the mart lists at ${others} (did you mean "ebird.fct_daily_bird_observations", which they name?): ${same}; make them the same`,
    );
  });

  it('refuse a list leaving out a mart the others name, at that list', () => {
    const dir = folder((docs) => {
      (docs['motherduck.yml'] as Doc).validation.steps[1].marts.pop();
    });
    expect(problems(dir)).toEqual([
      expect.stringMatching(
        new RegExp(`^motherduck\\.yml:\\d+: at validation\\.steps\\[1\\]\\.marts: does not name analytics\\.fct_species_environment_daily \\(named at duckdb\\.yml diagnosis\\.steps\\[2\\]\\.expectMarts, schedule\\.yml diagnosis\\.steps\\[0\\]\\.marts\\): ${escapeRegExp(same)}; add it here, or take it out of the others$`),
      ),
    ]);
  });
});

describe("a runbook's section", () => {
  it("is refused where another runbook of the folder has it too, in each of them, naming the other's line", () => {
    const dir = tempDir();
    fs.cpSync(path.join(projectRoot, 'runbooks'), dir, { recursive: true });
    const text = fs.readFileSync(path.join(dir, 'schedule.yml'), 'utf8');
    fs.writeFileSync(path.join(dir, 'schedule.yml'), text.replace(/^section: 4$/m, 'section: 1'));
    const lineOf = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8').split('\n').indexOf('section: 1') + 1;
    const [duckdb, schedule] = [lineOf('duckdb.yml'), lineOf('schedule.yml')];
    const said = 'each runbook is a section of the incident runbook of its own (a postmortem names it): give each its own number';
    expect(checkRunbooks(dir).problems.map((line) => line.replace(`${dir}/`, ''))).toEqual([
      `duckdb.yml:${duckdb}: at section: section 1 is also schedule.yml:${schedule}'s (schedule): ${said}`,
      `schedule.yml:${schedule}: at section: section 1 is also duckdb.yml:${duckdb}'s (duckdb): ${said}`,
    ]);
  });
});

describe("a /databox command in a runbook's text giving {{incident_id}}", () => {
  it("is refused naming another scenario: a runbook copied as a new one would send its own incident to the one it was copied from", () => {
    const dir = tempDir();
    fs.cpSync(path.join(projectRoot, 'runbooks'), dir, { recursive: true });
    const copy = fs.readFileSync(path.join(dir, 'duckdb.yml'), 'utf8').replace(/^id: duckdb$/m, 'id: mydb').replace(/^section: 1$/m, 'section: 5');
    fs.writeFileSync(path.join(dir, 'mydb.yml'), copy);
    const lines = checkRunbooks(dir).problems.map((line) => line.replace(`${dir}/`, ''));
    expect(lines).toEqual([
      expect.stringMatching(
        /^mydb\.yml:\d+: at [^:]+: gives "\/databox (?:diagnose|recover|validate) duckdb … incident=\{\{incident_id\}\}", but \{\{incident_id\}\} is this runbook's own incident, a mydb incident, so that command would be refused \("is a mydb incident, not duckdb"\): name mydb in it instead of duckdb \(was this runbook copied from duckdb\.yml\?\), or leave incident= out to open a duckdb incident of its own \(also at .*recovery\[1\]\.steps\[0\]\.whenFailed, .*validation\.followUps\[1\]\.advice/,
      ),
    ]);
    // The same commands naming the runbook's own scenario are what its incident takes.
    fs.writeFileSync(path.join(dir, 'mydb.yml'), copy.replace(/(\/databox\s+(?:diagnose|recover|validate)\s+)duckdb/g, '$1mydb'));
    expect(checkRunbooks(dir).problems).toEqual([]);
  });
});

describe('an output its step gives only on some statuses', () => {
  it("is refused in a verdict for another status: who holds the file, said only when it is locked", () => {
    const doc = bundled('duckdb.yml');
    const unreadable = doc.diagnosis.verdicts.findIndex((v: Doc) => v.id === 'unreadable');
    doc.diagnosis.verdicts[unreadable].advice = `Held by {{steps.open.holderPid}}. ${doc.diagnosis.verdicts[unreadable].advice}`;
    expect(refusal('duckdb.yml', doc)).toEqual([
      `at diagnosis.verdicts[${unreadable}].advice: {{steps.open.holderPid}}: steps.open.holderPid is not set when open's status is unreadable, which verdict "unreadable" matches: narrow its condition to the statuses that set it, or write {{steps.open.holderPid?}} to say nothing then`,
    ]);
  });

  it("is refused in a follow-up for another status: the window to backfill, given only when marts are stale (or part-built)", () => {
    const doc = bundled('duckdb.yml');
    doc.validation.followUps.push({ when: { step: 'freshness', status: 'fresh' }, advice: 'Backfill {{steps.freshness.window}} anyway.' });
    const last = doc.validation.followUps.length - 1;
    expect(refusal('duckdb.yml', doc)).toEqual([
      `at validation.followUps[${last}].advice: {{steps.freshness.window}}: steps.freshness.window is not set when freshness's status is fresh, which this follow-up matches: narrow its condition to the statuses that set it, or write {{steps.freshness.window?}} to say nothing then`,
    ]);
  });

  it("is refused in a verdict whose condition never names the step: the mart's first day in raw-emptied, on raw_counts' status alone", () => {
    const doc = bundled('backfill.yml');
    const emptied = doc.diagnosis.verdicts.findIndex((v: Doc) => v.id === 'raw-emptied');
    // As it was written: mart_counts, which gives the first day, ends unreachable too (MotherDuck lost between the two
    // counts), and no earlier verdict takes that; its advice would then be posted with a marker for the day.
    doc.diagnosis.verdicts[emptied].when = { step: 'raw_counts', status: 'emptied' };
    const setting = 'ok, anomalies, duplicates, doubled, no-baseline, no-data, empty';
    expect(refusal('backfill.yml', doc)).toEqual([
      `at diagnosis.verdicts[${emptied}].advice: {{steps.mart_counts.firstDay}}: steps.mart_counts.firstDay is not set when mart_counts's status is unreachable or interrupted, which verdict "raw-emptied" may be given with, as its condition never names mart_counts: name mart_counts in its condition with the statuses that set it (${setting} or not-judged): when: { all: [{ step: raw_counts, status: emptied }, { step: mart_counts, status: [${setting}, not-judged] }] }, or write {{steps.mart_counts.firstDay?}} to say nothing then`,
    ]);
  });

  it("is refused in a verdict's holdsUntil and the diagnosis it opens, naming a step its condition never names", () => {
    const doc = bundled('schedule.yml');
    const stopped = doc.diagnosis.verdicts.findIndex((v: Doc) => v.id === 'daemon-stopped');
    // The marts' window is given only when they are stale: a stopped daemon may be found with fresh marts.
    doc.diagnosis.verdicts[stopped].holdsUntil.what = '{{steps.freshness.window}}';
    doc.diagnosis.verdicts[stopped].opens = { scenario: 'backfill', oneEach: 'source', params: { from: '{{steps.freshness.windowFrom}}' } };
    const unset = (output: string) =>
      `steps.freshness.${output} is not set when freshness's status is fresh, unreadable, failed, timeout or interrupted, which verdict "daemon-stopped" may be given with, as its condition never names freshness: name freshness in its condition with the statuses that set it (stale): when: { all: [{ step: dagster, status: daemon-stopped }, { step: freshness, status: stale }] }`;
    expect(refusal('schedule.yml', doc)).toEqual([
      `at diagnosis.verdicts[${stopped}].opens.params.from: {{steps.freshness.windowFrom}}: ${unset('windowFrom')}, or write {{steps.freshness.windowFrom?}} to say nothing then`,
      // Left empty, the time would lift the bound on every plan made on the diagnosis: no {{…?}} offered.
      `at diagnosis.verdicts[${stopped}].holdsUntil.what: {{steps.freshness.window}}: ${unset('window')}`,
    ]);
  });

  it("is refused in a follow-up whose condition never names the step: the window to backfill, after a scan that read the file", () => {
    const doc = bundled('duckdb.yml');
    doc.validation.followUps.push({ when: { step: 'scan', status: 'ok' }, advice: 'Backfill {{steps.freshness.window}}.' });
    const last = doc.validation.followUps.length - 1;
    expect(refusal('duckdb.yml', doc)).toEqual([
      `at validation.followUps[${last}].advice: {{steps.freshness.window}}: steps.freshness.window is not set when freshness's status is fresh, unreadable, failed, timeout or interrupted, which this follow-up may be given with, as its condition never names freshness: name freshness in its condition with the statuses that set it (stale): when: { all: [{ step: scan, status: ok }, { step: freshness, status: stale }] }, or write {{steps.freshness.window?}} to say nothing then`,
    ]);
  });
});
