// The zod schema of a runbook file: the runbook's own shape, with one step kind per discriminated variant.
import { z } from 'zod';
import { stepKind, stepKinds } from '../engine/steps/index.js';
import { condition, description, stepId, template, title, type Condition } from './step-common.js';

export type { Condition };

/** One step, of any kind listed in src/engine/steps/index.ts; each kind's own rules are checked with it. */
export const step = z
  .discriminatedUnion('kind', stepKinds.map((definition) => definition.schema) as unknown as [StepSchema, ...StepSchema[]])
  .superRefine((s, ctx) => {
    if (s.destructive && !s.mutates) {
      ctx.addIssue({ code: 'custom', path: ['mutates'], message: 'a destructive step mutates: set mutates: true' });
    }
    for (const issue of stepKind(s.kind).rules?.(s) ?? []) {
      // Where the step is written is known only once the issue has its full path: load.ts words it then (issue-by-place.ts).
      ctx.addIssue({ code: 'custom', path: issue.at, message: issue.message, ...(issue.amongChangingSteps ? { params: { amongChangingSteps: issue.amongChangingSteps } } : {}) });
    }
  });

type StepSchema = (typeof stepKinds)[number]['schema'];
export type Step = z.output<StepSchema>;

const parameterCommon = {
  description,
  required: z.boolean().default(true),
};

export const parameter = z.discriminatedUnion('type', [
  z.strictObject({
    ...parameterCommon,
    type: z.literal('date'),
    notFuture: z.boolean().default(false),
    /**
     * Refuses today (UTC) and later too, saying this reason: a day whose data exists only once it is over (a daily
     * partition, which Dagster defines for ended days only).
     */
    endedDaysOnly: z.string().min(1).optional(),
    /**
     * With endedDaysOnly: a diagnosis output (<step>.<output>) listing timezones, comma-separated, where the day must be
     * over too (the schedules' execution timezones); on an incident whose diagnosis gave it, a day still under way in
     * any of them is refused, naming the last day over in all. Without one, UTC alone.
     */
    endedDaysIn: z.string().regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_]+$/, 'name a diagnosis step and one of its outputs: <step>.<output>').optional(),
    /**
     * Where today is for this date (notFuture, and a plan's "takes in today" warning): an enum parameter's attribute
     * naming an IANA zone (source.time_zone), so a source working in New York's days has New York's today; without it,
     * or a value without that attribute, UTC's.
     */
    todayIn: z.string().regex(/^[a-z_][a-z0-9_]*\.[a-z0-9_]+$/i, 'name an enum parameter and its attribute holding the zone: <parameter>.<attribute>').optional(),
    default: z.string().optional(),
  }),
  /** UTC "YYYY-MM-DD HH:MM:SS"; notFuture refuses a moment after now (no snapshot can be from then). */
  z.strictObject({ ...parameterCommon, type: z.literal('timestamp'), notFuture: z.boolean().default(false), default: z.string().optional() }),
  z.strictObject({ ...parameterCommon, type: z.literal('identifier'), default: z.string().optional() }),
  /** Names such as Dagster schedules, comma-separated ("a,b"): each letters, digits and _ only; read as that list, in that order. */
  z.strictObject({
    ...parameterCommon,
    type: z.literal('names'),
    default: z.string().optional(),
    /**
     * What becomes of a name the diagnosis suggested that a plan given fewer leaves out ("left STOPPED: not started by
     * this plan"), said beside the names left out; without it, "not acted on by this plan".
     */
    leftOut: z.string().min(1).optional(),
  }),
  /** A plain token such as a plan id: letters, digits and _ . : - only. */
  z.strictObject({ ...parameterCommon, type: z.literal('token'), default: z.string().optional() }),
  /**
   * A MotherDuck named snapshot's name as MotherDuck lists it: any 1–255 characters but control characters. It reaches
   * SQL only as a literal ({{name | snapshot-name}}) or as a bound value (a step's `snapshot` field): checked at load.
   */
  z.strictObject({ ...parameterCommon, type: z.literal('snapshot-name'), default: z.string().optional() }),
  z.strictObject({ ...parameterCommon, type: z.literal('integer'), min: z.number().int().optional(), max: z.number().int().optional(), default: z.string().optional() }),
  z.strictObject({
    ...parameterCommon,
    type: z.literal('path'),
    /** What must be at the path before anything runs; duckdb-file: a file with DuckDB's header (opening it is a guard's job). */
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

/**
 * A key of a verdict or follow-up that, indented one level too far, YAML folds into the end of the advice above it as
 * text ("… with .broken added. paths: [a, b]"); the same words inside the advice ("severity: critical on …") are prose.
 */
const keyFoldedIn = /(?:^|\s)((?:paths|suggest|when|proposes|followUps|knownEmpty|holdsUntil):\s*(?:\[[^\]\n]*\]|\{(?!\{)[^}\n]*\})|(?:afterRecovery|passed):\s*(?:true|false))\s*$/;
/**
 * A verdict's severity folded in the same way. Prose may end so too ("Soda reports severity: critical"): told apart by
 * the verdict, which must say its severity, so one folded in leaves it without one; a verdict that has its own is prose.
 */
const severityFoldedIn = /(?:^|\s)(severity:\s*(?:ok|warning|critical))\s*$/;

const foldedKeyIssue = (folded: string) => ({
  code: 'custom' as const,
  message: `holds "${folded.trim()}", which reads as a key indented into the advice above it: YAML took it as advice text, so it is not used. Indent it as the other keys are`,
});

/** What the operator should understand and do next: a key folded into it by its indent would be lost without a word. */
const advice = z
  .string()
  .min(1)
  .superRefine((text, ctx) => {
    const folded = keyFoldedIn.exec(text)?.[1];
    if (folded) ctx.addIssue(foldedKeyIssue(folded));
  });

/**
 * The diagnosis of another scenario a message offers as buttons (scenario 2 for a window), its parameters templates; one
 * button per value of `oneEach` (an enum parameter of that scenario) when given. Checked against the other runbook when
 * the runbooks load.
 */
export const opensDiagnosis = z.strictObject({
  scenario: z.string().regex(/^[a-z][a-z0-9-]*$/),
  params: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), template).default({}),
  oneEach: z.string().optional(),
});

export type OpensDiagnosis = z.output<typeof opensDiagnosis>;

export const verdict = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/),
  title,
  /** Omitted on the last verdict only: the default when no other verdict's condition holds. */
  when: condition.optional(),
  /** What the operator should understand and do next. */
  advice,
  /** Recovery paths offered for this verdict, by id. */
  paths: z.array(z.string()).default([]),
  /**
   * What the advice says of its paths (which to take, what each keeps): said after it only while every one of them is
   * offered. A path refused at once (its move of a database path that is a symbolic link) is not, and the advice must not
   * describe it as the way on: what to do instead is said in its place.
   */
  wayOn: advice.optional(),
  /** Said on every verdict: a healthy one left to a default would be shown red. */
  severity: z.enum(['ok', 'warning', 'critical'], {
    error: (issue) => (issue.input === undefined ? 'every verdict says its severity: ok (healthy), warning or critical' : 'expected one of ok, warning, critical'),
  }),
  /** Parameter values this verdict suggests for the recovery (templates over the diagnosis' step outputs). */
  suggest: z.record(z.string(), z.string()).default({}),
  /**
   * Parameters its paths require that this verdict found there is nothing to give for (scenario 4's window, with no
   * day missed yet), as against not knowing: a plan made on it may go without them, its steps that need them left out
   * (onlyIfGiven). A plan with no such diagnosis still needs them.
   */
  knownEmpty: parameterNames,
  /**
   * Until when what this verdict found holds (scenario 4: the next tick due of a schedule its plan must have running by
   * then, after which the day that tick builds is missed): `at`, a template giving an ISO time (empty: no such bound),
   * and `what`, naming it to the operator refused after it. A plan on a path it offers is refused after it, made or
   * approved; a knownEmpty ends then too, when that comes before the end of its day.
   */
  holdsUntil: z.strictObject({ at: template, what: template }).optional(),
  /**
   * A diagnosis of another scenario this verdict points to (scenario 4's marts stale with Dagster healthy: scenario 2
   * for the stale source's window), offered under the verdict as buttons, its parameters templates over the diagnosis'
   * step outputs; one per value of `oneEach`.
   */
  opens: opensDiagnosis.optional(),
}).superRefine(
  (verdict, ctx) => {
    const folded = verdict.severity === undefined && typeof verdict.advice === 'string' ? severityFoldedIn.exec(verdict.advice)?.[1] : undefined;
    if (folded) ctx.addIssue({ ...foldedKeyIssue(folded), path: ['advice'] });
  },
  // Run when the severity is missing too, which is the case it is for: zod would otherwise skip it on that issue.
  { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
);

/** A read-only count run when a plan is proposed; its value is shown in the plan and bound into it as {{previews.id}}. */
export const preview = z.strictObject({
  id: stepId,
  title,
  sql: z.string().min(1),
  params: z.array(template).default([]),
  /**
   * A diagnosis day-counts step that counted the same rows per day: when the plan's window lies within what it counted
   * and the preview counts otherwise, the plan says the rows changed since the diagnosis (a load landed meanwhile).
   */
  asDiagnosed: stepId.optional(),
  /**
   * A rollback's count of what one of its steps bound to a recovery step (onlyIfRan) would change: shown only when that
   * recovery step ran, as the step is, so a plan never counts what it will not do.
   */
  onlyIfRan: stepId.optional(),
  /**
   * The table it counts may not be there (a mart SQLMesh has not built yet): then it is not counted, the plan says the
   * table does not exist and `said` (what that means for the plan), and it is bound as 0. With `refuses`, the plan is not
   * proposed at all, `said` telling why (a plan that deletes before a step the missing table makes fail).
   */
  ifTableMissing: z.strictObject({ table: template, said: z.string().min(1), refuses: z.boolean().default(false) }).optional(),
  /**
   * A table a step of the plan deletes from: a view of that name refuses the plan before anything runs (DuckDB deletes
   * from base tables only, so the DELETE would fail after the rows were kept), saying what the view reads and `said`.
   */
  ifView: z.strictObject({ table: template, said: z.string().min(1) }).optional(),
});

export type Preview = z.infer<typeof preview>;

export const recoveryPath = z.strictObject({
  id: z.string().regex(/^[a-z]$/, 'path ids are single letters: a, b …'),
  title,
  description,
  parameters: parameterNames,
  /** Of those, the ones this path needs even where the parameter is optional elsewhere (a window, say). */
  requires: parameterNames,
  /** Read-only checks run when the plan is proposed and again before it runs; any failure refuses the plan. */
  guards: z.array(step).default([]),
  previews: z.array(preview).default([]),
  /**
   * Previews of this path that all counting none is worth saying (a window before the source's first row, with no rows
   * in the raw table or the marts: a plan that keeps and deletes nothing and reloads days the source may never have
   * had): the plan then says `said`, a template over the path's parameters. Nothing is refused: an outage is such a window too.
   */
  whenPreviewsNone: z.strictObject({ previews: z.array(stepId).min(1), said: template }).optional(),
  steps: z.array(step).min(1),
  /**
   * What the thread offers when this recovery, or the validation after it, fails and there is nothing to roll back
   * (scenario 4: scenario 2 for the window): posted when the path's steps all passed and its validation then failed
   * (the resumed runs failed), not when a step of its own failed, which its message shows. A template over the path's
   * parameters, posted as is.
   */
  whenFailed: template.optional(),
  /**
   * With whenFailed: the diagnosis of another scenario the thread offers as buttons (scenario 4: scenario 2 for the
   * window), its parameters templates over this path's; one button per value of `oneEach` (an enum parameter of that
   * scenario) when given. Checked against the other runbook when the runbooks load.
   */
  whenFailedOpens: opensDiagnosis.optional(),
  /**
   * A path proposed as its own plan, with the same parameters, when this one succeeds: a second approval, by someone
   * who has now seen what this one posted (a restored clone's counts, say), before the next change.
   */
  continueWith: z.string().regex(/^[a-z]$/).optional(),
  /**
   * The path works on what an earlier run of an incident left (a restored clone to swap in, clones to drop): typed
   * without incident=, it is refused, instead of opening an empty incident with nothing to work on.
   */
  needsIncident: z.boolean().default(false),
  /**
   * The path tidies up after a recovery (drops leftover clones): no validation follows it, and the postmortem does not
   * count it as what recovered the incident.
   */
  cleanup: z.boolean().default(false),
  /**
   * Who may approve this path's plan and its rollback: `teammate`, someone other than the requester (the two-person
   * rule), or `anyone` allowed. A path with a destructive step always needs a teammate; omitted, that is the default.
   */
  approval: z.enum(['teammate', 'anyone']).optional(),
  rollback: z
    .strictObject({
      title,
      /** Parameters the operator gives when asking for the rollback (a plan id to restore, say); all optional. */
      parameters: parameterNames,
      /** Read-only steps run when the rollback is requested, whose output helps choose those parameters. */
      inspect: z.array(step).default([]),
      /** Read-only checks run when the rollback is proposed and again before it runs (the recovery's are not reused). */
      guards: z.array(step).default([]),
      /** Counts taken when the rollback is proposed (the rows a window's replacement deletes), shown and bound as a path's are. */
      previews: z.array(preview).default([]),
      steps: z.array(step).min(1),
      /**
       * What a recovery step changed that this rollback does not undo (SQLMesh's state a `plan prod` reconciled), bound to
       * that step: said in the rollback's plan ("# not undone by this rollback: …") and after it, so nobody takes it
       * for put back.
       */
      notUndone: z.array(z.strictObject({ onlyIfRan: z.string().min(1), said: z.string().min(1) })).default([]),
    })
    .optional(),
});

/** Advice posted in the thread after a validation whose step statuses match `when` (leftover clones to drop, say). */
export const followUp = z.strictObject({
  when: condition,
  /**
   * Posted only after a recovery of the incident that is still in place (true), or only when there is none (false: a
   * validation typed on a database nothing recovered, which advice about "the recovery" would misdescribe); omitted, both.
   */
  afterRecovery: z.boolean().optional(),
  /**
   * Posted only when the validation passed (true), or only when it did not (false); omitted, either. Advice to let go of
   * what a rollback needs (the bot's named snapshots) is for a recovery the validation found good.
   */
  passed: z.boolean().optional(),
  /** A template over the validation's parameters, engine values and its own steps' outputs ({{steps.<id>.<output>}}). */
  advice,
  /**
   * A recovery path of this runbook the advice leads to (path C, the cleanup): a button that proposes its plan in the
   * incident's thread, as `/databox recover … path=<path> incident=<id>` would, beside that command. `label` (what the
   * plan does, "Plan cleanup of 2 leftover clones") and `params` are templates like `advice`.
   */
  proposes: z
    .strictObject({
      path: z.string().regex(/^[a-z]$/),
      label: z.string().min(1),
      params: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), template).default({}),
    })
    .optional(),
});

/** Two date parameters that form a window: `from` not after `to`, at most `maxDays` long, given together. */
export const windowConstraint = z.strictObject({ from: z.string(), to: z.string(), maxDays: z.number().int().positive() });

export const runbook = z
  .strictObject({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/),
    title,
    section: z.number().int().positive(),
    summary: description,
    // Shown as written too, but they may quote what an operator sees ("{{ var('start') }}" in a Jinja error).
    symptoms: z.array(z.string().min(1)).min(1),
    prevention: z
      .array(z.strictObject({ check: z.string(), where: z.string(), status: z.string() }))
      .default([]),
    /** The database a mutating plan locks: one mutating plan per database at a time. */
    lockKey: z.string().default('{{database_path}}'),
    /** Names the runbook makes from engine values ({{incident_slug}}, {{targets.motherduck.database}}), read as {{names.<name>}}. */
    names: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), z.string().min(1)).default({}),
    parameters: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), parameter).default({}),
    windows: z.array(windowConstraint).default([]),
    /** Parameters of which a command takes one at most (a moment or a named snapshot to go back to, not both). */
    exclusive: z.array(z.array(z.string()).min(2)).default([]),
    diagnosis: z.strictObject({ parameters: parameterNames, steps: z.array(step).min(1), verdicts: z.array(verdict).min(1) }),
    recovery: z.array(recoveryPath).min(1),
    validation: z.strictObject({
      parameters: parameterNames,
      requires: parameterNames,
      /**
       * Parameters a validation not given them takes from its incident: the value its latest recovery that ran was
       * given (none, if it was given none), else the one its verdict suggests; {{taken_from.<name>}} says which.
       */
      fromIncident: parameterNames.default([]),
      steps: z.array(step).min(1),
      followUps: z.array(followUp).default([]),
    }),
  })
  .superRefine((rb, ctx) => {
    // The shape only; what the runbook's names refer to is checked by runbookProblems (check.ts) once it has this shape.
    const pathIds = new Set<string>();
    rb.recovery.forEach((p, i) => {
      if (pathIds.has(p.id)) ctx.addIssue({ code: 'custom', path: ['recovery', i, 'id'], message: `duplicate path id "${p.id}"` });
      pathIds.add(p.id);
      checkUniquePreviewIds(p.previews, ['recovery', i, 'previews'], ctx);
      if (p.rollback) checkUniquePreviewIds(p.rollback.previews, ['recovery', i, 'rollback', 'previews'], ctx);
      // Guards and steps run as one sequence, so their ids share one namespace.
      checkUniqueStepIds(
        [
          [p.guards, ['recovery', i, 'guards']],
          [p.steps, ['recovery', i, 'steps']],
        ],
        ctx,
      );
      if (p.rollback) {
        checkUniqueStepIds(
          [
            [p.rollback.guards, ['recovery', i, 'rollback', 'guards']],
            [p.rollback.steps, ['recovery', i, 'rollback', 'steps']],
          ],
          ctx,
        );
        checkUniqueStepIds([[p.rollback.inspect, ['recovery', i, 'rollback', 'inspect']]], ctx);
      }
    });
    checkUniqueStepIds([[rb.diagnosis.steps, ['diagnosis', 'steps']]], ctx);
    checkUniqueStepIds([[rb.validation.steps, ['validation', 'steps']]], ctx);
  });

/** {{previews.<id>}} names one count: a second preview of the same id would be shown, and the first bound. */
function checkUniquePreviewIds(previews: readonly Preview[], at: (string | number)[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  previews.forEach((preview, j) => {
    if (seen.has(preview.id)) ctx.addIssue({ code: 'custom', path: [...at, j, 'id'], message: `duplicate preview id "${preview.id}"` });
    seen.add(preview.id);
  });
}

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
