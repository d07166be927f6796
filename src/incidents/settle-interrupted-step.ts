// After a crash: the step a run was in when its bot died (started, no result) is settled by looking at the disk.
import fs from 'node:fs';
import type { StepRecord } from '../engine/types.js';
import { formatDuration } from '../format-duration.js';
import type { VerifyProblem } from '../journal/record.js';
import type { Run } from './state.js';
import { sameFile } from '../disk/file-identity.js';

/** What a restart or an unlock found still running of a run whose runner was gone, and stopped (see stopLeftovers). */
export interface StoppedLeftovers {
  /** Who stopped them: "the restart", "the unlock". */
  by: string;
  /** Each as stopLeftovers describes it: "task full-refresh (PID 8143)". */
  commands: readonly string[];
}

/** Said alike by the interrupted step and the end of its run, so the two tell one story: what ran on, who stopped it and when. */
export function stoppedLeftoversWords(stopped: StoppedLeftovers, at: string): string {
  return `what it had started was still running, and ${stopped.by} stopped it at ${at} UTC: ${stopped.commands.join(', ')}`;
}

/** Whether a name is there (a dangling link counts: something is at that name). */
function present(file: string): boolean {
  try {
    fs.lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * The result of the step `run` was in, as the disk shows it now; undefined when no step was in flight. A move whose file
 * is at its target and gone from its source took effect (its outputs are those it would have given, so the rollback
 * can put it back); one whose file is still where it was and not at its target did not. A copy took effect when its
 * target is there (it appears by one atomic link, after the copy was checked). A file step with no journaled intent
 * never touched anything (the intent comes first). Any other step that changes data may have done part of its work:
 * "unknown", and the operator is asked to check. A read-only step was merely interrupted. On a journal that failed
 * verification (`journalProblem`), nothing is settled as not done. `stopped`: what was still running of it when its
 * runner was found gone, and was stopped then: the step ran until then, not "at most" until then.
 */
export function settleInterruptedStep(run: Run, now: Date, journalProblem?: VerifyProblem, stopped?: StoppedLeftovers): StepRecord | undefined {
  const found = settleFromDisk(run, now, stopped);
  if (!found || !journalProblem || found.status === 'ok' || found.status === 'interrupted') return found;
  // The journal failed verification: its last lines may be lost, and with them this step's intent, its result and what
  // came after. "Not done" would then rest on what is missing, not on what is there (a move whose intent was in the
  // lost tail did happen). Settled all the same, so the run stops showing as running and its database is not held,
  // but as "unknown": an on-call operator is told to look at the files, never told nothing happened.
  // Nor is it said to have changed nothing: what the disk shows may not be all it did.
  const { untouched: _changedNothingOnDisk, ...asFound } = found;
  return {
    ...asFound,
    status: 'unknown',
    summary: `could not tell: the journal failed verification at line ${journalProblem.line}, so this step's intent or result may be among its lost lines (from the disk alone: ${found.summary}); check the files by hand`,
  };
}

function settleFromDisk(run: Run, now: Date, stopped?: StoppedLeftovers): StepRecord | undefined {
  const inFlight = run.inFlight;
  const step = inFlight ? run.steps.find((s) => s.id === inFlight.stepId) : undefined;
  if (!inFlight || !step) return undefined;
  // A file step runs in the bot itself: what was stopped of the run, if anything, was not this step's.
  const fileStep = step.kind === 'move' || step.kind === 'copy-file';
  const stoppedNow = !fileStep && stopped && stopped.commands.length > 0 ? stopped : undefined;
  // Nobody saw it end: it ran at most from its start until now, when its bot was found gone (a restart, an unlock);
  // found still running and stopped now, it ran until now.
  const started = inFlight.startedAt ? Date.parse(inFlight.startedAt) : Number.NaN;
  const ran = Number.isFinite(started) ? Math.max(0, now.getTime() - started) : undefined;
  // Times of day, or dates too when the two are not on the same day (a bot down over a weekend).
  const sameDay = new Date(started).toISOString().slice(0, 10) === now.toISOString().slice(0, 10);
  const at = (ms: number) => new Date(ms).toISOString().slice(sameDay ? 11 : 0, 19).replace('T', ' ');
  const when =
    ran === undefined
      ? ''
      : stoppedNow
        ? ` (it started at ${at(started)} UTC: it ran ${formatDuration(ran)})`
        : ` (it started at ${at(started)} UTC and was found stopped at ${at(now.getTime())} UTC: it ran at most ${formatDuration(ran)})`;
  const settled = (status: string, summary: string, outputs: Record<string, string> = {}): StepRecord => ({
    stepId: step.id,
    status,
    summary: `${summary}${when}`,
    durationMs: ran ?? 0,
    ...(ran === undefined || stoppedNow ? {} : { durationAtMost: true }),
    outputs,
  });
  // Found not done: the disk shows it changed nothing.
  const notDone = (summary: string): StepRecord => ({ ...settled('failed', summary), untouched: true });
  const interrupted = `interrupted: the bot or terminal running it stopped${stoppedNow ? `; ${stoppedLeftoversWords(stoppedNow, at(now.getTime()))}` : ''}`;
  if (!step.mutates) return settled('interrupted', interrupted);
  const intent = inFlight.intent;
  if (fileStep && !intent) return notDone('not done: the bot stopped before it touched any file');
  if (!intent) return settled('unknown', `${interrupted}; it may have changed something before it stopped; check before going on`);
  const { from, to } = intent;
  const [atFrom, atTo] = [present(from), present(to)];
  if (intent.action === 'copy') {
    return atTo
      ? settled('ok', `found done after a restart: ${from} was copied to ${to}`, { from, to })
      : notDone(`not done: after a restart ${to} is not there (${from} was not changed)`);
  }
  if (atTo && !atFrom) return settled('ok', `found done after a restart: ${from} is now ${to}`, { from, to });
  if (atFrom && !atTo) return notDone(`not done: after a restart ${from} is still there and ${to} is not`);
  if (atFrom && sameFile(from, to)) {
    return settled('unknown', `cut short after a restart: ${from} and ${to} are two names of one file (the move stopped between its link and its unlink); nothing was lost, check both before going on`, { from, to });
  }
  return settled('unknown', `could not tell after a restart: ${atFrom ? 'both' : 'neither'} ${from} and ${to} exist; check them by hand`, { from, to });
}
