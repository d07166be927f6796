// Turns runbook steps into resolved steps: every template filled in, paths made absolute, SQL identifiers quoted.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { parseDuration } from '../config.js';
import type { Step } from '../runbook/schema.js';
import { render, renderSql, type TemplateContext } from '../runbook/template.js';
import type { ResolveTools } from './steps/define-step-kind.js';
import { stepKind } from './steps/index.js';
import type { ResolvedStep } from './types.js';

export interface ResolveContext {
  root: string;
  values: TemplateContext;
}

function resolveTools(ctx: ResolveContext): ResolveTools {
  const text = (template: string) => render(template, ctx.values);
  return {
    root: ctx.root,
    values: ctx.values,
    text,
    inRoot: (template) => path.resolve(ctx.root, text(template)),
    sql: (template) => renderSql(template, ctx.values),
  };
}

export function resolveStep(step: Step, ctx: ResolveContext, guard = false): ResolvedStep {
  const kind = stepKind(step.kind);
  const timeoutMs = step.timeout ? (parseDuration(step.timeout) as number) : kind.defaultTimeoutMs;
  return { ...kind.resolve(step, resolveTools(ctx)), timeoutMs, guard } as ResolvedStep;
}

/** Resolves steps in order, each preceded by the steps its kind adds before it (a named snapshot, say). */
export function resolveSteps(steps: readonly Step[], ctx: ResolveContext, guard = false): ResolvedStep[] {
  const tools = resolveTools(ctx);
  return steps.flatMap((step) => {
    const resolved = resolveStep(step, ctx, guard);
    const before = (stepKind(step.kind).precededBy?.(resolved, tools) ?? []) as ResolvedStep[];
    return [...before, resolved];
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
