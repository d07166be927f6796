// The databox stack's own commands that write (sqlmesh, dagster, dlt): a step running one mutates, so no diagnosis,
// validation or guard runs it without approval, whatever the author forgot to mark.

/** The words of argv that are not options; a templated word (undefined) is none. */
const plain = (words: readonly (string | undefined)[]) => words.filter((w): w is string => w !== undefined && !w.startsWith('-'));

/** sqlmesh's own options that take the next word as their value. */
const sqlmeshValueOptions = new Set(['--gateway', '-p', '--paths', '--config', '--log-file-dir', '--log-limit']);

/** Where the subcommand is: the first word past the program's own options and their values; undefined when templated or none. */
function subcommandAt(rest: readonly (string | undefined)[], valueOptions: ReadonlySet<string>): number | undefined {
  for (let i = 0; i < rest.length; i += 1) {
    const word = rest[i];
    if (word === undefined) return undefined;
    if (!word.startsWith('-')) return i;
    if (valueOptions.has(word)) i += 1;
  }
  return undefined;
}

const sqlmeshWriters = new Set(['run', 'migrate', 'janitor', 'invalidate', 'destroy', 'rollback', 'clean', 'create_external_models', 'dlt_refresh', 'format', 'create_test']);

const dagsterWriters: Record<string, ReadonlySet<string>> = {
  asset: new Set(['materialize', 'wipe', 'wipe-partitions-status-cache']),
  job: new Set(['execute', 'launch', 'backfill']),
  schedule: new Set(['start', 'stop', 'restart', 'wipe']),
  sensor: new Set(['start', 'stop', 'cursor']),
  run: new Set(['delete', 'wipe', 'migrate-repository']),
  instance: new Set(['migrate', 'reindex']),
};

/** sqlmesh plan's options that make it show the plan and apply nothing (--no-prompts without --auto-apply asks nothing). */
const planLooksOnly: ReadonlySet<string> = new Set(['--dry-run', '--explain', '--no-prompts']);

/**
 * Taskfile task names that say the task changes the data or the checkout (task clean, task full-refresh, task
 * db:reset, any part of it between colons: full-refresh:ebird, clean:all): a Taskfile is not read here, so a task's name
 * is all there is to go on. Only a whole part counts (rebuild-log reads a log); one named otherwise (verify, test, lint)
 * is the author's word.
 */
const taskWriterNames: ReadonlySet<string> = new Set([
  'clean', 'full-refresh', 'refresh', 'reset', 'drop', 'delete', 'remove', 'wipe', 'purge', 'destroy', 'rebuild', 'migrate', 'load', 'reload',
  'backfill', 'restate', 'materialize', 'apply', 'prune', 'truncate', 'restore', 'seed', 'format', 'fix', 'ingest', 'sync',
]);

/**
 * task's own options that run no task (go-task's CLI reference): --dry (-n) prints what would run, --summary describes
 * a task, --status only says whether it is up to date, --list (-l) and --list-all (-a) list tasks.
 */
const taskLooksOnly: ReadonlySet<string> = new Set(['--dry', '-n', '--summary', '--status', '--list', '-l', '--list-all', '-a', '--help', '-h', '--version']);

/** task's short options that take no value, which may be written together (-sn: silent, dry). */
const taskShortFlags = /^-[afghlnpsvwxy]+$/;

/** Whether task is asked only to look: one of its options before -- runs no task (task --dry full-refresh, task -sn load). */
function taskOnlyLooks(rest: readonly (string | undefined)[]): boolean {
  const end = rest.indexOf('--');
  return (end === -1 ? rest : rest.slice(0, end)).some((word) => {
    if (word === undefined) return false;
    if (taskLooksOnly.has(word.replace(/=true$/, ''))) return true;
    return taskShortFlags.test(word) && /[nlah]/.test(word);
  });
}

/** task's own options that take the next word as their value (task -d transforms verify). */
const taskValueOptions: ReadonlySet<string> = new Set(['-d', '--dir', '-t', '--taskfile', '-o', '--output', '-C', '--concurrency', '--interval', '-I', '--output-group-begin', '--output-group-end']);

/** The tasks `task` is asked to run: its words before --, past its options and their values and VAR=value assignments. */
function taskNames(rest: readonly (string | undefined)[]): string[] {
  const names: string[] = [];
  for (let i = 0; i < rest.length; i += 1) {
    const word = rest[i];
    if (word === '--') break;
    if (word === undefined || /^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) continue;
    if (word.startsWith('-')) {
      if (taskValueOptions.has(word)) i += 1;
    } else names.push(word);
  }
  return names;
}

const dltWriters = new Set(['drop', 'sync', 'drop-pending-packages', 'init', 'deploy']);

/** What the command (its program's base name and the words after it) writes, in words; undefined when it only reads as far as known. */
export function stackWrites(name: string, rest: readonly (string | undefined)[]): string | undefined {
  const words = plain(rest);
  if (name === 'sqlmesh') {
    // Its subcommand is its first word past its own options (sqlmesh --gateway local run); later words are arguments.
    const at = subcommandAt(rest, sqlmeshValueOptions);
    const sub = at === undefined ? undefined : rest[at];
    if (sub !== undefined && sqlmeshWriters.has(sub)) return `sqlmesh ${sub} changes the warehouse, SQLMesh's state or the project's files`;
    if (sub === 'plan' && rest.includes('--auto-apply')) return 'sqlmesh plan --auto-apply applies the plan to the warehouse';
    // Without --auto-apply it asks whether to apply, and applies on a yes; only a plan that says it will not is a look.
    if (sub === 'plan' && !rest.some((word) => word !== undefined && planLooksOnly.has(word))) return 'sqlmesh plan applies a plan to the warehouse once its prompt is answered yes (to see what differs without applying, sqlmesh diff)';
    if (sub === 'state' && at !== undefined && rest[at + 1] === 'import') return "sqlmesh state import replaces SQLMesh's state";
    if (sub === 'ui') return "sqlmesh ui serves SQLMesh's editor, which applies plans";
    return undefined;
  }
  if (name === 'dagster') {
    for (let i = 0; i + 1 < words.length; i += 1) {
      if (dagsterWriters[words[i] as string]?.has(words[i + 1] as string)) return `dagster ${words[i]} ${words[i + 1]} changes what Dagster runs or has stored`;
      if (words[i] === 'instance' && words[i + 1] === 'concurrency' && words[i + 2] === 'set') return 'dagster instance concurrency set changes what Dagster runs';
    }
    if (words[0] === 'dev') return "dagster dev starts Dagster's webserver and daemon, which run its schedules";
    return undefined;
  }
  if (name === 'task') {
    if (taskOnlyLooks(rest)) return undefined;
    const named = taskNames(rest).find((task) => task.toLowerCase().split(':').some((part) => taskWriterNames.has(part)));
    if (named) return `task ${named}: the task's name says it changes the data or the checkout, and a Taskfile's tasks are not read here to say otherwise`;
  }
  if (name === 'dagster-daemon' && words[0] === 'run') return "dagster-daemon run starts Dagster's daemon";
  if (name === 'dlt') {
    const sub = words.find((w) => dltWriters.has(w));
    return sub ? `dlt ${sub === 'init' || sub === 'deploy' ? sub : `pipeline … ${sub}`} changes a pipeline's data, state or files` : undefined;
  }
  return undefined;
}
