// The /databox command grammar, shared by Slack and the terminal: verbs, scenarios and key=value parameters.
import { nearIncidentIdSaid } from './incident-id-hint.js';
import { orList } from '../or-list.js';
import { didYouMean } from '../runbook/did-you-mean.js';
import { commandValue } from './quote-value.js';
import { describeCharacter, unusualCharacters } from './unusual-characters.js';

export interface ScenarioCatalog {
  /** Scenario id → its recovery path ids. */
  readonly [scenario: string]: readonly string[];
}

export type Command =
  /** `about`: the words typed after help (`help diagnose`), for help to say which part of it they concern. */
  | { verb: 'help'; about?: string }
  | { verb: 'status' }
  | { verb: 'diagnose'; scenario: string; params: Record<string, string>; incident?: string }
  | { verb: 'validate'; scenario: string; params: Record<string, string>; incident?: string }
  /** path left out: the engine picks the one path it can only mean (see incidents/default-path.ts) or asks which. */
  | { verb: 'recover'; scenario: string; path?: string; params: Record<string, string>; incident?: string }
  | { verb: 'postmortem'; incident: string }
  | { verb: 'unlock'; run: string };

export type ParseResult = { ok: true; command: Command } | { ok: false; error: string; usage: string };

export const maxCommandLength = 1_000;
const verbs = ['help', 'diagnose', 'recover', 'validate', 'status', 'postmortem', 'unlock'] as const;
export const incidentIdPattern = /^dbx-\d{8}-[0-9a-f]{4}$/;
/** A plan's id: its incident's and its number in it. */
export const runIdPattern = /^dbx-\d{8}-[0-9a-f]{4}\/[1-9]\d{0,3}$/;
/** Never needed in a parameter value, and dangerous if a tool down the line (a Taskfile, say) hands the value to a shell. */
const shellMetacharacters = /[`$;|&<>]/;
const shellMetacharacterList = '` $ ; | & < >';

/** C0 and C1 controls, and the bidirectional overrides that can make a value read differently from what runs. */
const controlCharacters = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** Why a parameter value is refused wherever it comes from (a typed command, a modal field), or undefined. */
export function valueProblem(key: string, value: string): string | undefined {
  // Tabs and line breaks too: a quoted value can carry them, and a path with a line break reads as two in every log.
  const controls = [...new Set([...value].filter((character) => controlCharacters.test(character) || /[\t\n\r]/.test(character)))];
  if (controls.length > 0) return `${key}= contains ${controls.map(describeCharacter).join(', ')}: a value is one line of plain text`;
  const placeholder = placeholderProblem(key, value);
  if (placeholder) return placeholder;
  if (shellMetacharacters.test(value)) return metacharacterProblem(key, value);
  return undefined;
}

/** Why a value holding shell metacharacters is refused, as valueProblem says it. */
export function metacharacterProblem(key: string, value: string): string {
  return `${key}=${clip(value)} contains shell metacharacters (${shellMetacharacterList}); parameter values are plain names, dates, numbers and paths`;
}

/** The shell metacharacters a value holds, each once, in the order they first come. */
export function shellMetacharactersIn(value: string): string[] {
  return [...new Set([...value].filter((character) => shellMetacharacters.test(character)))];
}

/**
 * A value copied from the help or a usage line as it was written there: a placeholder in angle brackets
 * (`backup=<path>`, `incident=<id>`) or the values to choose from (`source=ebird|noaa|usgs`). Said as such, with what
 * to put instead, rather than as the shell metacharacters its < > or | also are; undefined for any other value.
 */
function placeholderProblem(key: string, value: string): string | undefined {
  const inBrackets = /^<([^<>]+)>$/.exec(value)?.[1];
  if (inBrackets !== undefined) {
    // A real value in the brackets (`incident=<dbx-20260420-3fa2>`): the brackets are the only thing wrong.
    if (!/^[a-z][a-z -]*$/i.test(inBrackets)) return `${key}=${clip(value)}: leave out the < > (the help's mark of a placeholder): ${key}=${clip(inBrackets)}`;
    // The runbooks' own placeholder for a day (`DATABOX_BACKFILL_END=<yesterday>`): a date to type, not a word.
    if (/^(?:yesterday|today|date|day|yyyy-mm-dd)$/i.test(inBrackets)) {
      return `${key}=${clip(value)} is a placeholder for a day: type the date itself in its place, as YYYY-MM-DD (${key}=2026-04-18), without the < >`;
    }
    if (key === 'incident') {
      return `incident=${clip(value)} is the help's placeholder: put an incident's id in its place (they look like dbx-20260420-3fa2, on each incident's first message), or leave incident= out to open a new incident`;
    }
    return `${key}=${clip(value)} is the help's placeholder: put the ${clip(inBrackets)} itself in its place, without the < >`;
  }
  const choices = value.split('|');
  if (choices.length > 1 && choices.every((choice) => /^[a-z][a-z0-9_-]+$/i.test(choice))) {
    return `${key}=${clip(value)} lists the values to choose from, as the help writes them: pick one, ${key}=${choices[0]}`;
  }
  return undefined;
}

/**
 * Every parameter a typed diagnose, validate or recover takes, in its usage's order: a recovery's path=, the runbook's
 * own, and incident= (the two this grammar takes out before the runbook's are checked), for a refusal to list them.
 */
export function typedCommandTakes(runbookParameters: readonly string[], verb?: 'recover'): string[] {
  return [...(verb === 'recover' ? ['path'] : []), ...runbookParameters, 'incident'];
}

export function usage(catalog: ScenarioCatalog, verb?: string): string {
  const scenarios = Object.keys(catalog).join('|') || '<scenario>';
  const lines: Record<string, string> = {
    help: '/databox help',
    diagnose: `/databox diagnose ${scenarios} [key=value …] [incident=<id>]`,
    recover: `/databox recover ${scenarios} [path=<id>] [key=value …] [incident=<id>]`,
    validate: `/databox validate ${scenarios} [key=value …] [incident=<id>]`,
    status: '/databox status',
    postmortem: '/databox postmortem <incident-id>',
    unlock: '/databox unlock <run-id>',
  };
  if (verb && verb in lines) return `Usage: ${lines[verb]}`;
  return ['Usage:', ...Object.values(lines).map((line) => `  ${line}`)].join('\n');
}

/**
 * What Slack wraps in < > itself: a link (a scheme), a mention or a channel (@, #, !). Anything else in brackets was
 * typed so (`from=<yesterday>` at the terminal, which sends < > as they are): a placeholder to say, not a link to unwrap.
 */
const slackMade = String.raw`(?:[a-z][a-z0-9+.-]*:|[@#!])`;

/** Slack sends &, < and > escaped in command text; undo that, and unwrap auto-formatted links. */
export function unescapeSlackText(text: string): string {
  return text
    .replace(new RegExp(`<(?:mailto:)?(${slackMade}?[^<>|]+)\\|([^<>]+)>`, 'gi'), '$2')
    .replace(new RegExp(`<(${slackMade}[^<>|]*)>`, 'gi'), '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** A word of the command with its quotes taken out, and as it was typed when a quote stood where the grammar has none. */
interface Word {
  text: string;
  /** Set when a double quote stood inside the word (`a"b"c`, `"x"y`), where taking it out would change the value unseen. */
  strayQuote?: string;
}

/** Slack's composer on macOS turns typed quotes into curly ones: they quote as straight ones do. */
const isDoubleQuote = (char: string | undefined) => char === '"' || char === '\u201c' || char === '\u201d';

/**
 * Splits on white space, keeping "double quoted" stretches together (for a path with spaces). A double quote is the
 * grammar's where it opens a word or the value after the word's first `=`, and where it closes one at the word's end;
 * anywhere else it would vanish from the value, so the word keeps what was typed, for the refusal.
 */
function tokenize(text: string): Word[] | { error: string } {
  const words: Word[] = [];
  const characters = [...text];
  let current = '';
  let typed = '';
  let quoted = false;
  let inToken = false;
  let stray = false;
  characters.forEach((char, i) => {
    if (isDoubleQuote(char)) {
      const next = characters[i + 1];
      const opensHere = current === '' || (current.endsWith('=') && current.indexOf('=') === current.length - 1);
      const closesHere = next === undefined || /\s/.test(next);
      if (quoted ? !closesHere : !opensHere) stray = true;
      quoted = !quoted;
      inToken = true;
      typed += char;
    } else if (/\s/.test(char) && !quoted) {
      if (inToken) words.push({ text: current, ...(stray ? { strayQuote: typed } : {}) });
      current = '';
      typed = '';
      inToken = false;
      stray = false;
    } else {
      current += char;
      typed += char;
      inToken = true;
    }
  });
  if (quoted) return { error: 'a double quote is not closed' };
  if (inToken) words.push({ text: current, ...(stray ? { strayQuote: typed } : {}) });
  return words;
}

/** Why a word with a double quote inside is refused, naming its parameter and the value it would have read without them. */
function strayQuoteProblem(word: Word & { strayQuote: string }): string {
  const eq = word.text.indexOf('=');
  const key = eq > 0 ? word.text.slice(0, eq).toLowerCase() : undefined;
  const without = key === undefined ? word.text : `${key}=${commandValue(word.text.slice(eq + 1))}`;
  return (
    `${clip(word.strayQuote)} has a double quote inside its ${key === undefined ? 'word' : 'value'}: double quotes go only around a whole value, ${key ?? 'key'}="…", and no value can hold one. ` +
    `Type ${clip(without)} if that is the value meant (a name that holds a double quote, a named snapshot's say, is renamed first)`
  );
}

export function parseCommand(rawText: string, catalog: ScenarioCatalog): ParseResult {
  const fail = (error: string, verb?: string): ParseResult => ({ ok: false, error, usage: usage(catalog, verb) });
  if (rawText.length > maxCommandLength) {
    return fail(`the command is ${rawText.length} characters long; at most ${maxCommandLength} are accepted`);
  }
  const text = unescapeSlackText(rawText).trim();
  // The whole command copied with Slack's code marks around it (`diagnose duckdb`, ```diagnose duckdb```).
  const inBackticks = /^(`{1,3})([^`]+)\1$/.exec(text)?.[2]?.trim();
  if (inBackticks) return fail(`the command is in backticks (Slack's code marks): leave them out, /databox ${clip(inBackticks)}`);
  if (controlCharacters.test(text)) return fail(`the command contains ${[...new Set([...text].filter((c) => controlCharacters.test(c)))].map(describeCharacter).join(', ')}`);
  const words = tokenize(text);
  if (!Array.isArray(words)) return fail(words.error);
  const tokens = words.map((word) => word.text);
  // A phone capitalises the first word ("Diagnose"), and nobody means DuckDB and duckdb as two scenarios: the words of
  // the grammar (verb, scenario, parameter names, a path's letter) read in any case; values stay as typed.
  const [typedVerb, ...rest] = tokens;
  const verb = typedVerb?.toLowerCase();
  if (verb === undefined) return { ok: true, command: { verb: 'help' } };
  if (verb === 'help') return { ok: true, command: rest.length > 0 ? { verb: 'help', about: rest.join(' ') } : { verb: 'help' } };
  // `/databox /databox diagnose duckdb`: the command pasted whole after the /databox Slack already took.
  if (verb === '/databox') return fail(rest.length > 0 ? `leave out "/databox": it is the command itself, typed already; type /databox ${clip(rest.join(' '))}` : 'leave out "/databox": it is the command itself, typed already');
  // `/databox "diagnose duckdb"`: double quotes around the command's first words make them one word.
  if (/\s/.test(typedVerb as string)) return fail(`the command is in double quotes, which make it one word: leave them out, /databox ${clip(firstWordUnquoted(text))}`);
  // `/databox 'diagnose duckdb'` or ‘diagnose duckdb’ (macOS and Slack type curly ones): the quotes would be read as part of the words.
  const unquoted = singleQuotesLeftOut(text);
  if (unquoted !== undefined) return fail(`the command is in single quotes${curlyNamed(text)}, which are not the grammar's: leave them out, /databox ${clip(unquoted)}`);
  if (!(verbs as readonly string[]).includes(verb)) return fail(`unknown command ${quoted(typedVerb as string)}${didYouMean(verb, verbs)}`);
  // Taken out, a quote inside a value would change it unseen (`snapshot=a"b"c` read as abc): refused, whatever the word.
  const stray = words.find((word): word is Word & { strayQuote: string } => word.strayQuote !== undefined);
  if (stray) return fail(strayQuoteProblem(stray), verb);
  if (verb === 'status') {
    return rest.length > 0 ? fail(`"status" takes nothing after it`, verb) : { ok: true, command: { verb: 'status' } };
  }
  if (verb === 'unlock') {
    const [run, ...extra] = rest;
    if (!run) return fail('which plan? Give its run id, shown on its message (dbx-20260420-3fa2/2)', verb);
    if (!runIdPattern.test(run)) {
      // An incident's id alone is the commonest slip: its plans are numbered after a slash, on each plan's message.
      const which = incidentIdPattern.test(run) ? `: that is an incident; its plans are ${run}/1, ${run}/2 … (each plan's message shows its own)` : '';
      return fail(`${quoted(run)} is not a run id (they look like dbx-20260420-3fa2/2)${which}`, verb);
    }
    if (extra.length > 0) return fail(`unexpected "${clip(extra.join(' '))}" after the run id`, verb);
    return { ok: true, command: { verb: 'unlock', run } };
  }
  if (verb === 'postmortem') {
    const [incident, ...extra] = rest;
    if (!incident) return fail('which incident? Give its id, shown on the incident\'s first message', verb);
    if (!incidentIdPattern.test(incident)) {
      const near = nearIncidentIdSaid(incident, quoted(incident), (id) => `/databox postmortem ${id}`);
      if (near) return fail(near, verb);
      return fail(`${quoted(incident)} is not an incident id (they look like dbx-20260420-3fa2)`, verb);
    }
    if (extra.length > 0) return fail(`unexpected "${clip(extra.join(' '))}" after the incident id`, verb);
    return { ok: true, command: { verb: 'postmortem', incident } };
  }
  const [typedScenario, ...pairs] = rest;
  const scenario = typedScenario?.toLowerCase();
  if (!scenario) return fail(`which scenario? One of: ${Object.keys(catalog).join(', ')}`, verb);
  if (scenario === 'help' || scenario === '--help' || scenario === '-h') return fail(`for help, type /databox help (or /databox help ${verb})`, verb);
  // Own keys only: "constructor" or "toString" are not scenarios.
  const paths = Object.hasOwn(catalog, scenario) ? catalog[scenario] : undefined;
  if (!paths) return fail(`unknown scenario ${quoted(typedScenario as string)}${didYouMean(String(typedScenario), Object.keys(catalog))}: known scenarios are ${Object.keys(catalog).join(', ')}`, verb);
  const params: Record<string, string> = {};
  // Each parameter as it was typed, so one given twice is refused quoting both ways it was written.
  const typedPairs: Record<string, string> = {};
  for (const [index, pair] of pairs.entries()) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      const spaced = spacesAroundEquals(pairs, index);
      if (spaced) return fail(spaced, verb);
      const pathWithoutKey = verb === 'recover' ? barePath(pairs, index, paths) : undefined;
      if (pathWithoutKey) return fail(pathWithoutKey, verb);
      return fail(valueSplitAtSpaces(pairs, index), verb);
    }
    const key = pair.slice(0, eq).toLowerCase();
    const value = key === 'path' ? pair.slice(eq + 1).toLowerCase() : pair.slice(eq + 1);
    if (!/^[a-z][a-z0-9_]{0,40}$/.test(key)) return fail(`${quoted(key)} is not a parameter name`, verb);
    if (Object.hasOwn(typedPairs, key)) return fail(`${key} is given twice (${clip(typedPairs[key] as string)}, ${clip(pair)}): keep one`, verb);
    typedPairs[key] = pair;
    // Shell habit: single quotes are not the grammar's, so they would be part of the value ("'2026-04-20' is not a date").
    const singleQuoted = /^['\u2018\u2019](.*)['\u2018\u2019]$/.exec(value);
    if (singleQuoted) return fail(`${key}=${clip(value)} is in single quotes, which would be part of the value: give it bare or in double quotes, ${key}=${clip(singleQuoted[1] as string)}`, verb);
    // `source= ebird`: the value went to the next word, and this one is empty.
    const spaced = value === '' ? spacesAroundEquals(pairs, index) : undefined;
    if (spaced) return fail(spaced, verb);
    // `snapshot="  "` anywhere, or `at=` to a diagnosis: nothing given, which would read as a value of spaces or as the
    // parameter left out (a plain diagnosis, a new incident). A recover refuses an empty value itself, saying why: it
    // does not ask for what the diagnosis found (src/incidents/diagnosed-defaults.ts).
    if (value !== '' && value.trim() === '') return fail(`${key}="${value}" gives no value (only spaces): give one (${key}=…), or leave ${key} out`, verb);
    if (value === '' && verb !== 'recover') return fail(`${key}= gives no value: give one (${key}=…), or leave ${key} out`, verb);
    const problem = valueProblem(key, value);
    if (problem) return fail(problem, verb);
    params[key] = value;
  }
  let incident: string | undefined;
  if ('incident' in params) {
    incident = params.incident as string;
    delete params.incident;
    if (!incidentIdPattern.test(incident)) {
      const near = nearIncidentIdSaid(incident, `incident=${clip(incident)}`, (id) => `incident=${id}`);
      if (near) return fail(near, verb);
      return fail(`incident=${clip(incident)}${hidden(incident)} is not an incident id (they look like dbx-20260420-3fa2)`, verb);
    }
  }
  if (verb === 'recover') {
    const path = params.path;
    delete params.path;
    if (path !== undefined && !paths.includes(path)) return fail(`path=${clip(path)}${hidden(path)} is not a recovery path of ${scenario}: use ${orList(paths.map((p) => `path=${p}`))}`, verb);
    return { ok: true, command: { verb, scenario, path, params, incident } };
  }
  return { ok: true, command: { verb: verb as 'diagnose' | 'validate', scenario, params, incident } };
}

/**
 * Why the word at `index`, with no `=`, is refused: most often the rest of a value split at its spaces. A value typed
 * bare with spaces (`at=2026-04-20 12:00:00 UTC`) is the key=value just before (every pair before this one is one) and
 * the bare words up to the next key=value, said quoted; one in single quotes (`at='2026-12-04 05:00:00'`, as runbooks
 * and MotherDuck's docs write them) is refused as single quotes, as a one-word value in them is; a shell's backslash
 * before a space is named. The way out is written with the parameter typed, never another command's.
 */
function valueSplitAtSpaces(pairs: readonly string[], index: number): string {
  const pair = pairs[index] as string;
  const before = pairs[index - 1];
  const nextKey = pairs.findIndex((p, i) => i > index && p.indexOf('=') > 0);
  const words = pairs.slice(index, nextKey < 0 ? pairs.length : nextKey);
  const notAPair = `"${clip(pair)}" is not a key=value parameter`;
  const singleQuote = /['\u2018\u2019]/;
  if (before === undefined) {
    // No parameter before it to name: a quoted value typed without its key (`'pre mart rewrite'`).
    const typed = words.join(' ');
    return singleQuote.test(typed) ? `${notAPair}; a value goes after its parameter's name, in double quotes when it has spaces: <name>="${clip(typed.replace(/^['\u2018\u2019]|['\u2018\u2019]$/g, ''))}"` : notAPair;
  }
  const eq = before.indexOf('=');
  const key = before.slice(0, eq);
  const value = `${before.slice(eq + 1)} ${words.join(' ')}`;
  // A shell's `my\ db`: no shell reads the command, so the backslash would be part of the value. Said, with the value.
  if (/\\$/.test(before)) {
    const unescaped = value.replace(/\\ /g, ' ').replace(/\\$/, '');
    return `${notAPair}; a backslash before a space does not keep it in the value (no shell reads the command): write the value in double quotes, ${clip(`${key}="${unescaped}"`)}`;
  }
  const whole = wholeAsTyped(key, before.slice(eq + 1), pair);
  if (whole) return `${notAPair}, nor part of ${clip(before)} (${whole}): leave it out, or give it as <name>=<value> with a parameter of the command`;
  const quotedSingly = /^['\u2018\u2019](.*?)(['\u2018\u2019]?)$/.exec(value);
  if (quotedSingly?.[2]) return `${key}=${clip(value)} is in single quotes, which would be part of the value: give it in double quotes, ${clip(`${key}="${quotedSingly[1]}"`)}`;
  return `${notAPair}; a value with spaces goes in double quotes: ${clip(`${key}="${quotedSingly ? quotedSingly[1] : value}"`)}`;
}

/**
 * Why `key=value` cannot be the start of a value split at a space, the `next` word its rest: an incident id, a path's
 * name and a day hold no spaces (a day followed by a time, `at=2026-04-20 12:00`, may). Undefined when it may be.
 */
function wholeAsTyped(key: string, value: string, next: string): string | undefined {
  if (key.toLowerCase() === 'incident' && incidentIdPattern.test(value)) return 'an incident id has no spaces';
  if (key.toLowerCase() === 'path' && /^[a-z0-9_-]+$/i.test(value)) return "a path's name has no spaces";
  if (/^\d{4}-\d{2}-\d{2}$/.test(value) && !/^\d{1,2}:\d{2}/.test(next)) return 'a day has no spaces';
  return undefined;
}

/**
 * A recovery's path given without its `path=`: `path a` (the word at `index` and the one after it), or `a` alone; said
 * with the pair written whole. Undefined when the words do not name one of the scenario's paths.
 */
function barePath(pairs: readonly string[], index: number, paths: readonly string[]): string | undefined {
  const word = (pairs[index] as string).toLowerCase();
  const next = pairs[index + 1]?.toLowerCase();
  if (word === 'path' && next !== undefined && paths.includes(next)) return `"${clip(`${pairs[index]} ${pairs[index + 1]}`)}": a path is given as path=${next}`;
  // After a key=value, a bare word is more likely the rest of a value typed with a space (`backup=/backups/my a`).
  const afterValue = index > 0 && (pairs[index - 1] as string).includes('=');
  if (paths.includes(word) && !afterValue) return `"${clip(pairs[index] as string)}" is not a key=value parameter: to choose path ${word}, write path=${word}`;
  return undefined;
}

/**
 * `source = ebird`, `source =ebird` or `source= ebird` (the word at `index` and those after it): a key and its value
 * split apart by spaces around the "=", said with the pair written whole; undefined when the words around the "=" do
 * not read as a key and a value. Never a suggestion to quote the space into the value (`source=" ebird"`).
 */
function spacesAroundEquals(pairs: readonly string[], index: number): string | undefined {
  const word = pairs[index] as string;
  const next = pairs[index + 1];
  const looksLikeKey = /^[A-Za-z][A-Za-z0-9_]{0,40}$/;
  // The bare words from `from` up to the next key=value, or the next key spaced from its "=" (`to = …`): the value,
  // split where it had spaces.
  const bareFrom = (from: number) => {
    const end = pairs.findIndex((p, i) => i >= from && (p.includes('=') || (pairs[i + 1] ?? '').startsWith('=')));
    return pairs.slice(from, end < 0 ? pairs.length : end);
  };
  let key: string;
  let words: string[];
  let last: number;
  if (word.endsWith('=') && looksLikeKey.test(word.slice(0, -1))) {
    key = word.slice(0, -1);
    words = bareFrom(index + 1);
    last = index + words.length;
  } else if (looksLikeKey.test(word) && next === '=') {
    key = word;
    words = bareFrom(index + 2);
    last = index + 1 + words.length;
  } else if (looksLikeKey.test(word) && next !== undefined && /^=[^=]/.test(next) && !next.slice(1).includes('=')) {
    key = word;
    words = [next.slice(1), ...bareFrom(index + 2)];
    last = index + words.length;
  } else {
    return undefined;
  }
  if (words.length === 0) return undefined;
  const typed = pairs.slice(index, last + 1).join(' ');
  return `"${clip(typed)}": no spaces around \`=\`: write \`${clip(`${key}=${commandValue(words.join(' '))}`)}\``;
}

/**
 * The command with the double quotes of its first word left out (`"diagnose motherduck" at="…"`): the quotes of a
 * value after it, which keep the value's space, stay as typed.
 */
/** Single quotes, straight or curly: none is the grammar's. */
const singleQuote = /['\u2018\u2019]/;

/**
 * The command with the single quotes around its first words left out (`'diagnose duckdb' incident=…`, or the whole
 * command quoted), when it opens with one and a word closes with one; undefined otherwise.
 */
function singleQuotesLeftOut(text: string): string | undefined {
  if (!singleQuote.test(text.charAt(0))) return undefined;
  const closing = /['\u2018\u2019](?=\s|$)/.exec(text.slice(1));
  if (!closing) return undefined;
  const end = closing.index + 1;
  return `${text.slice(1, end)}${text.slice(end + 1)}`.trim();
}

/** " (curly ones, ‘ ’)" when the quotes at the command's start are curly: said, since a phone or Slack typed them unasked. */
function curlyNamed(text: string): string {
  return /[\u2018\u2019]/.test(text.charAt(0)) ? ' (curly ones, \u2018 \u2019, as macOS and Slack type them)' : '';
}

function firstWordUnquoted(text: string): string {
  let inQuotes = false;
  for (let at = 0; at < text.length; at += 1) {
    const char = text[at] as string;
    if (/["\u201c\u201d]/.test(char)) inQuotes = !inQuotes;
    else if (!inQuotes && /\s/.test(char)) return text.slice(0, at).replace(/["\u201c\u201d]/g, '') + text.slice(at);
  }
  return text.replace(/["\u201c\u201d]/g, '');
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** A word of the grammar as typed, with what in it a person cannot see (a zero-width space pasted with it). */
function quoted(text: string): string {
  return `"${clip(text)}"${hidden(text)}`;
}

function hidden(text: string): string {
  const unusual = unusualCharacters(text);
  return unusual ? ` (it contains ${unusual})` : '';
}
