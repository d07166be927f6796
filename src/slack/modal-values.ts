// Reads a submitted modal's text fields into parameter values, and turns a refusal of them into per-field errors.
import { metacharacterProblem, shellMetacharactersIn, valueProblem } from '../commands/parse.js';
import { z } from 'zod';
import { isUserError, UserError } from '../errors.js';

type Values = Record<string, Record<string, { value?: string | null }>>;

/** A submitted view as far as its fields go: Slack's state of them, and the blocks the form drew. */
export interface SubmittedView {
  state?: { values?: Values } | null;
  blocks?: readonly { type?: string; block_id?: string }[];
}

/** A submitted form's values; a submission without them (`view.state: null`) is refused, never a crash. */
export function submittedValues(view: SubmittedView): Values {
  const values = view.state?.values;
  if (!values || typeof values !== 'object') throw new UserError('this form came without the values typed into it; nothing was run: close it and open it again');
  return values;
}

/** The form's fields by block id, for a refusal shown under the first: those submitted, else the input blocks it drew. */
export function formFields(view: SubmittedView): Record<string, unknown> {
  return view.state?.values ?? Object.fromEntries((view.blocks ?? []).filter((block) => block.type === 'input' && block.block_id).map((block) => [block.block_id, {}]));
}

/**
 * Keyed by block id. Empty fields are left out, unless `keepEmpty`: a form prefilled with what the diagnosis found keeps
 * them as "", so a field the operator cleared is not taken as one left for the diagnosis to fill.
 */
export function modalValues(values: Values, { keepEmpty = false } = {}): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [blockId, block] of Object.entries(values)) {
    const value = typeof block.value?.value === 'string' ? block.value.value.trim() : '';
    if (value !== '' || keepEmpty) params[blockId] = value;
  }
  return params;
}

/** A form's fields as they were typed, untrimmed (a field left empty as ""), by block id: for the record. */
export function valuesAsSent(values: Values): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([blockId, block]) => [blockId, typeof block.value?.value === 'string' ? block.value.value : '']));
}

/**
 * Runs the parameter check; a UserError becomes Slack's `errors` map on the field it names (or the first one), so the
 * modal stays open with the problem under that field. Other errors propagate. `fields` are the form's own blocks: an
 * error Slack could show under none of them (a form whose metadata names another path's parameters) goes under the
 * first, as Slack refuses an `errors` map naming a block the form does not have.
 */
export async function fieldErrors(
  values: Record<string, string>,
  check: () => Promise<unknown>,
  names: readonly string[],
  fields: readonly string[],
): Promise<Record<string, string> | undefined> {
  const found = await errorsByName(values, check, names);
  return found && underFormFields(Object.fromEntries(Object.entries(found).map(([field, message]) => [field, valuesAsTyped(message, names)])), fields);
}

/**
 * A refusal worded for a typed command gives the value to type as `at="2026-12-04 03:13:58"`; under a form's field,
 * where what is typed is taken as it is and those quotes would be refused, the value alone: "2026-12-04 03:13:58". A
 * whole command in the message (in backticks) is left as it is, to be typed.
 */
function valuesAsTyped(message: string, names: readonly string[]): string {
  return message
    .split('`')
    .map((part, i) => (i % 2 === 1 ? part : names.reduce((text, name) => text.replace(new RegExp(`(?<![\\w.])${name}="([^"]*)"`, 'g'), '$1'), part)))
    .join('`');
}

function underFormFields(errors: Record<string, string>, fields: readonly string[]): Record<string, string> {
  const first = fields[0];
  if (first === undefined) return errors;
  const placed: Record<string, string> = {};
  for (const [field, message] of Object.entries(errors)) {
    const under = fields.includes(field) ? field : first;
    placed[under] = placed[under] ? `${placed[under]}; ${message}` : message;
  }
  return placed;
}

async function errorsByName(values: Record<string, string>, check: () => Promise<unknown>, names: readonly string[]): Promise<Record<string, string> | undefined> {
  // The same refusals as a typed command: control characters and shell metacharacters.
  for (const [name, value] of Object.entries(values)) {
    const typed = valueProblem(name, value);
    const problem = (typed !== undefined && typed === metacharacterProblem(name, value) ? metacharactersInField(name, value) : typed) ?? wrappedInQuotes(name, value);
    if (problem) return { [name]: problem };
  }
  try {
    await check();
    return undefined;
  } catch (error) {
    if (!isUserError(error)) throw error;
    // A refusal of several values, one per line ("from=… is in the future\nto=… is in the future", or "missing from=…\n
    // missing to=…"): each under its own.
    const lines = error.message.split('\n');
    const fieldOf = (line: string) => names.find((name) => new RegExp(`^(?:missing )?${name}\\b`).test(line));
    if (lines.length > 1 && lines.every((line) => fieldOf(line) !== undefined)) {
      const byField: Record<string, string> = {};
      for (const line of lines) {
        const field = fieldOf(line) as string;
        byField[field] = byField[field] ? `${byField[field]}; ${line}` : line;
      }
      return byField;
    }
    // The field the message starts with ("schedules is empty: …"), else the first it gives a value of ("… (to=2026-12-01
    // at the latest …)"), else the first it names.
    const field = fieldOf(error.message) ?? firstGiven(error.message, names) ?? names.find((name) => error.message.includes(name)) ?? names[0] ?? 'value';
    return { [field]: error.message };
  }
}

/**
 * Shell metacharacters in a field (a backup path with & or $ in it), said as what to do first, within what a field
 * shows; the typed command's words for them after, told whole beside the form, as a field shows only its start.
 */
function metacharactersInField(name: string, value: string): string {
  const found = shellMetacharactersIn(value);
  const one = found.length === 1;
  const which = one ? `${found[0]}, a shell metacharacter` : `${found.slice(0, -1).join(', ')} and ${found.at(-1)}, shell metacharacters`;
  // A path (from the root, the home or here) can be copied or linked to one without them; anything else is retyped.
  const instead = /^(?:\/|~|\.\.?\/)/.test(value) ? `copy or link it under a path without ${one ? 'that character' : 'those characters'}, and give that path` : `type the value without ${one ? 'it' : 'them'}`;
  return `${name} contains ${which} no value may hold: ${instead}. ${metacharacterProblem(name, value)}`;
}

/** The name among `names` whose `name=` comes first in `message`, if any. */
function firstGiven(message: string, names: readonly string[]): string | undefined {
  const at = (name: string) => message.search(new RegExp(`(?<![\\w.])${name}=`));
  return names.filter((name) => at(name) !== -1).sort((a, b) => at(a) - at(b))[0];
}

/**
 * A form's field is one value taken as typed: quotes around it, as a path pasted from a shell comes, would be part of
 * it ("/data/\"/tmp/b.duckdb\" does not exist"), so they are named instead. The curly ones too, which macOS types for
 * straight ones (“…” or ‘…’): a path in them reads as a relative one whose refusal is too long to show.
 */
function wrappedInQuotes(name: string, value: string): string | undefined {
  if (value.length < 2) return undefined;
  const [first, last] = [value[0] as string, value.at(-1) as string];
  const kind = ['"\u201c\u201d', "'\u2018\u2019"].find((quotes) => quotes.includes(first) && quotes.includes(last));
  if (kind === undefined || [...value.slice(1, -1)].some((c) => kind.includes(c))) return undefined;
  const curly = /[\u201c\u201d\u2018\u2019]/.test(first + last) ? `curly quotes (${first} ${last})` : 'quotes';
  return `${name}: remove the ${curly} around the value; a form takes what is typed as it is, quotes included`;
}

/** The modal's private_metadata, as the bot wrote it; anything else is a user error, never a crash. */
export function readMetadata<T>(text: string, schema: z.ZodType<T>): T {
  try {
    return schema.parse(JSON.parse(text || '{}'));
  } catch {
    throw new UserError('this form is not one the bot recognises; nothing was run');
  }
}

/** A refusal shown on the modal's first field, so the person sees why it did not close. */
export function refusal(values: Record<string, unknown>, message: string): Record<string, string> {
  return { [Object.keys(values)[0] ?? 'value']: message.replace(/^:[a-z_]+: /, '') };
}

/** The most of a message a form shows under its field. */
const shownUnderField = 150;

/**
 * The errors as the form shows them: each within what fits under a field, cut at a word with "…". `cut` says whether any
 * was, so the whole reason can be told beside the form (and it is journaled whole either way).
 */
export function shownInForm(errors: Record<string, string>): { errors: Record<string, string>; cut: boolean } {
  let cut = false;
  const shown = Object.fromEntries(
    Object.entries(errors).map(([field, message]) => {
      if (message.length <= shownUnderField) return [field, message];
      cut = true;
      const head = message.slice(0, shownUnderField - 1);
      const atWord = head.lastIndexOf(' ');
      return [field, `${atWord > shownUnderField / 2 ? head.slice(0, atWord) : head}…`];
    }),
  );
  return { errors: shown, cut };
}
