// Words for zod's issues about a runbook's shape: an unknown step kind or key is named, with the closest one that exists.
import { z } from 'zod';
import { didYouMean } from './did-you-mean.js';

/** What a discriminator names, in messages: a step's `kind`, a parameter's `type`. */
const discriminatorNouns: Record<string, string> = { kind: 'step kind', type: 'parameter type' };

/**
 * The closest option to a mistyped one: the same but for case or _ for - ("Disk-Usage", "duckdb_scan"), a typo, or the
 * one option of which the word is a part ("disk" for "disk-usage").
 */
function closestOption(value: string, options: readonly string[]): string {
  const normal = value.toLowerCase().replace(/[_\s]+/g, '-');
  const same = options.find((option) => option === normal);
  if (same !== undefined) return ` (did you mean "${same}"?)`;
  const typo = didYouMean(normal, options);
  if (typo) return typo;
  const containing = options.filter((option) => option.split('-').includes(normal));
  return containing.length > 0 ? ` (did you mean ${containing.map((option) => `"${option}"`).join(' or ')}?)` : '';
}

/** Keys whose text is a duration: a bare number there lacks its unit too. */
const durationKeys = new Set(['timeout', 'settle', 'every', 'deadline', 'maxLag', 'olderThan']);

/** How to write `key`'s duration given as a bare number: a lag or an age in hours and days; never the 0 a duration may not be. */
function durationAdvice(key: string, scalar: number): string {
  const lagOrAge = key === 'maxLag' || key === 'olderThan';
  if (scalar <= 0) return `give one more than 0, with its unit (${lagOrAge ? '36h, 2d' : '30s, 15m, 2h'})`;
  return `give it with its unit (${lagOrAge ? `${scalar}h, ${scalar}d` : `${scalar}s, ${scalar}m, 2h, 36h`})`;
}

/** What an id must be where `path` ends: a verdict's and a runbook's are kebab-case, a recovery path's one letter, a step's lower_snake_case. */
function idRule(path: readonly PropertyKey[]): string {
  const owner = path.filter((key) => typeof key === 'string').at(-2);
  if (owner === 'recovery') return 'path ids are single letters: a, b …';
  if (owner === 'verdicts' || owner === undefined) return 'ids here are lower-case letters, digits and -, starting with a letter (check-2)';
  return 'step ids are lower_snake_case, starting with a letter (step_2)';
}

/** The number a text holds, written as a number; undefined for a text that is none. */
function numberIn(text: string): number | undefined {
  return text.trim() !== '' && !Number.isNaN(Number(text)) ? Number(text) : undefined;
}

/** Said of a text where a number goes (atLeast: "1", exit: two): the number to write, without the quotes that made it text. */
function textForNumber(text: string): string {
  const number = numberIn(text);
  return `${JSON.stringify(text)} is text where a number goes: ${number === undefined ? 'write a number' : `write ${number}`}, without quotes`;
}

/** A zod error map for runbook.safeParse: our message for the issues below, zod's own for the rest. */
export const runbookIssueMessage: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_union' && typeof issue.discriminator === 'string' && Array.isArray(issue.options)) {
    const options = issue.options.map(String);
    const noun = discriminatorNouns[issue.discriminator] ?? issue.discriminator;
    const value = (issue.input as Record<string, unknown> | undefined)?.[issue.discriminator];
    if (value === undefined || value === null) return `missing: name the ${noun}, one of ${options.join(', ')}`;
    if (typeof value !== 'string') return `${JSON.stringify(value)} is not a ${noun}: name one of ${options.join(', ')}`;
    const suggestion = closestOption(value, options);
    // A suggestion says enough; without one the operator needs the list.
    return `unknown ${noun} "${value}"${suggestion || `; the ${noun}s are: ${options.join(', ')}`}`;
  }
  if (issue.code === 'invalid_union' && issue.inst instanceof z.ZodUnion && issue.inst.options.every((option) => option instanceof z.ZodObject)) {
    // A condition: {step, status}, {any} or {all}. Said as those forms, with the closest known key for one that is none of theirs.
    const shapes = (issue.inst.options as z.ZodObject[]).map((option) => Object.keys(option.shape));
    const known = shapes.flat();
    const input = issue.input !== null && typeof issue.input === 'object' && !Array.isArray(issue.input) ? Object.keys(issue.input) : [];
    const unknown = input.filter((key) => !known.includes(key)).map((key) => `; unknown key "${key}"${didYouMean(key, known)}`);
    return `expected one of ${shapes.map((keys) => `{${keys.join(', ')}}`).join(', ')}${unknown.join('')}`;
  }
  // A number or a yes/no where text goes (argv: [sqlmesh, plan, 7], timeout: 30): YAML read it as one.
  const scalar = issue.input;
  if ((issue.code === 'invalid_type' && issue.expected === 'string') || (issue.code === 'invalid_union' && !issue.discriminator)) {
    if (typeof scalar === 'number' || typeof scalar === 'boolean') {
      // A duration needs its unit more than its quotes: "300" alone is refused too.
      const key = String(issue.path?.at(-1));
      if (typeof scalar === 'number' && durationKeys.has(key)) return `${JSON.stringify(scalar)} is read as a number, where a duration goes: ${durationAdvice(key, scalar)}`;
      if (typeof scalar === 'number' && key === 'id') return `${JSON.stringify(scalar)} is read as a number, where an id goes: ${idRule(issue.path ?? [])}`;
      return `${JSON.stringify(scalar)} is read as a ${typeof scalar === 'number' ? 'number' : 'yes/no value'}, where text goes: quote it ("${String(scalar)}")`;
    }
  }
  // mutates: yes, destructive: "true": the environment takes yes and 1, a runbook's YAML takes true and false only.
  if (issue.code === 'invalid_type' && issue.expected === 'boolean' && typeof scalar === 'string') {
    return `${JSON.stringify(scalar)} is text where true or false goes: write true or false, without quotes`;
  }
  // A key written with nothing after its colon (timeout:): YAML reads null there.
  if (issue.code === 'invalid_type' && scalar === null) {
    const key = String(issue.path?.at(-1) ?? 'value');
    const example = durationKeys.has(key) ? ' (a duration such as 30s or 15m)' : issue.expected === 'array' ? ' ([…], one element each)' : '';
    return `has nothing after "${key}:", which YAML reads as no value: give its value${example}, or leave the key out where it may be left out`;
  }
  // paths: a, argv: uv run sqlmesh audit: one text where YAML needed a list in brackets.
  if (issue.code === 'invalid_type' && issue.expected === 'array' && typeof scalar === 'string') {
    const words = issue.path?.at(-1) === 'argv' ? scalar.trim().split(/\s+/) : scalar.split(',').map((word) => word.trim());
    return `${JSON.stringify(scalar)} is one text where a list goes: write it in brackets, one element each: [${words.join(', ')}]`;
  }
  // windowMaxDays: "62": a number in quotes is text to YAML.
  if (issue.code === 'invalid_type' && issue.expected === 'number' && typeof scalar === 'string') return textForNumber(scalar);
  // exit: "2" or exit: two, where a number or a word goes (zero, nonzero): the number as it is written, or the words.
  if (issue.code === 'invalid_union' && !issue.discriminator && typeof scalar === 'string') {
    const alternatives = (issue.errors as { code: string; expected?: string; values?: unknown[] }[][]).flat();
    if (alternatives.some((alternative) => alternative.code === 'invalid_type' && alternative.expected === 'number')) {
      const words = alternatives.flatMap((alternative) => (alternative.code === 'invalid_value' ? (alternative.values ?? []) : [])).map(String);
      return words.length > 0 && !numberIn(scalar) ? `${textForNumber(scalar)}, or one of ${words.join(', ')}` : textForNumber(scalar);
    }
  }
  // A key left out that this place needs (a step without its title): named as missing, not as a type mismatch.
  if (issue.code === 'invalid_type' && issue.input === undefined && typeof issue.expected === 'string') {
    return `is missing: this ${issue.path?.at(-2) === undefined ? 'place' : 'entry'} needs its ${String(issue.path?.at(-1) ?? 'value')} (${issue.expected === 'string' ? 'text' : issue.expected === 'array' ? 'a list' : issue.expected})`;
  }
  if (issue.code === 'too_small' && issue.origin === 'array' && issue.minimum === 1) {
    const key = issue.path?.at(-1);
    if (key === 'argv') return 'is empty: it takes the program and its arguments, one element each ([task, verify])';
    if (key === 'status') return 'is empty: name at least one status';
    return `is empty: it takes at least one${key === 'steps' ? ' step' : ''}, or leave the key out where it may be left out`;
  }
  if (issue.code === 'too_small' && issue.origin === 'string' && issue.minimum === 1) return 'is empty text: write a value, or leave the key out where it may be left out';
  if (issue.code === 'invalid_key') {
    const pattern = (issue.issues as { pattern?: string }[] | undefined)?.find((inner) => inner.pattern)?.pattern;
    const rule = String(pattern) === String(/^[a-z][a-z0-9_-]*$/) ? 'lower-case letters, digits, _ and - only, starting with a letter' : pattern ? `it must match ${String(pattern)}` : 'it is not a name this place takes';
    return `"${String(issue.input)}" cannot be a name here: ${rule}`;
  }
  if (issue.code === 'unrecognized_keys') {
    const known = issue.inst instanceof z.ZodObject ? Object.keys(issue.inst.shape) : [];
    const keys = issue.keys as string[];
    const hints = keys.map((key) => didYouMean(key, known));
    const named = keys.map((key, i) => `"${key}"${hints[i]}`).join(', ');
    const list = hints.some(Boolean) || known.length === 0 ? '' : `; the keys here are: ${known.join(', ')}`;
    return `unknown key${keys.length === 1 ? '' : 's'} ${named}${list}`;
  }
  return undefined;
};
