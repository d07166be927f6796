// Curly quotes (“ ” ‘ ’) pasted from a document around a runbook's value: YAML keeps them as part of the path, word or SQL.
import type { Runbook } from './schema.js';

type At = (string | number)[];

const curly = /[\u201c\u201d\u2018\u2019]/;

/** What the operator reads, not what runs: a quoted phrase there is meant. */
const proseKeys = new Set(['title', 'description', 'summary', 'symptoms', 'advice', 'said', 'whenFailed', 'leftOutNote', 'label', 'endedDaysOnly']);
/** SQL and patterns: a curly quote may be meant inside them (a string literal matching text that has one); around them, it is not. */
const quotedInsideKeys = new Set(['sql', 'where', 'match']);

const named = (quote: string) => `${quote} U+${(quote.codePointAt(0) as number).toString(16).toUpperCase()}`;

/**
 * Every value that runs or names something (a path, an argv word, a cwd, a move's `to`, SQL) with a curly quote at its
 * start or end, or anywhere in it but in SQL: `path: “{{database_path}}”` loads as a path with the quotes in it, and a
 * healthy database is then found missing.
 */
export function curlyQuoteProblems(rb: Runbook): { at: At; message: string }[] {
  const problems: { at: At; message: string }[] = [];
  const visit = (value: unknown, at: At, key: string | undefined): void => {
    if (typeof value === 'string') {
      const message = curlyQuoteProblem(value, key);
      if (message) problems.push({ at, message });
      return;
    }
    if (Array.isArray(value)) value.forEach((item, i) => visit(item, [...at, i], key));
    else if (value !== null && typeof value === 'object') {
      // A hold's `what` is prose too, but only there: a parameter or env entry may be named `what`.
      for (const [name, item] of Object.entries(value)) if (!proseKeys.has(name) && !(key === 'holdsUntil' && name === 'what')) visit(item, [...at, name], name);
    }
  };
  // What the runbook says it prevents, and where, is prose for the postmortem.
  visit({ ...rb, prevention: undefined }, [], undefined);
  return problems;
}

function curlyQuoteProblem(value: string, key: string | undefined): string | undefined {
  const straight = 'YAML only quotes with straight quotes (" or \'), so it takes curly ones as part of the value';
  const meant = value.replace(/^[\u201c\u201d\u2018\u2019]+|[\u201c\u201d\u2018\u2019]+$/g, '');
  const inside = key !== undefined && quotedInsideKeys.has(key) ? null : curly.exec(meant);
  if (inside) {
    const at = value.indexOf(meant) + inside.index;
    return `${JSON.stringify(value)} holds the curly quote ${named(inside[0])} after "${value.slice(Math.max(0, at - 12), at)}": ${straight}, and the path or word would hold it as written. Use straight quotes around the whole value, or none`;
  }
  if (meant === value) return undefined;
  const first = value.charAt(0);
  const last = value.charAt(value.length - 1);
  const around = curly.test(first) && curly.test(last) && value.length > 1 ? `is in curly quotes (${named(first)} … ${named(last)})` : curly.test(first) ? `starts with a curly quote, ${named(first)}` : `ends with a curly quote, ${named(last)}`;
  return `${JSON.stringify(value)} ${around}, as a document pastes them: ${straight}. Write ${JSON.stringify(meant)}`;
}
