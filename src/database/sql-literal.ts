// The one typed renderer of values that go into SQL as literals (DDL takes no bound parameters): each validated first.
import { UserError } from '../errors.js';
import { timeZoneProblem } from '../time-zone-name.js';

export type LiteralKind = 'timestamp' | 'snapshot-name' | 'snapshot-id' | 'database' | 'time-zone';

export const literalKinds: readonly LiteralKind[] = ['timestamp', 'snapshot-name', 'snapshot-id', 'database', 'time-zone'];

/** "YYYY-MM-DD HH:MM:SS", then six digits of microseconds when they are not all zero (canonicalTimestamp). */
const timestampPattern = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{6}))?$/;
/** C0 and C1 controls, and the bidi controls that make text read differently from what it is. */
const controlCharacters = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
/**
 * Characters that print as nothing and spell nothing (a zero-width space pasted from a chat, a word joiner, a soft
 * hyphen, a BOM). Not the other format characters, which real names use: the joiners of Persian and Indic spelling and
 * of emoji (👩‍💻), a subdivision flag's tags.
 */
const invisibleCharacter = /[\u00ad\u180e\u200b\u2060-\u2064\ufeff]/u;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * "YYYY-MM-DD HH:MM:SS" read as UTC, with a fraction as canonicalTimestamp writes it (six digits, never all zeros), or
 * undefined when it is not exactly that or not a real moment. The Date keeps the milliseconds; the text keeps the rest.
 */
export function parseUtcTimestamp(text: string): Date | undefined {
  const match = timestampPattern.exec(text);
  if (!match) return undefined;
  const fraction = match[7];
  if (fraction !== undefined && Number(fraction) === 0) return undefined;
  const date = new Date(`${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}.${(fraction ?? '000').slice(0, 3)}Z`);
  if (Number.isNaN(date.getTime())) return undefined;
  // A rollover (2026-02-30 → March 2) means the text named no real moment.
  return date.toISOString().slice(0, 19).replace('T', ' ') === text.slice(0, 19) ? date : undefined;
}

/**
 * A moment as typed ("…T12:00", "… 12:00:00.5") written the one way parseUtcTimestamp and MotherDuck's snapshot times
 * (snapshot-times.ts) compare as text: seconds always, a fraction padded to six digits and left out when it is zero.
 */
export function canonicalTimestamp(date: string, minutes: string, seconds = '00', fraction = ''): string {
  const padded = fraction.padEnd(6, '0');
  return `${date} ${minutes}:${seconds}${Number(padded) > 0 ? `.${padded}` : ''}`;
}

export function formatUtcTimestamp(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** A string literal: single quotes doubled; DuckDB reads backslashes in '…' as themselves. */
function stringLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function refuseControls(what: string, text: string): void {
  if (controlCharacters.test(text)) throw new UserError(`${what} ${JSON.stringify(text)} contains a control character`);
  // Shown as typed, such a name looks like the real one and matches nothing: where the character is, and which it is.
  const invisible = invisibleCharacter.exec(text);
  if (invisible) {
    const code = `U+${(invisible[0].codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}`;
    throw new UserError(`${what} ${JSON.stringify(text)} contains an invisible character (${code}) after ${JSON.stringify(text.slice(0, invisible.index))}: pasted by accident? Type the name again`);
  }
}

/** A past moment in UTC, as SNAPSHOT_TIME takes it: '2026-04-20 12:00:00', or '2026-04-20 12:00:00.250000'. */
export function timestampLiteral(text: string, now: Date): string {
  const date = parseUtcTimestamp(text);
  if (!date) throw new UserError(`${JSON.stringify(text)} is not a UTC timestamp: use "YYYY-MM-DD HH:MM:SS" (a fraction of up to six digits may follow), e.g. "2026-04-20 12:00:00"`);
  if (date.getTime() > now.getTime()) {
    throw new UserError(`${text} is in the future (it is ${formatUtcTimestamp(now)} UTC now): no snapshot can be from then`);
  }
  return stringLiteral(text);
}

/** A snapshot name as MotherDuck's examples write it, a string: 1–255 characters, quotes doubled. */
export function snapshotNameLiteral(text: string): string {
  if (text.length < 1 || text.length > 255) throw new UserError(`a snapshot name has 1 to 255 characters; ${JSON.stringify(text.slice(0, 40))} has ${text.length}`);
  refuseControls('the snapshot name', text);
  return stringLiteral(text);
}

export function snapshotIdLiteral(text: string): string {
  if (!uuidPattern.test(text)) throw new UserError(`${JSON.stringify(text)} is not a snapshot id (a UUID such as 0b3f…-…)`);
  return stringLiteral(text.toLowerCase());
}

/** A database name as a quoted identifier ("databox"), so names with digits first, dots or quotes still mean themselves. */
export function databaseIdentifier(text: string): string {
  if (text.length < 1 || text.length > 255) throw new UserError(`a database name has 1 to 255 characters; ${JSON.stringify(text.slice(0, 40))} has ${text.length}`);
  if (text.trim() !== text) throw new UserError(`the database name ${JSON.stringify(text)} starts or ends with a space`);
  refuseControls('the database name', text);
  return `"${text.replace(/"/g, '""')}"`;
}

/**
 * A database name as DuckDB compares it: ASCII letters folded to lower case ("Databox" names databox), nothing else.
 * md_information_schema keeps names as they were created, so a name is looked up there folded on both sides.
 */
export function foldDatabaseName(text: string): string {
  return text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

/**
 * SQL folding a name column as foldDatabaseName does. Not lower(): it also folds 'Ä' and the Kelvin sign K, so it
 * would match, and path C drop, a database that DuckDB keeps apart from the one named.
 */
export function foldedNameSql(column: string): string {
  return `translate(${column}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')`;
}

/** A database name as a folded string value ('databox'), to compare with foldedNameSql(column); validated like an identifier. */
export function databaseNameLiteral(text: string): string {
  databaseIdentifier(text);
  return stringLiteral(foldDatabaseName(text));
}

/** An IANA time zone as source_day's zone takes it ('America/New_York'): any other name would pick wrong days, or fail when run. */
export function timeZoneLiteral(text: string): string {
  const problem = timeZoneProblem(text);
  if (problem) throw new UserError(`the time zone ${JSON.stringify(text)} ${problem}`);
  return stringLiteral(text);
}

export function renderLiteral(kind: LiteralKind, text: string, now: Date): string {
  switch (kind) {
    case 'timestamp':
      return timestampLiteral(text, now);
    case 'snapshot-name':
      return snapshotNameLiteral(text);
    case 'snapshot-id':
      return snapshotIdLiteral(text);
    case 'database':
      return databaseIdentifier(text);
    case 'time-zone':
      return timeZoneLiteral(text);
  }
}

/** Whether `at` is still restorable: no older than the retention (in days) before now. */
export function withinRetention(at: Date, retentionDays: number, now: Date): boolean {
  return at.getTime() >= now.getTime() - retentionDays * 86_400_000;
}

/** A name the bot makes from its parts (database, incident, purpose): letters, digits and _ only, so it needs no quoting to read. */
export function botObjectName(...parts: string[]): string {
  return parts
    .map((part) => part.replace(/[^A-Za-z0-9_]+/g, '_'))
    .join('_')
    .replace(/_+/g, '_')
    .slice(0, 255);
}

/**
 * The start of the name of every named snapshot the bot takes of `database` for an incident (resolve.ts adds the step and
 * the time): how a cleanup finds them again, and only them.
 */
export function botSnapshotPrefix(database: string, incidentId: string): string {
  return botObjectName(database, 'bot', incidentId, '');
}
