// Fills {{name}} and {{name.attribute}} placeholders in runbook strings from a context of values.
import { literalKinds, renderLiteral, type LiteralKind } from '../database/sql-literal.js';
import { UserError } from '../errors.js';

export type TemplateContext = Record<string, unknown>;

/**
 * {{name}}, {{name.attribute}}; a trailing ? ({{name?}}) renders a missing value as empty text instead of failing. In SQL,
 * {{name | timestamp}} (or snapshot-name, snapshot-id, database, time-zone) renders the value as that kind of literal,
 * validated.
 */
const placeholder = /\{\{\s*([a-z_][a-z0-9_]*(?:\.[a-z0-9_-]+)*)(\?)?(?:\s*\|\s*([a-z][a-z-]*))?\s*\}\}/gi;

/** An enum parameter's value: it renders as its name and exposes its attributes to dotted look-ups. */
export interface EnumValue {
  readonly _value: string;
  readonly [attribute: string]: unknown;
}

/** A placeholder a text could not be filled in with: it has no value here, or its value is a list, not one value. */
export interface Unfilled {
  expression: string;
  problem: 'no-value' | 'not-one-value';
}

/** What an unfilled placeholder becomes instead of failing the whole text (a verdict is posted with a marker in it). */
export type StandIn = (unfilled: Unfilled) => string;

function find(expression: string, context: TemplateContext): { found: true; value: unknown } | { found: false } {
  let value: unknown = context;
  for (const part of expression.split('.')) {
    if (value === null || typeof value !== 'object' || !(part in value)) return { found: false };
    value = (value as Record<string, unknown>)[part];
  }
  return { found: true, value };
}

export function lookup(expression: string, context: TemplateContext): unknown {
  const looked = find(expression, context);
  if (!looked.found) throw new UserError(`the runbook refers to {{${expression}}}, which has no value here`);
  return looked.value;
}

function singleText(value: unknown): string | undefined {
  if (value !== null && typeof value === 'object' && '_value' in value) return String((value as EnumValue)._value);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return String(value);
  }
  return undefined;
}

function asText(value: unknown, expression: string): string {
  const text = singleText(value);
  if (text === undefined) throw new UserError(`the runbook refers to {{${expression}}}, which is not a single value`);
  return text;
}

/** A placeholder's text; with a stand-in, one that has no value (or a list) becomes the stand-in's text instead of failing. */
function fill(expression: string, context: TemplateContext, standIn: StandIn | undefined): string {
  if (!standIn) return asText(lookup(expression, context), expression);
  const looked = find(expression, context);
  // A step that did not set an output may hold it as null (a command's exit code on a timeout).
  if (!looked.found || looked.value === undefined || looked.value === null) return standIn({ expression, problem: 'no-value' });
  return singleText(looked.value) ?? standIn({ expression, problem: 'not-one-value' });
}

/** Renders a template whose every placeholder becomes text; used for argv elements, paths and bound values. */
export function render(template: string, context: TemplateContext, standIn?: StandIn): string {
  return template.replace(placeholder, (_match, expression: string, optional?: string, kind?: string) => {
    if (kind) throw new UserError(`{{${expression} | ${kind}}}: a literal kind applies in SQL only`);
    if (optional && !has(expression, context)) return '';
    return fill(expression, context, standIn);
  });
}

/**
 * ` name={{x?}}`: an optional value given as a command's parameter, a word of its own (after a space, before a space,
 * a backtick or the end), with its name and the space before it. `--from={{x?}}` or `?a={{x?}}` are not such words.
 */
const optionalParameter = /(^|\s)[A-Za-z_][A-Za-z0-9_]*=\{\{\s*([a-z_][a-z0-9_]*(?:\.[a-z0-9_-]+)*)\?\s*\}\}(?=\s|`|$)/gi;

/**
 * Renders advice for a person to read and type: as render, but a `name={{x?}}` whose x is missing is left out with its
 * name, so a command in it reads as typed (`diagnose backfill source=ebird`, not `… from= to=`). With a stand-in, a
 * placeholder that cannot be filled is marked in the text rather than failing it.
 */
export function renderAdvice(template: string, context: TemplateContext, standIn?: StandIn): string {
  return render(
    template
      .replace(optionalParameter, (match, _before: string, expression: string) => (has(expression, context) ? match : ''))
      .replace(optionalSentence, (match, expression: string) => (has(expression, context) ? match : '')),
    context,
    standIn,
  );
}

/**
 * ` {{x?}}`: an optional placeholder standing as a word of its own after a space (a sentence the step may add), taken out
 * with that space when x is missing, so two such in a row leave no double space between the sentences around them.
 */
const optionalSentence = / \{\{\s*([a-z_][a-z0-9_]*(?:\.[a-z0-9_-]+)*)\?\s*\}\}(?= |\n|$)/gi;

export function has(expression: string, context: TemplateContext): boolean {
  try {
    const value = lookup(expression, context);
    return value !== undefined && value !== null && value !== '';
  } catch {
    return false;
  }
}

/** A template with the spaces inside its placeholders taken out: {{ source.raw_table }} and {{source.raw_table}} are one. */
export function spacedAlike(template: string): string {
  return template.replace(/\{\{\s*([^{}]*?)\s*\}\}/g, '{{$1}}');
}

/** The template with every placeholder taken out. */
export function withoutPlaceholders(template: string): string {
  return template.replace(placeholder, '');
}

/** Names the placeholders in a template without rendering it. */
export function placeholders(template: string): string[] {
  return placeholderUses(template).map((use) => use.expression);
}

/** The placeholders in a template, each with whether it may be missing ({{name?}}) and its literal kind ({{name | kind}}). */
export function placeholderUses(template: string): { expression: string; optional: boolean; kind?: string }[] {
  return [...template.matchAll(placeholder)].map((match) => ({ expression: match[1] as string, optional: match[2] === '?', kind: match[3] }));
}

/** The placeholders of a SQL template, each with the literal kind it is rendered as (none: an identifier). */
export function sqlPlaceholders(template: string): { expression: string; kind?: string }[] {
  return placeholderUses(template).map(({ expression, kind }) => ({ expression, kind }));
}

export function isLiteralKind(kind: string): kind is LiteralKind {
  return (literalKinds as readonly string[]).includes(kind);
}

const identifierPart = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export function isPlainIdentifier(text: string): boolean {
  return identifierPart.test(text);
}

/** Quotes a plain (optionally schema-qualified) identifier for SQL; anything else is refused. */
export function quoteIdentifier(text: string): string {
  const parts = text.split('.');
  if (parts.length > 3 || !parts.every((part) => identifierPart.test(part))) {
    throw new UserError(`"${text}" is not a plain SQL identifier (letters, digits and _ , optionally schema.table)`);
  }
  return parts.map((part) => `"${part}"`).join('.');
}

/**
 * Renders SQL where a placeholder stands for an identifier, or, with a kind ({{at | timestamp}}), for a literal made by
 * the one typed renderer (DDL takes no bound parameters), NULL when it may be missing and is; every other value goes in
 * as a bound parameter instead.
 */
export function renderSql(template: string, context: TemplateContext, now: Date = new Date()): string {
  return template.replace(placeholder, (_match, expression: string, optional?: string, kind?: string) => {
    // A literal that may be missing ({{source.time_zone? | time-zone}}) is SQL's NULL then: an identifier never is.
    if (kind !== undefined && optional && !has(expression, context)) return 'NULL';
    const text = asText(lookup(expression, context), expression);
    if (kind === undefined) return quoteIdentifier(text);
    if (!isLiteralKind(kind)) throw new UserError(`{{${expression} | ${kind}}}: unknown literal kind (${literalKinds.join(', ')})`);
    return renderLiteral(kind, text, now);
  });
}

/** The elements of a list value (an enum attribute such as source.models), each as text. */
export function listValue(expression: string, context: TemplateContext): string[] {
  const value = lookup(expression, context);
  if (!Array.isArray(value)) throw new UserError(`the runbook expects {{${expression}}} to be a list`);
  return value.map((item) => asText(item, expression));
}
