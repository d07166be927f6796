// Reads and checks every runbooks/*.yml file: a problem is named with its file, the path inside it and what is wrong.
import fs from 'node:fs';
import path from 'node:path';
import { adviceCommandProblems, adviceIncidentProblems, advicePathProblems, verdictIncidentProblems } from './advice-commands.js';
import { runbookProblems } from './check.js';
import { unusualCharacters } from '../commands/unusual-characters.js';
import { didYouMean } from './did-you-mean.js';
import { identifierProblems } from './identifiers.js';
import { issueByPlace } from './issue-by-place.js';
import { readRunbookFile } from './read-runbook-file.js';
import { readYaml } from './read-yaml.js';
import { checkedOnce, freezeDeep } from './checked-once.js';
import { keepLoad, keptLoad, loadKey, type ReadRunbook } from './load-cache.js';
import { duckdbTimeZones } from '../duckdb/duckdb-time-zones.js';
import { curlyQuoteProblems } from './curly-quotes.js';
import { expectedSchemaProblems, type PlaceName } from './expected-schemas.js';
import { formatPath, pathOfText, type DataPath } from './yaml-lines.js';
import { martListProblems } from './mart-lists-agree.js';
import { martSlaProblems, type NodeLine } from './mart-sla-agreement.js';
import { rollbackRestoreProblems } from './rollback-restores.js';
import { withoutRetiredKeys } from './retired-keys.js';
import { runbook, type Runbook } from './schema.js';
import { sameCommandProblems } from './same-command.js';
import { sqlTemplateProblems } from './sql-templates.js';
import { withStackJobs } from './stack-jobs.js';
import { runbookIssueMessage } from './schema-messages.js';
import { unsetOutputProblems } from './unset-outputs.js';
import { unusedPathParameterProblems } from './unused-path-parameters.js';
import { verdictProblems } from './verdict-checks.js';
import { withVersion } from './runbook-version.js';
import { runbooksFolderUnreadable } from './runbooks-folder-unreadable.js';

export class RunbookError extends Error {
  override readonly name = 'RunbookError';
}

/** A file's runbook (and where its parts were written), or every problem found in it, each as one "file:line: at path: problem" line. */
export type CheckedRunbook =
  | { ok: true; runbook: Runbook; lineOf: (at: DataPath) => number | undefined; nodeLineOf: (at: DataPath) => number | undefined }
  | { ok: false; problems: string[] };

/** "file:line: at path: problem", as compilers write it, so an editor opens the file at the line; the line left out where unknown. */
function located(file: string, lineOf: (at: DataPath) => number | undefined, at: DataPath | string, message: string): string {
  const parts = typeof at === 'string' ? pathOfText(at) : at;
  const line = parts && lineOf(parts);
  return `${file}${line === undefined ? '' : `:${line}`}: at ${typeof at === 'string' ? at : formatPath(at)}: ${message}`;
}

/** A problem already worded as "path: message", located like the others. */
function locatedText(file: string, lineOf: (at: DataPath) => number | undefined, problem: string): string {
  const colon = problem.indexOf(': ');
  return colon === -1 ? `${file}: at ${problem}` : located(file, lineOf, problem.slice(0, colon), problem.slice(colon + 2));
}

/**
 * The message, with the characters no one can see or tell apart named when the value it is about holds any: a Cyrillic
 * "ѕ" in a step id or a zero-width space after a status would otherwise read as a refusal of what looks right.
 */
function withHiddenCharacters(message: string, content: unknown, at: DataPath | string): string {
  const parts = typeof at === 'string' ? pathOfText(at) : at;
  let value: unknown = content;
  for (const part of parts ?? []) value = value !== null && typeof value === 'object' && typeof part !== 'symbol' ? (value as Record<string | number, unknown>)[part] : undefined;
  // A name or status, not prose: a title's em dash is meant.
  if (typeof value !== 'string' || value.includes(' ')) return message;
  const hidden = unusualCharacters(value);
  return hidden ? `${message} (it holds ${hidden})` : message;
}

/** Said of a file that is no runbook at all (notes, a copy): the folder holds runbooks only. */
const everyYmlIsARunbook = 'every *.yml here is read as a runbook: keep notes and copies outside this folder';

/** The keys only a runbook has: a mapping with none of them is some other file (notes.yml), not a runbook gone wrong. */
const runbookKeys = ['id', 'title', 'section', 'summary', 'symptoms', 'diagnosis', 'recovery', 'validation'];

/** A file's text checked on its own: its YAML, its shape and every rule a runbook keeps by itself. */
export const checkRunbookText = checkedOnce((text: string, file: string) => withVersion(checkRunbookTextNow(text, file), text));

function checkRunbookTextNow(text: string, file: string): CheckedRunbook {
  const read = readYaml(text, file);
  if (!read.ok) return read;
  const content = read.content;
  if (content === null || content === undefined) {
    return { ok: false, problems: [`${file}: the file is empty (or holds only comments): a runbook is a YAML mapping with id, title, diagnosis, recovery … (${everyYmlIsARunbook})`] };
  }
  if (typeof content !== 'object' || Array.isArray(content)) {
    // A binary file, a macOS "._" file, plain text: YAML reads them as one value, not a runbook's keys.
    const what = Array.isArray(content) ? 'a list' : `one ${typeof content} value`;
    return { ok: false, problems: [`${file}: not a runbook: its YAML is ${what}, where a runbook is a mapping with id, title, diagnosis, recovery … (is this file meant to be here? ${everyYmlIsARunbook})`] };
  }
  const keys = Object.keys(content);
  if (!keys.some((key) => runbookKeys.includes(key))) {
    const holds = keys.length > 0 ? `its keys are ${keys.map((key) => `"${key}"`).join(', ')}` : 'it is an empty mapping';
    return { ok: false, problems: [`${file}: not a runbook: ${holds}, and none is a runbook's (id, title, diagnosis, recovery …) (${everyYmlIsARunbook})`] };
  }
  const parsed = runbook.safeParse(withoutRetiredKeys(content).content, { error: runbookIssueMessage });
  // A runbook whose shape is wrong cannot be cross-checked: its shape problems are all there is to report first.
  const { lineOf } = read;
  const place = (at: DataPath | string, message: string) => located(file, lineOf, at, withHiddenCharacters(message, content, at));
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((issue) => place(issue.path as DataPath, issueByPlace(issue))) };
  const problems = [
    // Named in their own words: the hidden-character note would say the same again.
    ...curlyQuoteProblems(parsed.data).map((problem) => located(file, lineOf, problem.at, problem.message)),
    ...[...runbookProblems(parsed.data), ...verdictProblems(parsed.data), ...unsetOutputProblems(parsed.data), ...unusedPathParameterProblems(parsed.data), ...rollbackRestoreProblems(parsed.data)].map((problem) => place(problem.at, problem.message)),
    ...identifierProblems(parsed.data).map((problem) => locatedText(file, lineOf, problem)),
    ...sqlTemplateProblems(parsed.data).map((problem) => located(file, lineOf, problem.at, problem.message)),
  ];
  const expectedId = path.basename(file).replace(/\.ya?ml$/, '');
  if (parsed.data.id !== expectedId) {
    // duckdb-old.yml beside duckdb.yml: a copy kept in the folder, not a runbook meant to be renamed.
    const copy = expectedId.startsWith(parsed.data.id) ? ' (every *.yml here is read as a runbook: keep a copy of one outside this folder)' : '';
    problems.push(located(file, lineOf, ['id'], `the id "${parsed.data.id}" must match the file name "${expectedId}"${copy}`));
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, runbook: withStackJobs(parsed.data), lineOf, nodeLineOf: read.nodeLineOf };
}

export function parseRunbook(text: string, file: string): Runbook {
  const checked = checkRunbookText(text, file);
  if (!checked.ok) throw new RunbookError(checked.problems.join('\n'));
  return checked.runbook;
}

/** Every runbook of a directory, and every problem of every file (empty when all load). */
export function checkRunbooks(dir: string): { runbooks: Map<string, Runbook>; files: string[]; problems: string[] } {
  // Read at every load, a kept one too: not first at a plan's zone, where asking DuckDB would hold the event loop.
  duckdbTimeZones();
  let names: string[];
  try {
    names = fs.readdirSync(dir).sort();
  } catch (error) {
    return { runbooks: new Map(), files: [], problems: [runbooksFolderUnreadable(dir, error as NodeJS.ErrnoException)] };
  }
  // Extra.YML would be skipped without a word: named instead, like any other file that cannot be read as a runbook.
  const caseProblems = names.filter((name) => /\.ya?ml$/i.test(name) && !/\.ya?ml$/.test(name) && !name.startsWith('.')).map((name) => `${path.join(dir, name)}: a runbook file's name ends in .yml or .yaml, in lower case: rename it, or move it out of this folder`);
  // A hidden file is no runbook (its id could not match its name): an editor's lock (.#duckdb.yml), a macOS "._" file.
  names = names.filter((name) => /\.ya?ml$/.test(name) && !name.startsWith('.'));
  if (names.length === 0) return { runbooks: new Map(), files: [], problems: [...caseProblems, `no runbook files (*.yml) in ${dir}`] };
  const runbooks = new Map<string, Runbook>();
  const fileOf = new Map<string, string>();
  const linesOf = new Map<string, (at: DataPath) => number | undefined>();
  const nodeLinesOf = new Map<string, (at: DataPath) => number | undefined>();
  const problems: string[] = [...caseProblems];
  /** The runbooks (named by their files) that are there but did not load: their own problems are already listed. */
  const refused = new Set<string>();
  const files = names.map((name) => path.join(dir, name));
  const reads = files.map((file) => ({ file, read: readRunbookFile(file) }));
  const texts = reads.flatMap(({ file, read }) => (read.ok ? [{ name: path.basename(file), text: read.text }] : []));
  // Only a load with nothing to say is kept: every problem is worded by a full load, as it always was.
  const key = caseProblems.length === 0 && texts.length === files.length ? loadKey(texts) : undefined;
  const kept = key === undefined ? undefined : keptRunbooks(key, texts);
  if (kept) return { runbooks: kept, files, problems: [] };
  for (const { file, read } of reads) {
    if (!read.ok) {
      problems.push(read.problem);
      refused.add(path.basename(file).replace(/\.ya?ml$/, ''));
      continue;
    }
    const checked = checkRunbookText(read.text, file);
    if (!checked.ok) {
      problems.push(...checked.problems);
      refused.add(path.basename(file).replace(/\.ya?ml$/, ''));
    } else if (runbooks.has(checked.runbook.id)) {
      problems.push(`${file}: a second file for the runbook "${checked.runbook.id}", besides ${fileOf.get(checked.runbook.id)}: keep one of the two`);
    } else {
      runbooks.set(checked.runbook.id, checked.runbook);
      fileOf.set(checked.runbook.id, file);
      linesOf.set(checked.runbook.id, checked.lineOf);
      nodeLinesOf.set(checked.runbook.id, checked.nodeLineOf);
    }
  }
  const nodeLine = (id: string, at: DataPath) => nodeLinesOf.get(id)?.(at);
  const placeName: PlaceName = (id, at) => {
    const parts = pathOfText(at);
    const line = parts && linesOf.get(id)?.(parts);
    return `${path.basename(fileOf.get(id) as string)}${line === undefined ? ` ${at}` : `:${line}`}`;
  };
  for (const [id, rb] of runbooks) problems.push(...crossRunbookProblems(rb, runbooks, refused, nodeLine, placeName).map((problem) => locatedText(fileOf.get(id) as string, linesOf.get(id) as (at: DataPath) => number | undefined, problem)));
  if (key !== undefined && problems.length === 0) {
    keepLoad(key, [...runbooks.values()]);
    loadedHere(key, [...runbooks.values()]);
  }
  return { runbooks, files, problems };
}

/** Clean loads this process made or took, the last few: a second load of the same files gives the same objects, as checkRunbookText does. */
const takenHere = new Map<string, Runbook[]>();

function loadedHere(key: string, runbooks: Runbook[]): void {
  takenHere.set(key, runbooks);
  if (takenHere.size > 8) takenHere.delete(takenHere.keys().next().value as string);
}

/** The runbooks of a clean load kept for exactly these files and this code, frozen and with their versions, as a full load gives them. */
function keptRunbooks(key: string, texts: readonly ReadRunbook[]): Map<string, Runbook> | undefined {
  let kept = takenHere.get(key);
  if (!kept) {
    const read = keptLoad(key);
    // Each file's runbook in its place, or the entry is not this load's.
    if (!read || read.length !== texts.length || read.some((runbook, i) => runbook?.id !== texts[i]?.name.replace(/\.ya?ml$/, ''))) return undefined;
    kept = read.map((runbook, i) => withVersion({ ok: true, runbook: freezeDeep(runbook) }, (texts[i] as ReadRunbook).text).runbook);
    loadedHere(key, kept);
  }
  return new Map(kept.map((runbook) => [runbook.id, runbook]));
}

/** What one runbook names in another (the scenario a failed recovery offers): it must exist and take those parameters. */
function crossRunbookProblems(rb: Runbook, all: ReadonlyMap<string, Runbook>, refused: ReadonlySet<string>, nodeLine: NodeLine, placeName: PlaceName): string[] {
  const problems: string[] = [];
  const opened = [
    ...rb.recovery.map((p, i) => ({ opens: p.whenFailedOpens, at: `recovery[${i}].whenFailedOpens` })),
    ...rb.diagnosis.verdicts.map((v, i) => ({ opens: v.opens, at: `diagnosis.verdicts[${i}].opens` })),
  ];
  opened.forEach(({ opens, at }) => {
    if (!opens) return;
    const target = all.get(opens.scenario);
    // Its file is there but did not load: what is wrong there is named there, not as a missing runbook here.
    if (!target && refused.has(opens.scenario)) return;
    if (!target) {
      problems.push(`${at}.scenario: no runbook "${opens.scenario}" in this directory${didYouMean(opens.scenario, [...all.keys()])}`);
      return;
    }
    const takes = target.diagnosis.parameters;
    for (const name of Object.keys(opens.params)) {
      if (!takes.includes(name)) problems.push(`${at}.params.${name}: the diagnosis of ${target.id} takes no parameter "${name}"${didYouMean(name, takes)}`);
    }
    if (opens.oneEach !== undefined && (!takes.includes(opens.oneEach) || target.parameters[opens.oneEach]?.type !== 'enum')) {
      problems.push(`${at}.oneEach: "${opens.oneEach}" is not an enum parameter of the diagnosis of ${target.id}${didYouMean(opens.oneEach, takes)}`);
    }
  });
  // Two runbooks calling themselves one section of the incident runbook: one of them was copied and kept its number.
  for (const other of all.values()) {
    if (other.id !== rb.id && other.section === rb.section) {
      problems.push(`section: section ${rb.section} is also ${placeName(other.id, 'section')}'s (${other.id}): each runbook is a section of the incident runbook of its own (a postmortem names it): give each its own number`);
    }
  }
  problems.push(...adviceCommandProblems(rb, [...all.keys()], refused), ...advicePathProblems(rb, all), ...verdictIncidentProblems(rb), ...adviceIncidentProblems(rb), ...expectedSchemaProblems(rb, all, refused, placeName), ...martSlaProblems(rb, all, nodeLine, refused), ...martListProblems(rb, all, nodeLine, refused), ...sameCommandProblems(rb, all, placeName));
  return problems;
}

/** The runbooks of a directory; any problem in any file stops the load, naming them all. */
export function loadRunbooks(dir: string): Map<string, Runbook> {
  const { runbooks, problems } = checkRunbooks(dir);
  if (problems.length > 0) throw new RunbookError(problems.join('\n'));
  return runbooks;
}
