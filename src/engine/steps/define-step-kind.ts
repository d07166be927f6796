// The shape of one step kind's module: its runbook schema, what its runs can produce, how it resolves, reads in a plan and runs.
import type { z } from 'zod';
import type { DagsterClient } from '../../dagster/graphql-client.js';
import type { StepCommon } from '../../runbook/step-common.js';
import type { TemplateContext } from '../../runbook/template.js';
import type { StepResult } from '../types.js';
import type { DatabaseTarget } from '../../database/target.js';
import type { StepRunContext, TargetChoice } from './context.js';

/** What the engine adds to every resolved step, whatever its kind. */
export interface ResolvedCommon {
  timeoutMs: number;
  /** True for a path's read-only guard checks, which run first. */
  guard: boolean;
}

/** A template inside a step, so the load-time check can read its placeholders and say where it is. */
export interface TemplateUse {
  /** Where it is inside the step: ['argv', 2, 'argv', 0]. */
  at: (string | number)[];
  template: string;
  /**
   * text: every placeholder rendered as text (argv elements, paths, bound values);
   * sql: every placeholder must render as a plain SQL identifier;
   * list: the text itself is one expression naming a list (forEach).
   */
  as: 'text' | 'sql' | 'list';
  /** Rendered once per item of a list, with {{item}} set to it. */
  perItem?: boolean;
}

/** What the steps of a plan before a step write (writesFiles): files its refusal may not find yet, and should not. */
export interface EarlierWrites {
  /** Whether an earlier step of the plan writes `file`. */
  writes(file: string): boolean;
}

/** A problem with one step, found when its runbook loads; `at` is inside the step. */
export interface StepIssue {
  at: (string | number)[];
  /** As said of a step of a diagnosis, a validation or a guard (or wherever its place is not known). */
  message: string;
  /** As said instead of a step among a recovery path's or a rollback's steps, where the advice differs. */
  amongChangingSteps?: string;
}

/** The other steps a step may name (compareWith), as the load-time check sees them. */
export interface StepReferences {
  /** The runbook's diagnosis steps, in order. */
  diagnosisSteps: readonly { id: string; kind: string }[];
  /** Where this step is: diagnosis, validation, a recovery path's steps … */
  phase: string;
  /** The steps that run before it in the same sequence (a path's guards and steps), as the runbook has them. */
  earlier: readonly ({ id: string; kind: string } & Record<string, unknown>)[];
  /** The ids of every recovery path's previews: the counts a validation step may compare with (rows-outside-window). */
  recoveryPreviews?: readonly string[];
  /** The Dagster jobs the recovery paths' steps backfill (dagster-backfill's job): the stack's own. */
  recoveryJobs?: readonly string[];
  /** The runbook's `names`, by name, as written: what a {{names.<name>}} in the step is made of. */
  names: Readonly<Record<string, string>>;
}

export interface ResolveTools {
  root: string;
  values: TemplateContext;
  /** Renders a template as text. */
  text(template: string): string;
  /** Renders a template as a path, made absolute inside the databox checkout. */
  inRoot(template: string): string;
  /** Renders SQL whose placeholders stand for identifiers, or for typed literals ({{at | timestamp}}). */
  sql(template: string): string;
  /** The configured Dagster webserver and daemon command, so a plan shows exactly what will run. */
  dagster: DagsterSettings;
  /** The plan's clock: a timestamp literal must be before it. */
  now: Date;
  /** What the kind's `prepare` answered for this step when the plan was made; undefined when it has none or was not asked. */
  prepared?: unknown;
  /** The steps resolved before it in the same sequence (where a DELETE's rows were kept); none when it is resolved alone. */
  earlier?: readonly ({ id: string; kind: string } & Record<string, unknown>)[];
}

/** What a kind may ask before a plan is made, so the plan shows what will run rather than finding it out at run time. */
export interface PrepareTools {
  dagster: DagsterSettings & {
    /** Undefined when DAGSTER_URL is not set. */
    client?: DagsterClient;
    /** The configured code location (DAGSTER_LOCATION), when there is one. */
    location?: string;
  };
}

/** What a kind may read when a plan is made (readWhenPlanned): the databases its steps name. */
export interface PlanReadTools {
  target(choice: TargetChoice): DatabaseTarget;
  /** The Dagster webserver's client, when DAGSTER_URL is set and the plan is a rollback's (the schedules' states it stops). */
  dagster?: DagsterClient;
}

export interface DagsterSettings {
  url?: string;
  /** DAGSTER_DAEMON_START as argv. */
  daemonStart: readonly string[];
}

export const defaultDagsterSettings: DagsterSettings = { daemonStart: ['uv', 'run', 'dagster-daemon', 'run'] };

export interface DescribeTools {
  root: string;
  /** A path relative to the checkout where it is inside it. */
  rel(target: string): string;
  /** One argv element, quoted only where a reader would misread where it ends. */
  showArg(arg: string): string;
  /** The bound values of a statement, as an SQL comment line. */
  bound(params: readonly string[]): string;
}

type Parsed<S extends z.ZodObject> = z.output<S> & StepCommon;

/** A program a step starts: its argv[0], the directory it starts in, and the PATH it is looked up on (the bot's by default). */
export interface ProgramUse {
  file: string;
  /** Where a relative file or PATH entry is looked up from: the directory the program starts in. */
  cwd: string;
  pathVariable?: string;
  /** The runbook field the cwd was written in (`cwd`), named when that folder is not there: a runbook's mistake. */
  cwdField?: string;
}

/** What an output holds, as a template reads it: one value (text, a number, true or false), a list, or a map of names to values. */
export type OutputShape = 'text' | 'list' | 'map';

/**
 * One output of a kind: what it holds, and on which of the kind's statuses its run leaves it unset (out of the outputs,
 * or null), so a text naming it for a step that ended so would be posted with a marker in its place. Either the statuses
 * that leave it unset (unsetWhen), or the only ones that set it (onlyWhen: a problem said only when it was unreachable).
 */
export type OutputDeclaration<Status extends string = string> = { shape: OutputShape; unsetWhen?: readonly Status[] } | { shape: OutputShape; onlyWhen: readonly Status[] };

/** A kind's outputs by name, each its shape alone (set on every status its run returns) or a declaration. */
export type OutputDeclarations<Status extends string = string> = Readonly<Record<string, OutputShape | OutputDeclaration<Status>>>;

export interface StepKindDefinition<K extends string, S extends z.ZodObject, R extends StepCommon & { kind: K }, Status extends string = string> {
  kind: K;
  /** A strictObject with the common step fields (stepCommon) and `kind: z.literal(K)`. */
  schema: S;
  /**
   * Every status its run can return. The engine adds skipped, failed and timeout to any step, with no output set: a kind
   * whose run returns one of them itself, outputs set, lists it too.
   */
  statuses: readonly Status[] | ((step: Parsed<S>) => readonly Status[]);
  /**
   * Statuses meaning that something else is using what the step looks at right now (a file another process holds),
   * each with what it means: a guard that accepts one would let a plan change it under that user, so it is refused at load.
   */
  inUseStatuses?: Readonly<Record<string, string>>;
  /**
   * Its statuses saying the step could not see what it looks at (MotherDuck unreachable, a read that ran out of memory),
   * not an answer about it, besides the engine's own (failed, timeout, interrupted): a verdict reading the step may have
   * held had it seen, so a later one offering recovery is not given on it (src/engine/undecided-verdict.ts).
   */
  unseeingStatuses?: readonly NoInfer<Status>[];
  /**
   * Every key its run puts in StepResult.outputs, for {{steps.<id>.<key>}} and the like: with its shape and the statuses
   * that leave it unset, each status one of `statuses` (the compiler refuses another where they are fixed names).
   */
  outputs: OutputDeclarations<NoInfer<Status>> | ((step: Parsed<S>) => OutputDeclarations<NoInfer<Status>>);
  /** Its text outputs that hold a moment (an ISO 8601 time) or nothing: what a verdict's holdsUntil.at may name. */
  timeOutputs?: readonly string[];
  defaultTimeoutMs: number;
  /** Rules about the step's own fields (a move is destructive, SQL that changes data mutates …). */
  rules?(step: Parsed<S>): StepIssue[];
  /** Every template in the step. */
  templates(step: Parsed<S>): TemplateUse[];
  /** Checks the names of other steps it refers to. */
  references?(step: Parsed<S>, scope: StepReferences): StepIssue[];
  /**
   * Looks up, before the plan is made, what the plan must name (the assets a Dagster job backfills, say); the answer is
   * `tools.prepared` in resolve. A lookup that fails is an answer too (resolve says what it does instead): it never throws.
   */
  prepare?(step: Parsed<S>, tools: PrepareTools): Promise<unknown>;
  /** Fills in every template: the exact argv, paths and SQL that will run. */
  resolve(step: Parsed<S>, tools: ResolveTools): R;
  /**
   * Reads, when the plan is made, what the plan must say of the database as it is then (rows written since the
   * diagnosis, writes a restore undoes): kept in the resolved step, and so in what the approval binds to, for its run to
   * hold the database to. Throws a UserError when it cannot read: nothing is proposed.
   */
  readWhenPlanned?(step: R & ResolvedCommon, tools: PlanReadTools): Promise<R & ResolvedCommon>;
  /** What the approver must read before approving, from what readWhenPlanned found: said with the plan's warnings. */
  planWarning?(step: R & ResolvedCommon): string | undefined;
  /**
   * What readWhenPlanned found leaves this changing step nothing to change ("no clone of this incident is left"), or
   * undefined: a plan whose every changing step says so is not proposed, and the refusal says each.
   */
  nothingWhenPlanned?(step: R & ResolvedCommon): string | undefined;
  /**
   * What about this changing step makes its plan need a teammate's approval though nothing in it is destructive (a
   * backfill of many days: "launches a large backfill (…)"), said after "It" in the plan's header; undefined when nothing.
   */
  teammateBecause?(step: R & ResolvedCommon): string | undefined;
  /** Steps the engine runs right before this one, shown in the plan like any other. */
  precededBy?(step: R & ResolvedCommon, tools: ResolveTools): (R & ResolvedCommon)[];
  /** The exact text shown in a plan and the postmortem. */
  describe(step: R & ResolvedCommon, tools: DescribeTools): string;
  /** That text is SQL throughout (a comment may follow a statement), not argv: how the postmortem puts it on one line. */
  describesSql?: boolean;
  /** The programs its run starts (argv[0]; `root`, the checkout): looked up before a changing plan is proposed and before it runs. */
  programs?(step: R & ResolvedCommon, root: string): ProgramUse[];
  /**
   * Why it could not do what its plan says as things are now (a move of a symbolic link), checked when programs are:
   * before its plan runs, not before it does. `plan` says what the plan's earlier steps write, not there yet (none when left out).
   * A promise where finding out reads a file through (a kept file's digest), so the event loop is not held meanwhile.
   */
  refusal?(step: R & ResolvedCommon, plan?: EarlierWrites): string | undefined | Promise<string | undefined>;
  /** The new files its run writes (the Parquet file rows are kept in), for a later step of its plan that reads one. */
  writesFiles?(step: R & ResolvedCommon): string[];
  /**
   * Its destructive change is to other databases than the plan's own (the clones a cleanup drops): the engine's named
   * snapshot of that database before it would keep nothing of what it changes, so none is taken.
   */
  changesOtherDatabases?: boolean;
  /**
   * What this step writes is only something new beside the plan's database (a clone made from it): nothing already there
   * changes. A run that stopped after it left the database as it was, and a plan made on the database before it ran is
   * still a plan on the database as it is.
   */
  onlyMakesNew?(step: R & ResolvedCommon): boolean;
  /**
   * What to do about a changing step of this kind that stopped part-way (failed, timed out, its answer lost), said after
   * its summary wherever what a run changed is listed; by default, that it may have changed part of what it changes and
   * the data is to be looked at first. A kind that changes something else (a process it started) says what to look at;
   * undefined where its outputs tell no more than that default.
   */
  stoppedPartWay?(step: R & ResolvedCommon, result: { status: string; outputs?: Record<string, unknown> }): string | undefined;
  /**
   * The statuses besides ok and unknown with which a changing step of this kind may have done part of its work (failed
   * after starting one of two schedules), and whether it did, as its outputs say: a run that stopped so is said to have
   * changed something, a rollback bound to it (onlyIfRan) is offered, and the same plan is not proposed again. The
   * engine's own timeout may be among them: a step it stopped waiting for may have gone on (a daemon it spawned).
   */
  partWay?: {
    statuses: readonly (NoInfer<Status> | 'timeout')[];
    changed(outputs: Readonly<Record<string, unknown>>): boolean;
    /**
     * Outputs set whenever `changed` says it changed something (a move half done records where the file is): a rollback
     * part bound to the step (onlyIfRan), built only then, may read them though a failure leaves them unset otherwise.
     */
    sets?: readonly string[];
  };
  /**
   * What a changing step of this kind changes when that is not the plan's database ("Dagster's schedules"): a run left
   * part-way having changed only such things is said to have changed those, not its database.
   */
  changesElsewhere?: string;
  /**
   * Whether a changing step of this kind writes only the marts of the plan's database (a SQLMesh restate; not a Dagster
   * backfill, whose job loads raw rows too), never its raw rows: a plan that changed only that is said to have changed
   * its marts, not the database.
   */
  writesOnlyMarts?(step: R & ResolvedCommon): boolean;
  /**
   * What a rollback never undoes of a step of this kind that ran and may have changed something (the runs of a backfill
   * it launched go on writing the marts), and how to undo it by hand: said where the rollback is offered, which would
   * otherwise read as undoing all the recovery changed.
   */
  notUndoneByRollback?(step: R & ResolvedCommon, result: { status: string; outputs?: Record<string, unknown> }): string;
  /**
   * Words whose lines a short view of its output keeps wherever they fall (the terminal shows a few lines of it): the
   * rows its verdict turns on (a STOPPED schedule), which a cut of the middle would hide.
   */
  keptInShortView?: readonly string[];
  /** What a read-only step still writes beside the database and removes again (a scratch clone), said where a run is called read-only. */
  scratchWrites?(step: R & ResolvedCommon): string | undefined;
  /**
   * What someone else started since the plan was made that this step would clash with (a backfill of the same
   * partitions launched from Dagster's UI), read right before the plan's first changing step runs, so the plan stops
   * with nothing changed rather than at this step, after the steps before it changed things. Undefined when nothing is
   * in the way, or when it could not be read (the step then says what it meets when it runs).
   */
  inTheWayNow?(step: R & ResolvedCommon, ctx: StepRunContext): Promise<string | undefined>;
  run(step: R & ResolvedCommon, ctx: StepRunContext): Promise<StepResult>;
}

export function defineStepKind<const K extends string, S extends z.ZodObject, R extends StepCommon & { kind: K }, const Status extends string = string>(
  definition: StepKindDefinition<K, S, R, Status>,
): StepKindDefinition<K, S, R, Status> {
  return definition;
}

/** A kind's statuses or outputs for one step: as declared, or as they depend on the step (classify rules). */
export function forStep<S, T>(declared: T | ((step: S) => T), step: S): T {
  return typeof declared === 'function' ? (declared as (step: S) => T)(step) : declared;
}

/**
 * Outputs the same statuses leave unset, each with its shape, and `others` declared each on its own. One declaration,
 * not spread into another: a spread beside other outputs would no longer hold the compiler to the kind's statuses.
 */
export function unsetAlike<const Status extends string>(
  shapes: Readonly<Record<string, OutputShape>>,
  unsetWhen: readonly Status[],
  others: Readonly<Record<string, OutputShape | OutputDeclaration<Status>>> = {},
): Record<string, OutputShape | OutputDeclaration<Status>> {
  return { ...Object.fromEntries(Object.entries(shapes).map(([name, shape]) => [name, { shape, unsetWhen }])), ...others };
}

/** One output as the load-time checks read it: its shape and the statuses that leave it unset. */
export interface OutputFacts {
  shape: OutputShape;
  /** Whether the run leaves it unset when the step ends `status`, one of the kind's statuses for the step. */
  unsetOn(status: string): boolean;
}

/** A step's outputs, by name, from its kind's declaration. */
export function outputFacts(declared: OutputDeclarations): Map<string, OutputFacts> {
  return new Map(
    Object.entries(declared).map(([name, declaration]) => {
      if (typeof declaration === 'string') return [name, { shape: declaration, unsetOn: () => false }];
      const facts: OutputFacts =
        'onlyWhen' in declaration
          ? { shape: declaration.shape, unsetOn: (status) => !declaration.onlyWhen.includes(status) }
          : { shape: declaration.shape, unsetOn: (status) => declaration.unsetWhen?.includes(status) ?? false };
      return [name, facts];
    }),
  );
}

/** Every member of a union of statuses, listed once: the compiler refuses a list that misses one. */
export function everyStatus<T extends string>(members: Record<T, true>): T[] {
  return Object.keys(members) as T[];
}
