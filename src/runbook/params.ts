// Validates operator-supplied parameters against a runbook's typed declarations before anything runs.
import fs from 'node:fs';
import path from 'node:path';
import { valueProblem } from '../commands/parse.js';
import { describeCharacter, unusualCharacters } from '../commands/unusual-characters.js';
import { UserError } from '../errors.js';
import { orList } from '../or-list.js';
import { didYouMean } from './did-you-mean.js';
import { canonicalTimestamp, formatUtcTimestamp, parseUtcTimestamp, snapshotNameLiteral } from '../database/sql-literal.js';
import { sniffFileFormat } from '../duckdb/file-format.js';
import { otherLockHolders } from '../duckdb/lock-holders.js';
import { notALog, walBeside, walHasDuckdbHeader } from '../duckdb/wal.js';
import { sameFile } from '../disk/file-identity.js';
import type { Parameter, Runbook } from './schema.js';
import { isPlainIdentifier, type EnumValue } from './template.js';
import { dayBefore } from '../engine/steps/iso-days.js';
import { lastDayEndedEverywhere, zonedDay } from '../dagster/zoned-days.js';
import { parameterToday, utcToday, type ParameterToday } from './parameter-today.js';

export type ParameterValues = Record<string, string | number | EnumValue>;

export interface ParameterContext {
  root: string;
  now: Date;
  /** False when re-reading values checked earlier (a rollback re-reads its recovery's): paths are not looked at again. */
  checkFiles?: boolean;
  /** The database file, which a path parameter marked notTheDatabase may not name. */
  databasePath?: string;
  /** The step outputs of the incident's diagnosis, by step id: where a date parameter's endedDaysIn reads its timezones. */
  diagnosis?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Today for the date parameter being read (its source's, where its todayIn names a zone); UTC's without. */
  today?: ParameterToday;
}

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;
/**
 * What an operator may type for a timestamp: a T or a space, seconds optional, then a fraction of up to six digits (the
 * microseconds a snapshot's time is shown with); read as "YYYY-MM-DD HH:MM:SS[.ffffff]".
 */
const typedTimestamp = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?$/;

/**
 * A timestamp typed with a time zone after it (2026-12-01T08:03:47Z, … +02:00): the moment without it, the zone as
 * typed, its offset, and the same moment in UTC as the bot takes it; undefined when there is no zone or no timestamp.
 */
function zonedTimestamp(raw: string): { local: string; zone: string; offsetMinutes: number; utc?: string } | undefined {
  const zoned = /^(.*?\d)\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)$/i.exec(raw);
  const match = zoned && typedTimestamp.exec(zoned[1] as string);
  if (!zoned || !match) return undefined;
  const zone = zoned[2] as string;
  const [, sign, hours, minutes] = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone) ?? [];
  // Real offsets run from -12:00 to +14:00 in whole minutes: anything else is no zone, and no moment is made of it.
  if (sign && (Number(hours) > 14 || Number(minutes ?? 0) > 59)) return undefined;
  const offsetMinutes = sign ? (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes ?? 0)) : 0;
  const text = canonicalTimestamp(match[1] as string, match[2] as string, match[3], match[4]);
  const moment = text && parseUtcTimestamp(text);
  // An offset is whole minutes: the seconds and their fraction stay as typed (two snapshots may share a second).
  const shifted = moment ? formatUtcTimestamp(new Date(moment.getTime() - offsetMinutes * 60_000)) : undefined;
  const utc = shifted && canonicalTimestamp(shifted.slice(0, 10), shifted.slice(11, 16), match[3] ?? '00', match[4]);
  return { local: zoned[1] as string, zone, offsetMinutes, utc };
}

/** The timezones a diagnosis output lists (endedDaysIn: "<step>.<output>", comma-separated names); none without one. */
function endedDaysZones(reference: string | undefined, diagnosis: ParameterContext['diagnosis']): string[] {
  if (!reference || !diagnosis) return [];
  const [step = '', output = ''] = reference.split('.');
  return String(diagnosis[step]?.[output] ?? '').split(',').map((z) => z.trim()).filter((z) => z !== '');
}

export function isCalendarDate(text: string): boolean {
  const match = datePattern.exec(text);
  if (!match) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

export function describeParameter(name: string, p: Parameter): string {
  const shape =
    p.type === 'enum'
      ? Object.keys(p.values).join('|')
      : p.type === 'date'
        ? 'YYYY-MM-DD'
        : p.type === 'timestamp'
          ? '"YYYY-MM-DD HH:MM:SS"'
          : p.type === 'path'
            ? '<path>'
            : p.type === 'names'
              ? '<name,name…>'
              : p.type === 'snapshot-name'
                ? '"<snapshot name>"'
                : `<${p.type}>`;
  return p.required && p.default === undefined ? `${name}=${shape}` : `[${name}=${shape}]`;
}

/** " (2026-02-30 is no day of the calendar)" when a value has a date's shape but names a day there is not. */
function noSuchDay(text: string): string {
  const day = /^\d{4}-\d{2}-\d{2}/.exec(text)?.[0];
  return day && !isCalendarDate(day) ? ` (${day} is no day of the calendar)` : '';
}

function validateOne(name: string, p: Parameter, given: string, ctx: ParameterContext): string | number | EnumValue {
  // A date or a moment pasted with spaces around it (from a form, a chat message) is that date or moment.
  const raw = p.type === 'date' || p.type === 'timestamp' ? given.trim() : given;
  switch (p.type) {
    case 'date':
      if (!isCalendarDate(raw)) throw new UserError(`${name}=${raw} is not a date${noSuchDay(raw)}: use YYYY-MM-DD, e.g. ${name}=2026-04-18`);
      const today = ctx.today ?? utcToday(ctx.now);
      if (p.notFuture && raw > today.day) throw new UserError(`${name}=${raw} is in the future (today is ${today.day} ${today.where})`);
      if (p.endedDaysOnly) {
        const last = lastDayEndedEverywhere(endedDaysZones(p.endedDaysIn, ctx.diagnosis), ctx.now);
        if (raw > last.day && last.timeZone === 'UTC') {
          const today = ctx.now.toISOString().slice(0, 10);
          throw new UserError(`${name}=${raw} is not over yet (today is ${today} UTC): the last day that can be given is yesterday, ${dayBefore(today)}; ${p.endedDaysOnly}`);
        }
        if (raw > last.day) {
          throw new UserError(
            `${name}=${raw} is not over yet in ${last.timeZone}, where a schedule the diagnosis found runs (today is ${zonedDay(ctx.now.getTime(), last.timeZone)} there): the last day that can be given is yesterday there, ${last.day}, the last day over in every timezone the schedules run in; ${p.endedDaysOnly}`,
          );
        }
      }
      return raw;
    case 'timestamp': {
      const zoned = zonedTimestamp(raw);
      if (zoned?.offsetMinutes !== 0 && zoned?.utc) {
        // Said now, not after it is typed back: a zone misread (-05:00 for +05:00) can make the moment one still to come.
        const converted = parseUtcTimestamp(zoned.utc);
        const future = p.notFuture && converted && converted.getTime() > ctx.now.getTime() ? `, which is in the future (it is ${formatUtcTimestamp(ctx.now)} UTC now): check the zone, or give an earlier moment` : '';
        throw new UserError(`${name}=${raw} carries a time zone (${zoned.zone}): moments are given in UTC, without one; in UTC that is ${name}="${zoned.utc}"${future}`);
      }
      // A zone that is UTC itself (Z, UTC, +00:00) says what the bot assumes anyway.
      const match = typedTimestamp.exec(zoned?.local ?? raw);
      const text = match ? canonicalTimestamp(match[1] as string, match[2] as string, match[3], match[4]) : undefined;
      const moment = text && parseUtcTimestamp(text);
      if (!text || !moment) {
        // A day alone, or a named zone (CEST, EST) the bot cannot convert: said, with what to type.
        const day = /^\d{4}-\d{2}-\d{2}$/.test(raw) && isCalendarDate(raw) ? `; for the start of that day in UTC: ${name}="${raw} 00:00:00"` : '';
        const zone = /\d\s*([A-Za-z]{2,5}|[A-Za-z]+(?:\/[A-Za-z0-9_+-]+)+)$/.exec(raw)?.[1];
        const named = !zone
          ? ''
          : /^[ap]m$/i.test(zone)
            ? '; the bot takes a 24-hour clock (15:00:00, not 3pm)'
            : /^(gmt|utc)$/i.test(zone)
              ? `; ${zone} is UTC: write the moment without it`
              : `; ${zone} is a zone name the bot cannot convert: give the moment in UTC`;
        const meant = meantMoment(name, raw, ctx.now);
        // Words ("2 hours ago", "yesterday 23:00") or a zone it cannot convert: the time now, written as it takes it, to count from.
        const unconverted = Boolean(named) && !/^[ap]m$|^(gmt|utc)$/i.test(zone ?? '');
        const nowSaid = !meant && (unconverted || !/^\d{4}-\d{2}-\d{2}/.test(raw)) ? `; it is "${formatUtcTimestamp(ctx.now)}" UTC now, to count from` : '';
        throw new UserError(`${name}=${raw} is not a timestamp${noSuchDay(raw)}: use "YYYY-MM-DD HH:MM:SS" (UTC; a fraction of up to six digits may follow the seconds)${day}${named}${meant}${nowSaid}`);
      }
      if (p.notFuture && moment.getTime() > ctx.now.getTime()) throw new UserError(`${name}="${text}" is in the future (it is ${formatUtcTimestamp(ctx.now)} UTC now)`);
      return text;
    }
    case 'token':
      // A token may not start with "-": handed to a tool as an argument, it would read as an option.
      if (!/^[A-Za-z0-9_.:][A-Za-z0-9_.:-]{0,127}$/.test(raw)) throw new UserError(`${name}=${raw} is not a plain token (letters, digits and _ . : - only, not starting with -)`);
      return raw;
    case 'names':
      return validateNames(name, raw);
    case 'snapshot-name':
      // The literal renderer's own rules (1–255 characters, no control characters): what it accepts, MotherDuck can name.
      try {
        snapshotNameLiteral(raw);
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        throw new UserError(`${name}: ${error.message}`);
      }
      return raw;
    case 'identifier':
      if (!isPlainIdentifier(raw)) throw new UserError(`${name}=${raw} is not a plain identifier (letters, digits and _, starting with a letter or _)`);
      return raw;
    case 'integer': {
      if (!/^-?\d{1,15}$/.test(raw)) throw new UserError(`${name}=${raw} is not a whole number`);
      const value = Number(raw);
      if (p.min !== undefined && value < p.min) throw new UserError(`${name}=${raw} is below the minimum ${p.min}`);
      if (p.max !== undefined && value > p.max) throw new UserError(`${name}=${raw} is above the maximum ${p.max}`);
      return value;
    }
    case 'enum': {
      // Own keys only: "constructor" or "toString" are not values of any enum.
      const attributes = Object.hasOwn(p.values, raw) ? p.values[raw] : undefined;
      if (!attributes) {
        // A value that reads as one of them in Slack but is not (a zero-width space, a Cyrillic letter) says why.
        const unusual = unusualCharacters(raw);
        // A value in another case (EBIRD from a phone), or one letter off, is named as the one meant; never taken for it.
        const meant = unusual ? '' : didYouMean(raw, Object.keys(p.values)).replace(/"([^"]*)"/, `${name}=$1`);
        throw new UserError(`${name}=${raw} is not one of: ${Object.keys(p.values).join(', ')}${unusual ? ` (it holds ${unusual}: retype it)` : meant}`);
      }
      return { ...attributes, _value: raw };
    }
    case 'path':
      if (p.notTheDatabase && ctx.databasePath && isTheDatabase(path.resolve(ctx.root, raw), ctx.databasePath)) {
        throw new UserError(`${name}=${raw} is the database file itself (${ctx.databasePath}); give a copy kept elsewhere`);
      }
      return validatePath(name, p.mustBe, raw, ctx, p.description, p.notTheDatabase ? ctx.databasePath : undefined);
  }
}

/**
 * What is wrong with a parameter's declared default, checked when the runbook loads: a default the type refuses would
 * reach the operator as their own mistake ("to=yesterday is not a date") though they typed nothing. Files are not
 * looked at and "not in the future" is left to the command, which knows the day.
 */
export function defaultProblem(name: string, p: Parameter): string | undefined {
  if (p.type === 'integer' && p.min !== undefined && p.max !== undefined && p.min > p.max) return `min ${p.min} is above max ${p.max}: no value would do`;
  if (p.default === undefined) return undefined;
  try {
    // "Not in the future" and "ended" are the command's to judge, on the day it runs: left out here.
    const shapeOnly = 'notFuture' in p ? ({ ...p, notFuture: false, endedDaysOnly: undefined } as Parameter) : p;
    validateOne(name, shapeOnly, p.default, { root: '/', now: new Date(), checkFiles: false });
    return undefined;
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return `its default does not do: ${error.message}`;
  }
}

/**
 * What is wrong with a value a verdict suggests for a parameter (its `suggest`, rendered from what the diagnosis found),
 * as its type reads it: a suggestion that is not a date for a date parameter would only be refused once typed or clicked.
 */
export function suggestionProblem(name: string, p: Parameter, value: string, now: Date): string | undefined {
  try {
    validateOne(name, p, value, { root: '/', now, checkFiles: false });
    return undefined;
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return error.message;
  }
}

/**
 * The names a text lists, separated by commas or spaces, each once and in order, and those of them that are no name
 * (letters, digits and _ only): the one reading of a names parameter, and of whatever a template renders for one.
 */
export function readNames(text: string): { names: string[]; bad: string[] } {
  const names = [...new Set(text.split(/[\s,]+/).filter((n) => n !== ''))];
  return { names, bad: names.filter((n) => !/^[A-Za-z0-9_]{1,128}$/.test(n)) };
}

/** The most names a names parameter takes: one plan's worth (a diagnosis that finds more suggests the first this many). */
export const maxNames = 100;

/** A list of names, normalised to "a,b": the form a typed command line and the plan both show. */
function validateNames(name: string, raw: string): string {
  // Control characters and shell metacharacters are refused as for a path: separators are commas and spaces only.
  const problem = valueProblem(name, raw);
  if (problem) throw new UserError(problem);
  const { names, bad } = readNames(raw);
  if (names.length === 0) throw new UserError(`${name}= names nothing: give one or more names separated by commas, e.g. ${name}=all_pipelines_daily`);
  if (bad.length > 0) throw new UserError(`${name}: ${bad.map((n) => `"${n}"`).join(', ')} ${bad.length === 1 ? 'is not a name' : 'are not names'} (letters, digits and _ only, separated by commas)`);
  if (names.length > maxNames) throw new UserError(`${name} names ${names.length} items: at most ${maxNames} per plan (name the first ${maxNames}, and once that plan has run, propose another for the rest)`);
  return names.join(',');
}

/**
 * Whether a path names the database file: the same path once links and `..` are followed (so also when neither is there
 * yet), or the same file under another name (a hard link, which a restore would copy back over itself).
 */
function isTheDatabase(given: string, database: string): boolean {
  const real = (p: string) => {
    try {
      return fs.realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  return real(given) === real(database) || sameFile(given, database);
}

/**
 * A path copied with the full stop or comma of the sentence it stood in (`/backups/databox.duckdb.`): said, with the
 * path without it when that one exists; '' for a path that does not end so.
 */
function strayEnding(name: string, raw: string, root: string): string {
  const ending = /[.,]+$/.exec(raw)?.[0];
  // `.`, `..` and `dir/..` end in periods that are the path's own.
  if (!ending || /(^|\/)\.+$/.test(raw)) return '';
  const what = ending === '.' ? 'a period' : ending === ',' ? 'a comma' : `"${ending}"`;
  const without = raw.slice(0, -ending.length);
  if (fs.existsSync(path.resolve(root, without))) return `; it ends with ${what}, as if copied with the end of a sentence: ${name}=${without} exists`;
  return `; it ends with ${what}: check that is part of the name`;
}

/**
 * What to give instead of a path that names nothing: the runbook's own words for the parameter (where its files usually
 * are: "such as /backups/databox.duckdb"), and that the path is read on the bot's host, in full.
 */
const whatToGive = (name: string, description: string, copyOf: string | undefined) =>
  // A copy's words name the database file as it is here, whatever the runbook's example calls it.
  `. ${name}= is ${description}${copyOf ? `; the database file here is ${copyOf}` : ''}: give ${copyOf ? `the ${name}'s` : 'its'} full path, as it is on the bot's host`;

/** copyOf: the database file a copy of it is given for (a parameter marked notTheDatabase), said when the path names nothing. */
function validatePath(name: string, mustBe: string, raw: string, ctx: ParameterContext, description: string, copyOf?: string): string {
  if (raw.includes('\0')) throw new UserError(`${name}: a path cannot contain a NUL byte`);
  // Checked here too, not only by the command parser: paths also come from modals and runbook defaults.
  const problem = valueProblem(name, raw);
  if (problem) throw new UserError(problem);
  // `~/backups/x.duckdb` from a shell's habit: no shell reads the value, so it would name a folder "~" under the root.
  // `backup=" /backups/x.duckdb"`: a space typed inside the quotes would name a folder " " under the root, or a file
  // whose name ends in one; no operator means either.
  if (raw !== raw.trim()) throw new UserError(`${name}="${raw}" ${/^\s/.test(raw) ? 'starts' : 'ends'} with a space, which would be part of the path: give it without, ${name}="${raw.trim()}"`);
  if (/^~([^/]*\/|$)/.test(raw)) throw new UserError(`${name}=${raw} starts with ~, which is not expanded here (no shell reads the value): give the full path, or one from ${ctx.root}`);
  const resolved = path.resolve(ctx.root, raw);
  if (ctx.checkFiles === false) return resolved;
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(resolved);
  } catch {
    stat = undefined;
  }
  if (mustBe === 'absent') {
    if (stat) throw new UserError(`${name}=${raw}: ${resolved} already exists`);
    return resolved;
  }
  if (mustBe === 'any') return resolved;
  if (!stat) throw new UserError(`${name}=${raw}: ${resolved} ${danglingSaid(resolved) ?? `does not exist${strayEnding(name, raw, ctx.root) || whatToGive(name, description, copyOf)}`}`);
  if (mustBe === 'directory') {
    if (!stat.isDirectory()) throw new UserError(`${name}=${raw}: ${resolved} is not a directory`);
    return resolved;
  }
  if (!stat.isFile()) throw new UserError(`${name}=${raw}: ${resolved} is ${stat.isDirectory() ? 'a directory' : 'not a regular file'}, expected a file`);
  // Only the header is read here, which takes no time inside Slack's 3-second ack window: whether the file opens is
  // checked once, by the path's guard (a duckdb-open step), when the plan is proposed and again before it runs.
  if (mustBe === 'duckdb-file') {
    // The kernel's own files (/proc/self/environ holds the bot's environment, its tokens) are no backup, whatever they hold.
    const kernels = kernelFilesystem(resolved);
    if (kernels) throw new UserError(`${name}=${raw}: ${resolved} is under ${kernels}, where the kernel shows processes and devices, not where a backup is kept: give a DuckDB file`);
    const format = readableFormat(resolved);
    if (typeof format === 'string') throw new UserError(`${name}=${raw}: ${resolved} cannot be read: ${format}`);
    if (!format.duckdb) {
      // Its first bytes are not shown: anyone who may type a path could read the start of any file the bot can.
      const evidence = format.looksLike === 'an unknown format' ? 'no "DUCK" magic at byte 8' : format.evidence;
      throw new UserError(`${name}=${raw}: ${resolved} does not open read-only as a DuckDB database: it is not a DuckDB database file: it looks like ${format.looksLike} (${evidence})`);
    }
    if (format.damagedMainHeader) throw new UserError(`${name}=${raw}: ${resolved} is a damaged DuckDB database file: ${format.damagedMainHeader}`);
    // DuckDB replays a write-ahead log when it opens a file, even read-only, so the file passes every read check; a copy
    // of the file alone would drop what is only in the log.
    const wal = walBeside(resolved);
    // A checkpoint needs the file's lock, which the writer holds: what to do is about that process.
    const writer = wal ? otherLockHolders(resolved).find((holder) => holder.access === 'write') : undefined;
    if (wal && writer) {
      throw new UserError(
        `${name}=${raw}: ${resolved} is held open for writing by PID ${writer.pid || 'unknown'}${writer.command ? ` (${writer.command.replace(/\s+/g, ' ')})` : ''}, and a write-ahead log beside it holds changes a copy of the file alone would lose (${wal.file}, ${wal.bytes} bytes): let that process finish or stop it (DuckDB checkpoints the log into the file as it closes), then give it again, or give a copy without a log`,
      );
    }
    // Not a log (random bytes, another file under its name): DuckDB reads nothing from it, so it holds no changes to lose,
    // but what it is is for the operator to find out before a restore leaves it behind.
    if (wal && !walHasDuckdbHeader(wal.file)) {
      throw new UserError(
        `${name}=${raw}: a file is at its write-ahead log's path, ${wal.file} (${wal.bytes} bytes), that does not begin as a DuckDB write-ahead log does${notALog(wal.file).said}, so DuckDB reads nothing from it and the backup reads as of its last checkpoint, without whatever that file was meant to hold: find out what it is and move it away from the backup, or give a copy without one`,
      );
    }
    if (wal) {
      throw new UserError(
        `${name}=${raw}: a write-ahead log beside it holds its latest changes, which a copy of the file alone would lose: checkpoint it first (open it read-write with DuckDB and run CHECKPOINT), or give a copy without one (${wal.file}, ${wal.bytes} bytes)`,
      );
    }
  }
  return resolved;
}

/** "is a symbolic link to X, which does not exist" for a link to nothing at `file`; undefined for anything else. */
function danglingSaid(file: string): string | undefined {
  try {
    return fs.lstatSync(file).isSymbolicLink() ? `is a symbolic link to ${path.resolve(path.dirname(file), fs.readlinkSync(file))}, which does not exist` : undefined;
  } catch {
    return undefined;
  }
}

/** /proc, /sys or /dev when `file` (its links followed) is under one of them. */
function kernelFilesystem(file: string): string | undefined {
  let real = file;
  try {
    real = fs.realpathSync(file);
  } catch {
    // Looked at as given.
  }
  return ['/proc', '/sys', '/dev'].find((top) => real === top || real.startsWith(`${top}/`) || file.startsWith(`${top}/`));
}

/** " (from= is for recover schedule path=a or path=b)": where a parameter typed in the wrong command belongs, if anywhere. */
function takenElsewhere(rb: Runbook, key: string): string {
  const paths = rb.recovery.filter((p) => p.parameters.includes(key)).map((p) => `path=${p.id}`);
  const commands = [
    ...(rb.diagnosis.parameters.includes(key) ? [`diagnose ${rb.id}`] : []),
    ...(paths.length > 0 ? [`recover ${rb.id} ${orList(paths)}`] : []),
    ...(rb.validation.parameters.includes(key) ? [`validate ${rb.id}`] : []),
  ];
  return commands.length > 0 ? ` (${key}= is for ${commands.join(' and ')})` : '';
}

/**
 * Validates `raw` against the parameters `allowed` for one command of a runbook.
 * Every problem is reported at once, so the operator fixes the command in one go.
 */
export async function validateParameters(
  rb: Runbook,
  allowed: readonly string[],
  raw: Record<string, string>,
  ctx: ParameterContext,
  /** Parameters this command needs even where the runbook declares them optional. */
  requires: readonly string[] = [],
  /**
   * Every parameter the command takes, as its refusal lists them: a typed command's own too (its incident=, a
   * recovery's path=), which were taken out of `raw` before it came here.
   */
  takes: readonly string[] = allowed,
): Promise<ParameterValues> {
  const problems: string[] = [];
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key)) {
      const listed = takes.length === 0 ? 'this command takes no parameters' : `this command takes ${takes.join(', ')}`;
      problems.push(`unknown parameter "${key}"${didYouMean(key, takes)}: ${listed}${takenElsewhere(rb, key)}`);
    }
  }
  const values: ParameterValues = {};
  for (const name of allowed) {
    const declared = rb.parameters[name];
    if (!declared) continue;
    // Given empty (a form's field cleared, `name=`) is left out: the runbook's default, if any, applies.
    const text = raw[name] === undefined || raw[name] === '' ? declared.default : raw[name];
    // The "…" of a command the bot showed to copy (a verdict's "Or type …"), typed as it was: named as such, or it would
    // be read as a file called "…".
    if (text?.trim() === '…' || text?.trim() === '...') {
      problems.push(`${name}=${text.trim()} is the placeholder of the command shown: put ${declared.description} in its place`);
      continue;
    }
    if (text === undefined || text === '') {
      if (declared.required || requires.includes(name)) problems.push(`missing ${describeParameter(name, { ...declared, required: true })}: ${declared.description}`);
      continue;
    }
    try {
      values[name] = await validateOne(name, declared, text, { ...ctx, today: parameterToday(rb, declared, raw, ctx.now) });
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      problems.push(withHiddenCharacters(name, text, error.message));
    }
  }
  if (problems.length === 0) problems.push(...windowProblems(rb, allowed, values), ...exclusiveProblems(rb, values));
  if (problems.length > 0) throw new UserError(problems.join('\n'));
  return values;
}

/**
 * A refusal of `value` that also names what in it a person cannot see or tell apart (a non-breaking or zero-width space
 * in a path that otherwise reads as the one `ls` shows), right after the value it quotes so a form's field shows it;
 * unless the refusal names those characters itself (a control character, an enum's own note).
 */
function withHiddenCharacters(name: string, value: string, message: string): string {
  const unnamed = [...value].some((c) => !/^[\x20-\x7e]$/.test(c) && !/\p{Cc}/u.test(c) && !message.includes(describeCharacter(c)));
  const unusual = unnamed ? unusualCharacters(value) : undefined;
  if (!unusual) return message;
  const note = ` (it holds ${unusual})`;
  const quoted = [`${name}=${value}`, `${name}=${value.trim()}`].find((start) => message.startsWith(start));
  return quoted ? `${quoted}${note}${message.slice(quoted.length)}` : `${message}${note}`;
}

/** A window must be given whole, run forwards, and not be longer than the runbook allows. */
function windowProblems(rb: Runbook, allowed: readonly string[], values: ParameterValues): string[] {
  const problems: string[] = [];
  for (const window of rb.windows) {
    if (!allowed.includes(window.from) && !allowed.includes(window.to)) continue;
    const from = values[window.from];
    const to = values[window.to];
    if (from === undefined && to === undefined) continue;
    if (from === undefined || to === undefined) {
      problems.push(`give both ${window.from}= and ${window.to}=, or neither`);
      continue;
    }
    const days = Math.round((Date.parse(`${String(to)}T00:00:00Z`) - Date.parse(`${String(from)}T00:00:00Z`)) / 86_400_000) + 1;
    if (days < 1) problems.push(`${window.from}=${String(from)} is after ${window.to}=${String(to)}`);
    // Said of to= (its last day allowed), so a form shows it under that field rather than the form's first.
    else if (days > window.maxDays) {
      const lastDay = new Date(Date.parse(`${String(from)}T00:00:00Z`) + (window.maxDays - 1) * 86_400_000).toISOString().slice(0, 10);
      problems.push(`the window ${String(from)} … ${String(to)} is ${days} days long; at most ${window.maxDays} days at a time (${window.to}=${lastDay} at the latest for ${window.from}=${String(from)})`);
    }
  }
  return problems;
}

/** At most one parameter of each exclusive group given: "give at= or snapshot=, not both". */
function exclusiveProblems(rb: Runbook, values: ParameterValues): string[] {
  return rb.exclusive.flatMap((group) => {
    const given = group.filter((name) => values[name] !== undefined);
    if (given.length < 2) return [];
    return [`give one of ${group.map((name) => `${name}=`).join(' or ')}, not ${given.length === 2 ? 'both' : given.length}: ${given.join(' and ')} ask for different things`];
  });
}

/** Turns validated values back into the text an operator typed, for the journal and for re-validation on restart. */
export function rawParameters(values: ParameterValues): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [name, typeof value === 'object' ? value._value : String(value)]),
  );
}

/**
 * The moment a 3 a.m. typing most likely meant, written as the bot takes it: an hour of one digit ("2026-12-02 2:00"),
 * or a time alone (02:00, taken as today's in UTC); empty when it is neither.
 */
function meantMoment(name: string, raw: string, now: Date): string {
  const time = (hour: string, minute: string, second = '00') => `${hour.padStart(2, '0')}:${minute}:${second}`;
  const oneDigitHour = /^(\d{4}-\d{2}-\d{2})[ T](\d):([0-5]\d)(?::([0-5]\d))?$/.exec(raw);
  if (oneDigitHour) return `; with the hour in two digits: ${name}="${oneDigitHour[1]} ${time(oneDigitHour[2] as string, oneDigitHour[3] as string, oneDigitHour[4])}"`;
  const alone = /^([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$/.exec(raw);
  if (alone) return `; a time alone needs its day: today's in UTC is ${name}="${now.toISOString().slice(0, 10)} ${time(alone[1] as string, alone[2] as string, alone[3])}"`;
  return '';
}

/** The file's format from its first bytes, or why it could not be read (permissions, say). */
function readableFormat(filePath: string): ReturnType<typeof sniffFileFormat> | string {
  try {
    return sniffFileFormat(filePath);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  }
}
