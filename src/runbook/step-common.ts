// The fields every runbook step has, whatever its kind, and the small value types step kinds build their schemas from.
import { z } from 'zod';
import { longestTimerMs, longestTimerText, parseDuration } from '../config.js';
import { UserError } from '../errors.js';

export const stepId = z.string().regex(/^[a-z][a-z0-9_]*$/, 'step ids are lower_snake_case');
/** Refuses what a shell would fill in and nothing here does: commands start without a shell, paths are taken as written. */
export function noShellSyntax(text: string, ctx: z.RefinementCtx): void {
  shellSyntaxIn(text, ctx, /\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*/);
}

/**
 * The same for an argv element, where a `$` is often the program's own syntax (jq's `$p`, sed's `$d`, a regular
 * expression's `x$`): only an element that is, as a whole or as an option's value (`--end=$TO`), `${…}` or an
 * environment variable's upper-case name is refused. jq's `$ENV`, a whole element, is jq's filter (`jq -n '$ENV'`).
 */
export function noShellVariableElement(text: string, ctx: z.RefinementCtx): void {
  if (text === '$ENV') return;
  shellSyntaxIn(text, ctx, /^(?:-[-\w]*=)?(\$\{[^}]*\}|\$[A-Z_][A-Z0-9_]*)$/);
}

function shellSyntaxIn(text: string, ctx: z.RefinementCtx, variables: RegExp): void {
  const found = variables.exec(text);
  const variable = found?.[1] ?? found?.[0];
  if (variable) {
    ctx.addIssue({
      code: 'custom',
      message: `"${variable}" is shell syntax, and no shell runs here: it would reach the command or path as written. Write {{name}} for a parameter or an earlier step's output; a setting from the bot's environment goes in the runbook's env`,
    });
  } else if (/^~(\/|$)/.test(text)) {
    ctx.addIssue({ code: 'custom', message: `"${text}" starts with ~, which no shell expands here: it would be a folder named "~". Write the path from DATABOX_ROOT (data/…), or in full` });
  }
}

export const template = z.string().min(1).superRefine(noShellSyntax);
/** One element of a command's argv, a template like any other. */
export const argvElement = z.string().min(1).superRefine(noShellVariableElement);
/** Titles are shown as written: a placeholder in one would reach the operator as "{{backup}}". */
export const title = z
  .string()
  .min(1)
  .refine((text) => !/\{\{/.test(text), { message: 'a title is shown as written, never filled in: take the {{…}} out (values go in the advice or the step itself)' });

/** Descriptions (a runbook's, a path's, a parameter's) are shown as written too, in forms and help, before any value exists. */
export const description = z
  .string()
  .min(1)
  .refine((text) => !/\{\{/.test(text), { message: 'a description is shown as written (in forms, hints and help, before any value exists), never filled in: take the {{…}} out' });

/** A span of time the bot waits for (a timeout, a settle, a wait's interval and deadline): more than 0, at most 24 days. */
export const duration = z.string().superRefine((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined) ctx.addIssue({ code: 'custom', message: 'expected a duration such as 30s, 15m, 2h or 1h30m' });
  // A timeout of 0 fails every step at once; a waitUntil every 0s asks as fast as it can until its deadline.
  else if (ms === 0) ctx.addIssue({ code: 'custom', message: 'must be more than 0' });
  else if (ms > longestTimerMs) ctx.addIssue({ code: 'custom', message: `is longer than the bot can wait (${longestTimerText})` });
});

/** An age compared with a timestamp (how long a schedule has been off), never waited for: no upper bound. */
export const age = z.string().superRefine((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined) ctx.addIssue({ code: 'custom', message: 'expected a duration such as 12h or 31d' });
  else if (ms === 0) ctx.addIssue({ code: 'custom', message: 'must be more than 0' });
});

/** A number of rows a step must change or write: a whole number, or one placeholder standing for one ("{{previews.raw_rows}}"). */
export const rowCount = z
  .string()
  .regex(/^(\d+|\{\{[^{}]+\}\})$/, 'expected a whole number of rows or one placeholder such as "{{previews.raw_rows}}"');

/** The rendered row count, refused before a plan is made when its placeholder did not give a whole number. */
export function renderedRowCount(rendered: string): string {
  if (!/^\d+$/.test(rendered)) throw new UserError(`expectRows came out as "${rendered}", not a whole number of rows: nothing was proposed`);
  return rendered;
}

/** A condition on the status of an earlier step of the same run. */
export type Condition =
  | { step: string; status: string | string[] }
  | { any: Condition[] }
  | { all: Condition[] };

export const condition: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ step: stepId, status: z.union([z.string(), z.array(z.string()).min(1)]) }),
    z.strictObject({ any: z.array(condition).min(1) }),
    z.strictObject({ all: z.array(condition).min(1) }),
  ]),
);

export const stepCommon = {
  id: stepId,
  title,
  mutates: z.boolean().default(false),
  destructive: z.boolean().default(false),
  timeout: duration.optional(),
  /** Run only when this condition on earlier steps holds; otherwise the step is recorded as skipped. */
  onlyIf: condition.optional(),
  /** Rollback steps: include only when the named step of the recovery being undone completed. */
  onlyIfRan: stepId.optional(),
  /** Include only when the operator gave this (optional) parameter; decided when the plan is made, so the plan shows it. */
  onlyIfGiven: z.string().optional(),
  /**
   * With onlyIfGiven: what leaving the step out means, said with the plan when its parameter was not given ("the marts
   * keep what the restate built"). A step without one is left out silently (nothing found to give, say). It may name
   * what the diagnosis found ({{diagnosis.<step>.<output>}}): then it is said only when that was found.
   */
  leftOutNote: z.string().min(1).optional(),
  /**
   * In a recovery or rollback: what to do when the run stops at this step (a backup that does not read in full: another
   * backup, or path A), said in the thread under the failure, at the terminal and in the postmortem.
   */
  whenFailed: template.optional(),
  /**
   * On a guard: what to do when it refuses the plan before anyone is shown it (a backup cut short: another backup, or
   * path A), said with the refusal. Rendered with the plan's values: typed without incident=, there is no incident yet.
   */
  whenRefused: template.optional(),
  /** Statuses besides "ok" that do not fail a recovery, validation or rollback run. */
  acceptStatuses: z.array(z.string()).default([]),
  /**
   * Repeat this read-only step every `every` until it ends with one of `status`, for at most `deadline`; each check is
   * shown as progress. At the deadline the step ends with its last status and says it gave up. With onlyIfGiven, it
   * waits only when that parameter was given (the window a recovery backfilled): without it there is nothing to wait
   * for, and the step is asked once, so a validation typed on its own does not hold a worker for the deadline.
   */
  waitUntil: z
    .strictObject({ status: z.array(z.string().min(1)).min(1), every: duration, deadline: duration, onlyIfGiven: z.string().optional() })
    .refine((wait) => (parseDuration(wait.every) ?? 0) <= (parseDuration(wait.deadline) ?? 0), {
      message: 'every is longer than the deadline: the step would be asked once and give up',
      path: ['every'],
    })
    .optional(),
};

/** The common fields as parsed, which the engine reads on every step whatever its kind. */
export interface StepCommon {
  id: string;
  title: string;
  mutates: boolean;
  destructive: boolean;
  timeout?: string;
  onlyIf?: Condition;
  onlyIfRan?: string;
  onlyIfGiven?: string;
  leftOutNote?: string;
  whenFailed?: string;
  whenRefused?: string;
  acceptStatuses: string[];
  waitUntil?: { status: string[]; every: string; deadline: string; onlyIfGiven?: string };
}
