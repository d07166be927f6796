// Turns runbook steps into resolved steps: every template filled in, paths made absolute, SQL identifiers quoted.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { parseDuration } from '../config.js';
import type { Step } from '../runbook/schema.js';
import { has, render, renderAdvice, renderSql, type TemplateContext } from '../runbook/template.js';
import { botObjectName, botSnapshotPrefix } from '../database/sql-literal.js';
import { defaultDagsterSettings, type DagsterSettings, type PlanReadTools, type PrepareTools, type ResolveTools } from './steps/define-step-kind.js';
import { stepKind } from './steps/index.js';
import { snapshotHeldToPlan } from './snapshot-held-to-plan.js';
import type { ResolvedStep } from './types.js';

export interface ResolveContext {
  root: string;
  values: TemplateContext;
  /** The Dagster settings steps resolve against; absent: the defaults. */
  dagster?: DagsterSettings;
  /** When the plan is made; typed timestamp literals must be before it. Default: now. */
  now?: Date;
  /**
   * Set when the plan changes MotherDuck: every destructive step is then preceded by a named snapshot of this database,
   * taken by the engine itself, whatever the runbook says.
   */
  snapshotBefore?: { database: string };
  /** What the steps' kinds looked up before the plan was made, by step id (prepareSteps). */
  prepared?: ReadonlyMap<string, unknown>;
}

function resolveTools(ctx: ResolveContext, stepId?: string, earlier: readonly ResolvedStep[] = []): ResolveTools {
  const text = (template: string) => render(template, ctx.values);
  return {
    prepared: stepId === undefined ? undefined : ctx.prepared?.get(stepId),
    earlier: earlier as unknown as ResolveTools['earlier'],
    root: ctx.root,
    values: ctx.values,
    text,
    inRoot: (template) => path.resolve(ctx.root, text(template)),
    dagster: ctx.dagster ?? defaultDagsterSettings,
    sql: (template) => renderSql(template, ctx.values, ctx.now ?? new Date()),
    now: ctx.now ?? new Date(),
  };
}

export function resolveStep(step: Step, ctx: ResolveContext, guard = false, earlier: readonly ResolvedStep[] = []): ResolvedStep {
  const kind = stepKind(step.kind);
  const timeoutMs = step.timeout ? (parseDuration(step.timeout) as number) : kind.defaultTimeoutMs;
  // Said with the values the plan is made with (a parameter's attributes, what the recovery did): kept in the plan.
  const whenFailed = step.whenFailed === undefined ? {} : { whenFailed: renderAdvice(step.whenFailed, ctx.values) };
  const whenRefused = step.whenRefused === undefined ? {} : { whenRefused: renderAdvice(step.whenRefused, ctx.values) };
  // A wait whose parameter was not given has nothing to wait for: the step is asked once, and the plan says no wait.
  const noWait = step.waitUntil?.onlyIfGiven !== undefined && !has(step.waitUntil.onlyIfGiven, ctx.values) ? { waitUntil: undefined } : {};
  return { ...kind.resolve(step, resolveTools(ctx, step.id, earlier)), ...whenFailed, ...whenRefused, ...noWait, timeoutMs, guard } as ResolvedStep;
}

/**
 * The named snapshot the engine takes before a destructive step of a plan that changes MotherDuck: its name is made of the
 * database, the incident, the step and the time, and is the step's output `snapshot` for the rollback.
 */
export function snapshotBeforeStep(step: ResolvedStep, database: string, values: TemplateContext): ResolvedStep {
  return {
    id: `${step.id}_snapshot`,
    title: `Named snapshot of ${database} before "${step.title}"`,
    kind: 'named-snapshot',
    database,
    name: botObjectName(botSnapshotPrefix(database, String(values.incident_id ?? '')), step.id, String(values.now ?? '')),
    mutates: true,
    destructive: false,
    acceptStatuses: [],
    timeoutMs: 10 * 60_000,
    guard: step.guard,
    // Nothing after it runs without it: the database is as it was, and the plan can be asked for again as it is.
    whenFailed: `The named snapshot of ${database} before "${step.title}" could not be taken, or a write had landed after this plan was made, so that step and the ones after it did not run. Fix what MotherDuck answered (above), then propose this plan again.`,
  };
}

/** Asks each step's kind what its plan must name before the plan is made (see StepKindDefinition.prepare), by step id. */
export async function prepareSteps(steps: readonly Step[], tools: PrepareTools): Promise<Map<string, unknown>> {
  const prepared = new Map<string, unknown>();
  for (const step of steps) {
    const prepare = stepKind(step.kind).prepare;
    if (prepare) prepared.set(step.id, await prepare(step, tools));
  }
  return prepared;
}

/** A plan's steps as their kinds read the databases when it is made (see StepKindDefinition.readWhenPlanned). */
export async function readWhenPlanned(steps: readonly ResolvedStep[], tools: PlanReadTools): Promise<ResolvedStep[]> {
  const read: ResolvedStep[] = [];
  for (const step of steps) read.push((await stepKind(step.kind).readWhenPlanned?.(step, tools)) ?? step);
  return snapshotHeldToPlan(read);
}

/** What the plan's steps found when it was made that the approver must read first, in the plan's order. */
export function planWarnings(steps: readonly ResolvedStep[]): string[] {
  return steps.flatMap((step) => stepKind(step.kind).planWarning?.(step) ?? []);
}

/** Why the plan needs a teammate though none of its steps is destructive: its changing steps' own words, or undefined. */
export function teammateBecause(steps: readonly ResolvedStep[]): string | undefined {
  return steps.flatMap((step) => (step.mutates ? (stepKind(step.kind).teammateBecause?.(step) ?? []) : [])).join('; ') || undefined;
}

/**
 * Why the plan would change nothing, as its steps found the databases when it was made: each changing step's own words,
 * when every changing step has some (see StepKindDefinition.nothingWhenPlanned); otherwise undefined.
 */
export function nothingToChange(steps: readonly ResolvedStep[]): string | undefined {
  const changing = steps.filter((step) => step.mutates);
  const said = changing.map((step) => stepKind(step.kind).nothingWhenPlanned?.(step));
  if (changing.length === 0 || said.some((reason) => reason === undefined)) return undefined;
  return [...new Set(said)].join('; ');
}

/** Resolves steps in order, each preceded by the steps its kind adds before it, and by a named snapshot where that applies. */
export function resolveSteps(steps: readonly Step[], ctx: ResolveContext, guard = false): ResolvedStep[] {
  const all: ResolvedStep[] = [];
  for (const step of steps) {
    // Each sees the steps before it (a DELETE, the file an export-rows step keeps its rows in).
    // A copy: the list grows after it, and a kind that keeps what it was given must not see the steps after its own.
    const earlier = all.slice();
    const resolved = resolveStep(step, ctx, guard, earlier);
    const before = (stepKind(step.kind).precededBy?.(resolved, resolveTools(ctx, step.id, earlier)) ?? []) as ResolvedStep[];
    const snapshot = ctx.snapshotBefore && resolved.destructive && !stepKind(step.kind).changesOtherDatabases ? [snapshotBeforeStep(resolved, ctx.snapshotBefore.database, ctx.values)] : [];
    // Before the clones made right before the step too (the swap's broken clone): they then hold no write the
    // snapshot's check after it (snapshot-held-to-plan.ts) did not see, and one it stops at leaves no stale clone.
    all.push(...before);
    all.splice(clonesRightBefore(all), 0, ...snapshot);
    all.push(resolved);
  }
  return all;
}

/** Where the steps at the end of `steps` that only make a new database from it (clones) begin; steps.length for none. */
function clonesRightBefore(steps: readonly ResolvedStep[]): number {
  let at = steps.length;
  while (at > 0 && steps[at - 1]!.mutates && !steps[at - 1]!.guard && stepKind(steps[at - 1]!.kind).onlyMakesNew?.(steps[at - 1] as never)) at -= 1;
  return at;
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
