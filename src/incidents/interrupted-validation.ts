// A validation cut short by a stop or a crash of the bot running it: neither passed nor failed, and run again at the next start.
import { botActor, type Incident, type Run } from './state.js';

/** What a start does with an interrupted validation of the bot's: runs it again, or says the command that does. */
export interface TakeUp {
  run: Run;
  how: 'run-again' | 'advise';
}

/**
 * The bot's validations left interrupted by its stop (a restart, a deploy) or found unfinished at its start (a crash),
 * not yet taken up: each the latest validation of its incident, with no recovery or rollback started after it (what it
 * was to check has changed since: that change has its own validation). A validation only reads, so it is run again,
 * unless it was itself a run again that the bot died in: the validation may be what brings the bot down, so the
 * command is said instead of starting it a third time.
 */
export function validationsToTakeUp(incidents: Iterable<Incident>): TakeUp[] {
  const found: TakeUp[] = [];
  for (const incident of incidents) {
    const run = [...incident.runs].reverse().find((r) => r.kind === 'validation');
    const index = run ? incident.runs.indexOf(run) : -1;
    // Taken up only once its run again exists: a crash between saying "running it again" and proposing it loses nothing.
    if (!run || !interruptedByTheBot(run) || run.takenUp === 'advised' || incident.runs.some((r) => r.rerunOf === run.id)) continue;
    if (incident.runs.slice(index + 1).some((r) => (r.kind === 'recovery' || r.kind === 'rollback') && r.startedAt)) continue;
    found.push({ run, how: run.rerunOf && run.interruptedBy === 'restart' ? 'advise' : 'run-again' });
  }
  return found;
}

/** Whether `run` is a validation the bot ran that its stop or its crash cut short (not a terminal's, not an unlock's). */
export function interruptedByTheBot(run: Run): boolean {
  return run.kind === 'validation' && run.status === 'interrupted' && run.interruptedBy !== undefined && run.runBy === botActor;
}

/** How an interrupted validation was cut short, for the thread, the status and the postmortem: "by a stop", or by the bot dying. */
export function interruptedHow(run: Pick<Run, 'interruptedBy'>): string {
  return run.interruptedBy === 'restart' ? 'by the bot stopping unexpectedly (found unfinished at its restart)' : 'by a stop';
}

/**
 * Said in the thread as a validation is cut short by a stop. `byTheBot`: the bot's own stop, after which it runs the
 * validation again itself; else a terminal's Ctrl-C, after which whoever stopped it runs it again.
 */
export function interruptedAdvice(command: string, byTheBot: boolean): string {
  const how = `\`/databox ${command}\` (at a terminal: \`npm run --silent cli -- ${command}\`)`;
  return byTheBot
    ? `The validation was interrupted by the bot stopping (a restart or a deploy) before it finished: it neither passed nor failed, and says nothing against the recovery. It only reads, so the bot runs it again in this thread as soon as it is back; nothing to do meanwhile. If the bot is not back soon, validate from a terminal: \`npm run --silent cli -- ${command}\``
    : `The validation was interrupted (stopped at the terminal) before it finished: it neither passed nor failed. It only reads: validate again with ${how}`;
}

/** Said in the thread as the bot starts a validation again. */
export function runningAgainWords(run: Run): string {
  const at = run.finishedAt ? ` at ${run.finishedAt.slice(11, 19)} UTC` : '';
  return `Running the validation again: ${run.id} was interrupted ${interruptedHow(run)}${at} before it finished, so it neither passed nor failed. It only reads; its result follows here.`;
}

/** Said in the thread in place of a third run: the bot died in this validation run again too. */
export function notRunAgainWords(run: Run, command: string): string {
  return (
    `The validation was not run again: ${run.id}, itself a run again of ${run.rerunOf}, was also cut short by the bot stopping unexpectedly, so the validation may be what brings the bot down; check the bot's log. ` +
    `It neither passed nor failed. Validate once the cause is dealt with: \`/databox ${command}\` (at a terminal: \`npm run --silent cli -- ${command}\`)`
  );
}

/** Where an incident stands at an interrupted validation, for the status and the postmortem: how it was cut short, and what comes of it. */
export function interruptedValidationSaid(run: Run): string {
  const next = run.takenUp === 'advised' ? '; not run again: validate it by hand' : interruptedByTheBot(run) ? '; the bot runs it again at its next start' : '';
  return `validation interrupted ${interruptedHow(run)}${next}`;
}

/**
 * The recovery a validation checks: the latest of its incident that succeeded before the validation was proposed,
 * whatever other validations came between. Enough for the rollback offer a crash cut off, which its own checks keep to
 * one (offerRollbackIfChanged): any validation of it cut short may be the one whose end comes to offer it, and a
 * terminal's, never run again by the bot, has no rerunOf chain back to the first.
 */
export function recoveryValidatedBy(runs: readonly Run[], validation: Run): Run | undefined {
  return runs
    .slice(0, runs.indexOf(validation))
    .reverse()
    .find((r) => r.kind === 'recovery' && r.status === 'succeeded');
}

/**
 * The recovery whose own validation `validation` is: recoveryValidatedBy, with no validation between them but the ones
 * `validation` runs again (its rerunOf chain). A later validation (a `/databox validate` hours after the recovery's own
 * one completed) is nobody's: what follows a recovery's validation (its advice as well as the offer) has followed already.
 */
export function recoveryOwning(runs: readonly Run[], validation: Run): Run | undefined {
  const chain = new Set<string>();
  for (let id = validation.rerunOf; id !== undefined && !chain.has(id); ) {
    chain.add(id);
    const ranAgain: string = id;
    id = runs.find((r) => r.id === ranAgain)?.rerunOf;
  }
  const recovery = recoveryValidatedBy(runs, validation);
  if (!recovery) return undefined;
  const between = runs.slice(runs.indexOf(recovery) + 1, runs.indexOf(validation)).filter((r) => r.kind === 'validation');
  return between.every((r) => chain.has(r.id)) ? recovery : undefined;
}

/** Why a terminal's validation found unfinished at the bot's restart ended: the bot does not run a terminal's again. */
export function terminalValidationUnfinishedWords(command: string): string {
  return `the terminal running it stopped before it finished (found unfinished at the bot's restart): it neither passed nor failed, and the bot does not run a terminal's validation again; validate with \`/databox ${command}\` (at a terminal: \`npm run --silent cli -- ${command}\`)`;
}
