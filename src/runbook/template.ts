// Fills {{name}} and {{name.attribute}} placeholders in runbook strings from a context of values.
import { literalKinds, renderLiteral, type LiteralKind } from '../database/sql-literal.js';
import { UserError } from '../errors.js';

export type TemplateContext = Record<string, unknown>;

/**
 * {{name}}, {{name.attribute}}; a trailing ? ({{name?}}) renders a missing value as empty text instead of failing. In SQL,
 * {{name | timestamp}} (or snapshot-name, snapshot-id, database) renders the value as that kind of literal, validated.
 */
const placeholder = /\{\{\s*([a-z_][a-z0-9_]*(?:\.[a-z0-9_-]+)*)(\?)?(?:\s*\|\s*([a-z][a-z-]*))?\s*\}\}/gi;

/** An enum parameter's value: it renders as its name and exposes its attributes to dotted look-ups. */
export interface EnumValue {
  readonly _value: string;
  readonly [attribute: string]: unknown;
}

export function lookup(expression: string, context: TemplateContext): unknown {
  let value: unknown = context;
  for (const part of expression.split('.')) {
    if (value === null || typeof value !== 'object' || !(part in value)) {
      throw new UserError(`the runbook refers to {{${expression}}}, which has no value here`);
    }
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function asText(value: unknown, expression: string): string {
  if (value !== null && typeof value === 'object' && '_value' in value) return String((value as EnumValue)._value);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return String(value);
  }
  throw new UserError(`the runbook refers to {{${expression}}}, which is not a single value`);
}

/** Renders a template whose every placeholder becomes text; used for argv elements, paths and bound values. */
export function render(template: string, context: TemplateContext): string {
  return template.replace(placeholder, (_match, expression: string, optional?: string, kind?: string) => {
    if (kind) throw new UserError(`{{${expression} | ${kind}}}: a literal kind applies in SQL only`);
    if (optional && !has(expression, context)) return '';
    return asText(lookup(expression, context), expression);
  });
}

/**
 * ` name={{x?}}`: an optional value given as a command's parameter, a word of its own (after a space, before a space,
 * a backtick or the end), with its name and the space before it. `--from={{x?}}` or `?a={{x?}}` are not such words.
 */
const optionalParameter = /(^|\s)[A-Za-z_][A-Za-z0-9_]*=\{\{\s*([a-z_][a-z0-9_]*(?:\.[a-z0-9_-]+)*)\?\s*\}\}(?=\s|`|$)/gi;

/**
 * Renders advice for a person to read and type: as render, but a `name={{x?}}` whose x is missing is left out with its
 * name, so a command in it reads as typed (`diagnose backfill source=ebird`, not `… from= to=`).
 */
export function renderAdvice(template: string, context: TemplateContext): string {
  return render(
    template.replace(optionalParameter, (match, _before: string, expression: string) => (has(expression, context) ? match : '')),
    context,
  );
}

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
 * the one typed renderer (DDL takes no bound parameters); every other value goes in as a bound parameter instead.
 */
export function renderSql(template: string, context: TemplateContext, now: Date = new Date()): string {
  return template.replace(placeholder, (_match, expression: string, _optional?: string, kind?: string) => {
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
