// What every SQL-running step shares: open its target (the DuckDB file or MotherDuck), bound it in time, turn errors into a failed result.
import path from 'node:path';
import { isTargetError, type QueryResult, type TargetSession } from '../../database/target.js';
import type { StepResult } from '../types.js';
import { elapsedSince, targetOf, type StepRunContext, type TargetChoice } from './context.js';
import { driverFaultSaid, isDriverFault } from './driver-fault.js';
import { formatDuration } from '../../format-duration.js';
import { duckdbSaysReadOnly, readOnlyFix, readOnlySaid } from '../../disk/read-only-file-system.js';

export type Fail = (summary: string, outputs?: Record<string, unknown>) => StepResult;

/** A failed statement in the operator's words: the step ends with this status and summary, DuckDB's text as its output. */
export interface Explained {
  status: string;
  summary: string;
}

/**
 * An error after which the step knows it changed no data (rows kept in a file that could not be checked, nothing
 * deleted): its result says so (untouched), with what it left on disk as outputs (the file, moved aside), and the error
 * it came of (`cause`), where that is said as it came: a fault in the bot is said as one.
 */
export class ChangedNothing extends Error {
  constructor(
    message: string,
    readonly outputs: Record<string, unknown>,
    override readonly cause?: Error,
  ) {
    super(message);
  }
}

/**
 * An error after which the step may have changed part of what it changes (the statements of a multi-statement step
 * applied before the one that failed, a COMMIT not answered): its result says how far it got, as outputs its kind reads
 * (partWay), and the error it stopped at (`cause`), so a fault in the bot is said as one.
 */
export class StoppedPartWay extends Error {
  constructor(
    message: string,
    readonly outputs: Record<string, unknown>,
    override readonly cause: Error,
  ) {
    super(message);
  }
}

export async function withStepDatabase(
  ctx: StepRunContext,
  options: {
    target?: TargetChoice;
    writable: boolean;
    timeoutMs: number;
    /** Asked, on the same session, what an error `work` threw comes to; never after a timeout. */
    explain?: (error: Error, session: TargetSession) => Promise<Explained>;
  },
  work: (session: TargetSession, fail: Fail, started: number) => Promise<StepResult>,
): Promise<StepResult> {
  const started = performance.now();
  const fail: Fail = (summary, outputs = {}) => ({ status: 'failed', summary: ctx.redact(summary), durationMs: elapsedSince(started), outputs });
  const target = targetOf(ctx, options.target ?? 'backend');
  let session: TargetSession;
  try {
    session = await target.open({ writable: options.writable });
  } catch (error) {
    // Never opened, nothing changed (a load holding the file's lock, say): no run is said to have changed part of it,
    // and no rollback is offered for it. A target that cannot be reached (no token, no extension) says so in its own
    // line, with the problem as an output.
    if (isTargetError(error)) return { ...fail(error.message, { problem: error.problem }), status: 'unreachable', untouched: true };
    if (options.writable && target.name === 'local' && duckdbSaysReadOnly(error)) {
      return { ...fail(`cannot open ${target.label} to write: ${readOnlySaid(path.dirname(target.label))}; nothing was changed: ${readOnlyFix}, then ask again`), untouched: true };
    }
    return { ...fail(`cannot open ${target.label}: ${(error as Error).message}; nothing was changed`), untouched: true };
  }
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    session.interrupt();
  }, options.timeoutMs);
  try {
    return await work(session, fail, started);
  } catch (error) {
    const message = errorSaid(error as Error, target.label);
    const [outputs, untouched] = error instanceof ChangedNothing ? [error.outputs, { untouched: true as const }] : error instanceof StoppedPartWay ? [error.outputs, {}] : [{}, {}];
    const explained = timedOut ? undefined : await options.explain?.(error as Error, session).catch(() => undefined);
    if (explained && !timedOut) return { ...fail(explained.summary, outputs), status: explained.status, output: ctx.redact(message), ...untouched };
    return { ...fail(timedOut ? `stopped after ${formatDuration(options.timeoutMs)} (timeout): ${message}` : message, outputs), ...untouched };
  } finally {
    clearTimeout(timer);
    await session.close();
  }
}

/**
 * A step's error as the operator reads it: a fault in the bot or its driver (a TypeError) said as one, also where the
 * step wrapped it to say how far it got (StoppedPartWay) or that it changed nothing (ChangedNothing), never as if the
 * database had answered so.
 */
function errorSaid(error: Error, database: string): string {
  const fault = error instanceof StoppedPartWay || error instanceof ChangedNothing ? (error.cause ?? error) : error;
  if (!isDriverFault(fault)) return error.message;
  const said = driverFaultSaid(fault, database);
  return fault === error || !error.message.includes(fault.message) ? said : error.message.replace(fault.message, said);
}

/**
 * Reads a step makes before it writes anything: an error there (the kept file unreadable, the step's timeout) changed
 * nothing, so it is thrown as ChangedNothing.
 */
export async function beforeWriting<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof ChangedNothing) throw error;
    throw new ChangedNothing((error as Error).message, {}, error as Error);
  }
}

/** What a step's outputs say when its transaction ended without an answer that tells whether what it did stays. */
export const transactionOutcomeUnknown = { transactionOutcome: 'unknown' } as const;

/**
 * Runs `work` in a transaction: committed when it returns commit: true, rolled back otherwise or on an error. With
 * `rolledBack`, an error of `work` whose ROLLBACK then succeeded is thrown as ChangedNothing, worded by it: nothing it did
 * stays (unless it words it undefined: an error after which that cannot be known, a connection lost). Not a COMMIT that failed (whether it was applied is not known), nor an error after which the ROLLBACK failed too:
 * with `rolledBack`, those are thrown as StoppedPartWay (transactionOutcomeUnknown), so the step may have changed what it changes.
 */
export async function inTransaction<T>(
  session: TargetSession,
  work: () => Promise<{ commit: boolean; value: T }>,
  rolledBack?: (error: Error) => string | undefined,
): Promise<T> {
  await session.run('BEGIN TRANSACTION');
  let outcome: { commit: boolean; value: T };
  try {
    outcome = await work();
  } catch (error) {
    const undone = await session.run('ROLLBACK').then(
      () => true,
      () => false,
    );
    const nothingChanged = undone && !(error instanceof ChangedNothing) ? rolledBack?.(error as Error) : undefined;
    if (nothingChanged !== undefined) throw new ChangedNothing(nothingChanged, {});
    if (rolledBack && !(error instanceof ChangedNothing)) throw new StoppedPartWay((error as Error).message, { ...transactionOutcomeUnknown }, error as Error);
    throw error;
  }
  try {
    await session.run(outcome.commit ? 'COMMIT' : 'ROLLBACK');
  } catch (error) {
    await session.run('ROLLBACK').catch(() => undefined);
    if (rolledBack && outcome.commit) throw new StoppedPartWay((error as Error).message, { ...transactionOutcomeUnknown }, error as Error);
    throw error;
  }
  return outcome.value;
}

/** A string literal for a file path in COPY … TO and read_parquet: single quotes doubled. */
export const sqlString = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** The first column of the first row as a number: a count, or the rows a statement changed. */
export function firstNumber(result: QueryResult): number {
  return Number(result.rows[0]?.[0] ?? 0);
}
