// The zod schema of a runbook file: the runbook's own shape, with one step kind per discriminated variant.
import { z } from 'zod';
import { parseDuration } from '../config.js';

const stepId = z.string().regex(/^[a-z][a-z0-9_]*$/, 'step ids are lower_snake_case');
const template = z.string().min(1);
const duration = z
  .string()
  .refine((text) => parseDuration(text) !== undefined, { message: 'expected a duration such as 30s, 15m or 2h' });

/** A condition on the status of an earlier step of the same run. */
export type Condition =
  | { step: string; status: string | string[] }
  | { any: Condition[] }
  | { all: Condition[] };

const condition: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ step: stepId, status: z.union([z.string(), z.array(z.string()).min(1)]) }),
    z.strictObject({ any: z.array(condition).min(1) }),
    z.strictObject({ all: z.array(condition).min(1) }),
  ]),
);

const stepCommon = {
  id: stepId,
  title: z.string().min(1),
  mutates: z.boolean().default(false),
  destructive: z.boolean().default(false),
  timeout: duration.optional(),
  /** Run only when this condition on earlier steps holds; otherwise the step is recorded as skipped. */
  onlyIf: condition.optional(),
  /** Rollback steps: include only when the named step of the recovery being undone completed. */
  onlyIfRan: stepId.optional(),
  /** Include only when the operator gave this (optional) parameter; decided when the plan is made, so the plan shows it. */
  onlyIfGiven: z.string().optional(),
  /** Statuses besides "ok" that do not fail a recovery, validation or rollback run. */
  acceptStatuses: z.array(z.string()).default([]),
};

function isRegExp(text: string): boolean {
  try {
    new RegExp(text, 'i');
    return true;
  } catch {
    return false;
  }
}

const classifyRule = z.strictObject({
  status: z.string().regex(/^[a-z][a-z0-9-]*$/),
  /** A case-insensitive regular expression matched against the command's output. */
  match: z
    .string()
    .refine((text) => isRegExp(text), { message: 'not a valid regular expression' })
    .optional(),
  exit: z.union([z.literal('zero'), z.literal('nonzero'), z.number().int()]).optional(),
});

/** Expands to `argv` once per element of a list value: `{ forEach: source.models, argv: [--restate-model, "{{item}}"] }`. */
const argvRepeat = z.strictObject({ forEach: z.string().regex(/^[a-z_][a-z0-9_]*(\.[a-z0-9_-]+)*$/), argv: z.array(template).min(1) });
export type ArgvRepeat = z.infer<typeof argvRepeat>;

export const commandStep = z.strictObject({
  ...stepCommon,
  kind: z.literal('command'),
  argv: z.array(z.union([template, argvRepeat])).min(1),
  cwd: z.string().default('.'),
  env: z.record(z.string().regex(/^[A-Z_][A-Z0-9_]*$/), z.string()).default({}),
  /** Turns exit code and output into a status; first match wins; default ok on exit 0, failed otherwise. */
  classify: z.array(classifyRule).default([]),
  /**
   * Start it and leave it running (a daemon such as dagster-daemon): the step succeeds when the process is still
   * alive after `settle`; its output goes to a log file in the state directory. `timeout` does not apply.
   */
  detach: z.boolean().default(false),
  settle: duration.default('5s'),
});

export const sqlStep = z.strictObject({
  ...stepCommon,
  kind: z.literal('sql'),
  database: z.enum(['duckdb', 'motherduck']).default('duckdb'),
  /** SQL text; {{name}} may stand only for identifiers, values go through `params` as bound parameters. */
  sql: z.string().min(1),
  params: z.array(template).default([]),
  /**
   * MotherDuck: the database to take a named snapshot of (CREATE SNAPSHOT … OF) right before this statement.
   * Required for a destructive MotherDuck statement, so a point-in-time restore is always possible afterwards.
   */
  snapshotOf: template.optional(),
  /**
   * For a data-changing statement: the number of rows it must change (usually a preview's count). The statement runs
   * in a transaction that is rolled back when the count differs.
   */
  expectRows: template.optional(),
});

/** SQL text with {{identifier}} placeholders and ? placeholders bound to `params`, naming rows of one table. */
const rowSelection = {
  table: template,
  /** A WHERE clause; {{name}} stands only for identifiers, values go through `params`. */
  where: z.string().min(1),
  params: z.array(template).default([]),
};

export const exportRowsStep = z.strictObject({
  ...stepCommon,
  kind: z.literal('export-rows'),
  ...rowSelection,
  /** The Parquet file the rows are kept in; it must not exist yet. */
  to: template,
  expectRows: template.optional(),
});

export const restoreRowsStep = z.strictObject({
  ...stepCommon,
  kind: z.literal('restore-rows'),
  table: template,
  /** The Parquet file an export-rows step wrote. */
  from: template,
  /** Comma-separated primary-key columns; rows whose key is already in the table are not inserted again. Empty: whole-row comparison. */
  key: z.string().default(''),
});

export const dayCountsStep = z.strictObject({
  ...stepCommon,
  kind: z.literal('day-counts'),
  table: template,
  dateColumn: template,
  /** The window; both empty means "scan the last `scanDays` complete days and propose the window". */
  from: z.string().default(''),
  to: z.string().default(''),
  baselineDays: z.number().int().min(3).max(90).default(14),
  scanDays: z.number().int().min(1).max(90).default(30),
  /** Below this fraction of the baseline median a day is "absurdly low". */
  lowBelow: z.number().min(0).max(1).default(0.2),
  /** Above this multiple of the baseline median a day is "spiking". */
  spikeAbove: z.number().min(1).default(5),
  /** The id of a diagnosis step of the same kind whose counts are shown beside these (validation). */
  compareWith: stepId.optional(),
});

export const duckdbOpenStep = z.strictObject({
  ...stepCommon,
  kind: z.literal('duckdb-open'),
  path: template,
});

export const duckdbScanStep = z.strictObject({
  ...stepCommon,
  kind: z.literal('duckdb-scan'),
  path: template,
});

export const diskUsageStep = z.strictObject({
  ...stepCommon,
  kind: z.literal('disk-usage'),
  path: template,
  /** Use% at or above which the volume counts as full; defaults to DATABOX_DISK_FULL_PERCENT. */
  fullAtPercent: z.number().min(1).max(100).optional(),
});

export const moveStep = z.strictObject({
  ...stepCommon,
  kind: z.literal('move'),
  from: template,
  to: template,
  /** What to do when `from` does not exist: fail the run, or record the step as skipped. */
  ifMissing: z.enum(['fail', 'skip']).default('fail'),
  /** What to do when `to` is taken: add a timestamp suffix (moving aside), or fail (putting back). Never overwrite. */
  ifTaken: z.enum(['suffix', 'fail']).default('suffix'),
});

export const copyFileStep = z.strictObject({
  ...stepCommon,
  kind: z.literal('copy-file'),
  from: template,
  to: template,
});

export const step = z.discriminatedUnion('kind', [
  commandStep,
  sqlStep,
  duckdbOpenStep,
  duckdbScanStep,
  diskUsageStep,
  moveStep,
  copyFileStep,
  exportRowsStep,
  restoreRowsStep,
  dayCountsStep,
]).superRefine((s, ctx) => {
  if (s.destructive && !s.mutates) {
    ctx.addIssue({ code: 'custom', path: ['mutates'], message: 'a destructive step mutates: set mutates: true' });
  }
  if ((s.kind === 'move' || s.kind === 'copy-file' || s.kind === 'export-rows' || s.kind === 'restore-rows') && !s.mutates) {
    ctx.addIssue({ code: 'custom', path: ['mutates'], message: `a ${s.kind} step mutates: set mutates: true` });
  }
  if (s.kind === 'move' && !s.destructive) {
    ctx.addIssue({ code: 'custom', path: ['destructive'], message: 'moving a file is destructive: set destructive: true' });
  }
  if (s.kind === 'sql') {
    const mutating = /\b(insert|update|delete|drop|alter|create|copy|truncate|attach|detach|set|checkpoint|vacuum)\b/i.test(
      s.sql.replace(/'[^']*'/g, "''"),
    );
    if (mutating && !s.mutates) {
      ctx.addIssue({ code: 'custom', path: ['mutates'], message: 'this SQL changes data: set mutates: true' });
    }
    if (s.database === 'motherduck' && s.destructive && !s.snapshotOf) {
      ctx.addIssue({ code: 'custom', path: ['snapshotOf'], message: 'a destructive MotherDuck statement needs snapshotOf: the database to snapshot first' });
    }
  }
});

export type Step = z.infer<typeof step>;

const parameterCommon = {
  description: z.string().min(1),
  required: z.boolean().default(true),
};

export const parameter = z.discriminatedUnion('type', [
  z.strictObject({ ...parameterCommon, type: z.literal('date'), notFuture: z.boolean().default(false), default: z.string().optional() }),
  z.strictObject({ ...parameterCommon, type: z.literal('timestamp'), default: z.string().optional() }),
  z.strictObject({ ...parameterCommon, type: z.literal('identifier'), default: z.string().optional() }),
  /** A plain token such as a plan id: letters, digits and _ . : - only. */
  z.strictObject({ ...parameterCommon, type: z.literal('token'), default: z.string().optional() }),
  z.strictObject({ ...parameterCommon, type: z.literal('integer'), min: z.number().int().optional(), max: z.number().int().optional(), default: z.string().optional() }),
  z.strictObject({
    ...parameterCommon,
    type: z.literal('path'),
    /** What must be at the path before anything runs. */
    mustBe: z.enum(['file', 'directory', 'duckdb-file', 'absent', 'any']).default('any'),
    /** Refuse the database file itself (a backup that is the file being replaced). */
    notTheDatabase: z.boolean().default(false),
    default: z.string().optional(),
  }),
  z.strictObject({
    ...parameterCommon,
    type: z.literal('enum'),
    /** Allowed values; each may carry attributes templates can read as {{name.attribute}}. */
    values: z.record(z.string().regex(/^[a-z][a-z0-9_-]*$/), z.record(z.string(), z.unknown()).default({})),
    default: z.string().optional(),
  }),
]);

export type Parameter = z.infer<typeof parameter>;

const parameterNames = z.array(z.string().regex(/^[a-z][a-z0-9_]*$/)).default([]);

export const verdict = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/),
  title: z.string().min(1),
  /** Omitted on the last verdict only: the default when no other verdict's condition holds. */
  when: condition.optional(),
  /** What the operator should understand and do next. */
  advice: z.string().min(1),
  /** Recovery paths offered for this verdict, by id. */
  paths: z.array(z.string()).default([]),
  severity: z.enum(['ok', 'warning', 'critical']).default('critical'),
  /** Parameter values this verdict suggests for the recovery (templates over the diagnosis' step outputs). */
  suggest: z.record(z.string(), z.string()).default({}),
});

/** A read-only count run when a plan is proposed; its value is shown in the plan and bound into it as {{previews.id}}. */
export const preview = z.strictObject({
  id: stepId,
  title: z.string().min(1),
  sql: z.string().min(1),
  params: z.array(template).default([]),
});

export type Preview = z.infer<typeof preview>;

export const recoveryPath = z.strictObject({
  id: z.string().regex(/^[a-z]$/, 'path ids are single letters: a, b …'),
  title: z.string().min(1),
  description: z.string().min(1),
  parameters: parameterNames,
  /** Of those, the ones this path needs even where the parameter is optional elsewhere (a window, say). */
  requires: parameterNames,
  /** Read-only checks run when the plan is proposed and again before it runs; any failure refuses the plan. */
  guards: z.array(step).default([]),
  previews: z.array(preview).default([]),
  steps: z.array(step).min(1),
  rollback: z
    .strictObject({
      title: z.string().min(1),
      /** Parameters the operator gives when asking for the rollback (a plan id to restore, say); all optional. */
      parameters: parameterNames,
      /** Read-only steps run when the rollback is requested, whose output helps choose those parameters. */
      inspect: z.array(step).default([]),
      /** Read-only checks run when the rollback is proposed and again before it runs (the recovery's are not reused). */
      guards: z.array(step).default([]),
      steps: z.array(step).min(1),
    })
    .optional(),
});

/** Two date parameters that form a window: `from` not after `to`, at most `maxDays` long, given together. */
export const windowConstraint = z.strictObject({ from: z.string(), to: z.string(), maxDays: z.number().int().positive() });

export const runbook = z
  .strictObject({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/),
    title: z.string().min(1),
    section: z.number().int().positive(),
    summary: z.string().min(1),
    symptoms: z.array(z.string().min(1)).min(1),
    prevention: z
      .array(z.strictObject({ check: z.string(), where: z.string(), status: z.string() }))
      .default([]),
    /** The database a mutating plan locks: one mutating plan per database at a time. */
    lockKey: z.string().default('{{database_path}}'),
    parameters: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), parameter).default({}),
    windows: z.array(windowConstraint).default([]),
    diagnosis: z.strictObject({ parameters: parameterNames, steps: z.array(step).min(1), verdicts: z.array(verdict).min(1) }),
    recovery: z.array(recoveryPath).min(1),
    validation: z.strictObject({ parameters: parameterNames, requires: parameterNames, steps: z.array(step).min(1) }),
  })
  .superRefine((rb, ctx) => {
    const knownParameters = new Set(Object.keys(rb.parameters));
    const checkParameterNames = (names: string[], at: (string | number)[]) =>
      names.forEach((name, i) => {
        if (!knownParameters.has(name)) ctx.addIssue({ code: 'custom', path: [...at, i], message: `unknown parameter "${name}"` });
      });
    const reserved = ['root', 'database_path', 'state_dir', 'incident_id', 'now', 'steps', 'recovery'];
    for (const name of knownParameters) {
      if (reserved.includes(name)) ctx.addIssue({ code: 'custom', path: ['parameters', name], message: `"${name}" is a built-in name` });
    }
    checkParameterNames(rb.diagnosis.parameters, ['diagnosis', 'parameters']);
    checkParameterNames(rb.validation.parameters, ['validation', 'parameters']);
    rb.windows.forEach((w, i) => {
      for (const end of ['from', 'to'] as const) {
        if (rb.parameters[w[end]]?.type !== 'date') ctx.addIssue({ code: 'custom', path: ['windows', i, end], message: `"${w[end]}" is not a date parameter` });
      }
    });
    const pathIds = new Set<string>();
    rb.recovery.forEach((p, i) => {
      if (pathIds.has(p.id)) ctx.addIssue({ code: 'custom', path: ['recovery', i, 'id'], message: `duplicate path id "${p.id}"` });
      pathIds.add(p.id);
      checkParameterNames(p.parameters, ['recovery', i, 'parameters']);
      if (p.rollback) {
        checkParameterNames(p.rollback.parameters, ['recovery', i, 'rollback', 'parameters']);
        p.rollback.parameters.forEach((name, j) => {
          if (rb.parameters[name]?.required) {
            ctx.addIssue({ code: 'custom', path: ['recovery', i, 'rollback', 'parameters', j], message: `rollback parameters are optional: set required: false on "${name}"` });
          }
        });
        p.rollback.inspect.forEach((s, j) => {
          if (s.mutates) ctx.addIssue({ code: 'custom', path: ['recovery', i, 'rollback', 'inspect', j], message: 'inspect steps must be read-only' });
        });
        p.rollback.guards.forEach((g, j) => {
          if (g.mutates) ctx.addIssue({ code: 'custom', path: ['recovery', i, 'rollback', 'guards', j], message: 'guards must be read-only' });
        });
      }
      // Guards and steps run as one sequence, so their ids share one namespace.
      checkUniqueStepIds(
        [
          [p.guards, ['recovery', i, 'guards']],
          [p.steps, ['recovery', i, 'steps']],
        ],
        ctx,
      );
      if (p.rollback) checkUniqueStepIds([[p.rollback.steps, ['recovery', i, 'rollback', 'steps']]], ctx);
      p.guards.forEach((g, j) => {
        if (g.mutates) ctx.addIssue({ code: 'custom', path: ['recovery', i, 'guards', j], message: 'guards must be read-only' });
      });
      p.rollback?.steps.forEach((s, j) => {
        if (s.onlyIfRan && !p.steps.some((r) => r.id === s.onlyIfRan)) {
          ctx.addIssue({ code: 'custom', path: ['recovery', i, 'rollback', 'steps', j, 'onlyIfRan'], message: `no recovery step "${s.onlyIfRan}" in path ${p.id}` });
        }
      });
    });
    checkUniqueStepIds([[rb.diagnosis.steps, ['diagnosis', 'steps']]], ctx);
    checkUniqueStepIds([[rb.validation.steps, ['validation', 'steps']]], ctx);
    rb.diagnosis.steps.forEach((s, i) => {
      if (s.mutates) ctx.addIssue({ code: 'custom', path: ['diagnosis', 'steps', i], message: 'diagnosis steps must be read-only' });
    });
    rb.diagnosis.verdicts.forEach((v, i) => {
      const isLast = i === rb.diagnosis.verdicts.length - 1;
      if (!v.when && !isLast) ctx.addIssue({ code: 'custom', path: ['diagnosis', 'verdicts', i, 'when'], message: 'only the last verdict may omit "when"' });
      if (v.when && isLast) ctx.addIssue({ code: 'custom', path: ['diagnosis', 'verdicts', i, 'when'], message: 'the last verdict is the default and must omit "when"' });
      v.paths.forEach((id, j) => {
        if (!pathIds.has(id)) ctx.addIssue({ code: 'custom', path: ['diagnosis', 'verdicts', i, 'paths', j], message: `no recovery path "${id}"` });
      });
    });
  });

/** Step ids are unique across the given lists, which run as one sequence; an issue names the duplicate's own list and index. */
function checkUniqueStepIds(lists: [Step[], (string | number)[]][], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  for (const [steps, at] of lists) {
    steps.forEach((s, i) => {
      if (seen.has(s.id)) ctx.addIssue({ code: 'custom', path: [...at, i, 'id'], message: `duplicate step id "${s.id}"` });
      seen.add(s.id);
    });
  }
}

export type Runbook = z.infer<typeof runbook>;
export type RecoveryPath = z.infer<typeof recoveryPath>;
export type Verdict = z.infer<typeof verdict>;
