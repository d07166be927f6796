// Turns runbook steps into resolved steps: every template filled in, paths made absolute, SQL identifiers quoted.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { parseDuration } from '../config.js';
import { UserError } from '../errors.js';
import type { ArgvRepeat, Step } from '../runbook/schema.js';
import { listValue, lookup, render, renderSql, type TemplateContext } from '../runbook/template.js';
import type { ResolvedStep } from './types.js';

const defaultTimeoutMs: Record<Step['kind'], number> = {
  command: 30 * 60_000,
  sql: 10 * 60_000,
  'duckdb-open': 30_000,
  'duckdb-scan': 10 * 60_000,
  'disk-usage': 10_000,
  move: 10 * 60_000,
  'copy-file': 30 * 60_000,
  'export-rows': 30 * 60_000,
  'restore-rows': 30 * 60_000,
  'day-counts': 5 * 60_000,
};

export interface ResolveContext {
  root: string;
  values: TemplateContext;
}

/** Renders one argv element; a value that would turn an element into an option ("-5", "--force") is refused. */
function renderArgument(template: string, values: TemplateContext): string {
  const rendered = render(template, values);
  if (rendered.startsWith('-') && !template.startsWith('-')) {
    throw new UserError(`"${rendered.slice(0, 60)}" would be read as an option by the command; a value may not start with "-"`);
  }
  return rendered;
}

/** Each argv element is rendered on its own (a value never splits into several arguments); forEach repeats a group per list item. */
function resolveArgv(argv: readonly (string | ArgvRepeat)[], values: TemplateContext): string[] {
  return argv.flatMap((element) =>
    typeof element === 'string'
      ? [renderArgument(element, values)]
      : listValue(element.forEach, values).flatMap((item) => element.argv.map((part) => renderArgument(part, { ...values, item }))),
  );
}

/** The counts per day a diagnosis step found, for a validation step that compares with it. */
function countsBefore(stepId: string, values: TemplateContext): Record<string, number> | undefined {
  try {
    const days = lookup(`diagnosis.${stepId}.days`, values) as { day: string; count: number }[];
    return Object.fromEntries(days.map((d) => [d.day, d.count]));
  } catch {
    return undefined;
  }
}

export function resolveStep(step: Step, ctx: ResolveContext, guard = false): ResolvedStep {
  const text = (template: string) => render(template, ctx.values);
  const inRoot = (template: string) => path.resolve(ctx.root, text(template));
  const timeoutMs = step.timeout ? (parseDuration(step.timeout) as number) : defaultTimeoutMs[step.kind];
  const base = { timeoutMs, guard };
  switch (step.kind) {
    case 'command':
      return {
        ...step,
        ...base,
        argv: resolveArgv(step.argv, ctx.values),
        cwd: inRoot(step.cwd),
        env: Object.fromEntries(Object.entries(step.env).map(([name, value]) => [name, text(value)])),
      };
    case 'sql':
      return { ...step, ...base, sql: renderSql(step.sql, ctx.values), params: step.params.map(text), expectRows: step.expectRows && text(step.expectRows) };
    case 'export-rows':
      return {
        ...step,
        ...base,
        table: renderSql(step.table, ctx.values),
        where: renderSql(step.where, ctx.values),
        params: step.params.map(text),
        to: path.resolve(ctx.root, text(step.to)),
        expectRows: step.expectRows && text(step.expectRows),
      };
    case 'restore-rows':
      return { ...step, ...base, table: renderSql(step.table, ctx.values), from: inRoot(step.from), key: text(step.key) };
    case 'day-counts':
      return {
        ...step,
        ...base,
        table: renderSql(step.table, ctx.values),
        dateColumn: renderSql(step.dateColumn, ctx.values),
        from: text(step.from),
        to: text(step.to),
        before: step.compareWith ? countsBefore(step.compareWith, ctx.values) : undefined,
      };
    case 'duckdb-open':
    case 'duckdb-scan':
    case 'disk-usage':
      return { ...step, ...base, path: inRoot(step.path) };
    case 'move':
    case 'copy-file':
      return { ...step, ...base, from: inRoot(step.from), to: inRoot(step.to) };
  }
}

/**
 * Resolves steps in order; a statement with snapshotOf is preceded by a generated CREATE SNAPSHOT step, shown in the
 * plan like any other, so the named snapshot the runbook's "known gaps" ask for is never forgotten.
 */
export function resolveSteps(steps: readonly Step[], ctx: ResolveContext, guard = false): ResolvedStep[] {
  return steps.flatMap((step) => {
    const resolved = resolveStep(step, ctx, guard);
    if (step.kind !== 'sql' || !step.snapshotOf) return [resolved];
    const snapshotName = `databox_bot_${render('{{incident_id}}_{{now}}', ctx.values)}_${step.id}`.replace(/[^A-Za-z0-9_]/g, '_');
    const snapshot: ResolvedStep = {
      id: `${step.id}_snapshot`,
      title: `Named snapshot before "${step.title}"`,
      kind: 'sql',
      database: step.database,
      sql: `CREATE SNAPSHOT '${snapshotName}' OF ${renderSql(step.snapshotOf, ctx.values)}`,
      params: [],
      mutates: true,
      destructive: false,
      acceptStatuses: [],
      timeoutMs: defaultTimeoutMs.sql,
      guard,
    };
    return [snapshot, resolved];
  });
}

/** Stable JSON: object keys sorted, so the same plan always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The hash an approval binds to: nothing but these exact steps can run under it. */
export function planHash(steps: readonly ResolvedStep[], previews: readonly unknown[] = []): string {
  return createHash('sha256').update(canonical(previews.length > 0 ? { steps, previews } : steps)).digest('hex');
}

export function shortHash(hash: string): string {
  return hash.slice(0, 8);
}
