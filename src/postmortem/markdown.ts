// Small Markdown and time helpers for the postmortem: fences that survive any content, table cells, UTC times, durations.
import { plainMentions } from './plain-mentions.js';
import { sqlSegments } from '../engine/steps/sql-segments.js';

/** A fenced code block whose fence is longer than any backtick run inside, indented for a list item. */
export function fence(text: string, indent = '', info = ''): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const marks = '`'.repeat(Math.max(3, longest + 1));
  const body = text.replace(/\s+$/, '').split('\n').map((line) => (line ? `${indent}${line}` : ''));
  return [`${indent}${marks}${info}`, ...body, `${indent}${marks}`].join('\n');
}

/** Inline code that survives backticks in the text. */
export function code(text: string): string {
  const oneLine = text.replace(/\s*\n\s*/g, ' ');
  const longest = Math.max(0, ...[...oneLine.matchAll(/`+/g)].map((m) => m[0].length));
  const marks = '`'.repeat(longest + 1);
  const pad = oneLine.startsWith('`') || oneLine.endsWith('`') ? ' ' : '';
  return `${marks}${pad}${oneLine}${pad}${marks}`;
}

/**
 * A step's SQL or command, to be put on one line (a table cell): a line comment ("-- bound: $1=…") becomes a block
 * comment, or everything after it on the joined line would read as commented out, and not as the SQL that ran. With
 * `sql`, the text is SQL throughout and a comment after a statement is found by the SQL lexer too; otherwise only a
 * line that begins "-- ", as the engine writes its notes and bound values (a command's `--from` is not one).
 */
export function commentsInline(text: string, sql = false): string {
  // Block comments nest in DuckDB: a "/*" left inside one (a bound path /backups/*) would leave it open.
  const block = (comment: string) => `/* ${comment.replace(/^--[ \t]?/, '').replace(/\*\//g, '* /').replace(/\/\*/g, '/ *')} */`;
  if (sql) return sqlSegments(text).map((s) => (s.kind === 'comment' && s.text.startsWith('--') ? block(s.text) : s.text)).join('');
  return text.replace(/^([ \t]*)(-- .*)$/gm, (_line, indent: string, comment: string) => `${indent}${block(comment)}`);
}

/** A table cell: one line, pipes escaped. */
export function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}

/** Plain text that must not turn into Markdown by accident (emphasis, links, HTML). */
export function plain(text: string): string {
  text = plainMentions(text);
  // An underscore inside a word (state_sync.db) is never emphasis, so it is left as it is, readable in the source too.
  return text.replace(/([\\*`[\]<>])/g, '\\$1').replace(/(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, '\\_');
}

/**
 * Text the bot posted in Slack (advice), as Markdown: its `code` spans stay code (the commands to type) and its *bold*
 * (Slack's) is bold; the rest is plain, as `plain` makes it.
 */
export function fromSlackText(text: string): string {
  return text
    .split(/(`[^`\n]+`)/)
    .map((part, i) => (i % 2 === 1 ? code(part.slice(1, -1)) : plain(part).replace(/\\\*([^*\n\\]+)\\\*/g, '**$1**')))
    .join('');
}

export function utcClock(iso: string): string {
  return iso.slice(11, 19);
}

/**
 * "10:02:14" on the UTC day of `reference` (the incident's first day, or the timeline day the line sits under), else
 * "2026-12-08 10:02:14": a multi-day incident's sections never give a time that reads as its first day's.
 */
export function utcClockFrom(iso: string, reference: string): string {
  return utcDay(iso) === utcDay(reference) ? utcClock(iso) : `${utcDay(iso)} ${utcClock(iso)}`;
}

export function utcDay(iso: string): string {
  return iso.slice(0, 10);
}

export function utcStamp(iso: string): string {
  return `${utcDay(iso)} ${utcClock(iso)} UTC`;
}

export { formatDuration } from '../format-duration.js';

export function between(fromIso: string, toIso: string): number {
  return Date.parse(toIso) - Date.parse(fromIso);
}

/** Lines not kept folded, each stretch of them into one "[… N lines omitted …]" line. */
function folded(lines: readonly string[], kept: (line: string, index: number) => boolean): string[] {
  const shown: string[] = [];
  let omitted = 0;
  lines.forEach((line, i) => {
    if (!kept(line, i)) {
      omitted += 1;
      return;
    }
    if (omitted > 0) shown.push(`[… ${omitted} line${omitted === 1 ? '' : 's'} omitted …]`);
    omitted = 0;
    shown.push(line);
  });
  if (omitted > 0) shown.push(`[… ${omitted} line${omitted === 1 ? '' : 's'} omitted …]`);
  return shown;
}

/** Each line cut at 200 characters, and the whole at `maxChars`. */
function clipped(lines: readonly string[], maxChars: number): string {
  const text = lines.map((line) => (line.length > 200 ? `${line.slice(0, 197)}…` : line)).join('\n');
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}

/**
 * As shortExcerpt, but every line naming one of `keep` (a bad day of a per-day table) is kept, with the first two (a
 * table's header) and the last; each stretch between them is one "[… N lines omitted …]" line.
 */
export function excerptKeeping(text: string, keep: readonly string[], maxLines = 12, maxChars = 1_000): string {
  const lines = text.replace(/\s+$/, '').split('\n');
  if (keep.length === 0 || lines.length <= maxLines) return shortExcerpt(text, maxLines, maxChars);
  return clipped(folded(lines, (line, i) => i < 2 || i === lines.length - 1 || keep.some((wanted) => line.includes(wanted))), maxChars);
}

/** The first and last lines of a step's output: enough to recognise it; the log file has the rest. */
export function shortExcerpt(text: string, maxLines = 12, maxChars = 1_000): string {
  const lines = text.replace(/\s+$/, '').split('\n');
  if (lines.length <= maxLines) return clipped(lines, maxChars);
  const head = Math.ceil((maxLines - 1) / 2);
  const tail = maxLines - 1 - head;
  return clipped(folded(lines, (_line, i) => i < head || i >= lines.length - tail), maxChars);
}
