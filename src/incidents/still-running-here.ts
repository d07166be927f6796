// Why a plan provably still running on this host is not unlocked: who runs it, where it is, and to wait for it.
import { actor as person, said, type Said } from '../said.js';
import type { ProcessIdentity } from '../process/identity.js';
import { cliActor, type Incident, type Run } from './state.js';
import { whereToFollow } from './where-to-follow.js';

/** "step 2 of 5 (Move the broken file aside)", or how many had finished between two steps. */
function whereItIs(run: Run): string {
  const index = run.inFlight ? run.steps.findIndex((step) => step.id === run.inFlight?.stepId) : -1;
  const step = run.steps[index];
  if (step) return `at step ${index + 1} of ${run.steps.length} (${step.title})`;
  return `between steps (${run.results.length} of ${run.steps.length} done)`;
}

/**
 * The refusal of an unlock of `run`, whose process `runner` is alive on this host. Run by the bot, it says to wait: the
 * bot is what runs the recovery, and stopping it would leave the recovery half-done. Run by a terminal's CLI, that
 * process may be named as one to stop, only if it has hung for good, and with what stopping it does.
 */
export function stillRunningHere(run: Run, runner: ProcessIdentity, incident: Incident | undefined): Said {
  // A read-only run (a validation, a diagnosis) is no recovery: stopping it leaves nothing half-done, only unchecked.
  const plan = run.mutates ? `plan ${run.id} (${run.title})` : `${run.kind} ${run.id} (${run.title})`;
  const halfDone = run.mutates ? 'would leave this recovery half-done' : `changes nothing, but ends this ${run.kind} before its answer`;
  // A journal line that names no runner: the bot itself only if its PID is this process's (this is the bot), else a
  // process on this host nobody can name from here, not to be stopped on a guess (it may be the bot).
  if (!run.runBy && runner.pid !== process.pid) {
    return said`${plan} is running right now in another process on this host (PID ${runner.pid}; its journal line does not say whether it is the bot or a terminal's CLI), ${whereItIs(run)}. Wait for it to finish: its progress shows in ${whereToFollow(incident)}. An unlock is only for a plan whose process is gone; stopping that process ${halfDone}. Nothing was changed`;
  }
  if (run.runBy !== cliActor) {
    return said`${plan} is running right now in the bot itself (PID ${runner.pid} on this host), ${whereItIs(run)}. Wait for it to finish: its progress shows in ${whereToFollow(incident)}. ${run.mutates ? 'An unlock is only for a plan whose process is gone; do not stop the bot, which would leave this recovery half-done' : `It only reads: \`/databox unlock ${run.id}\` in Slack, where the bot runs it, stops it at once, changing nothing`}. Nothing was changed`;
  }
  const approvedThere = run.decidedBy?.startsWith('terminal:') ? said`, where ${person(run.decidedBy)} approved it` : [];
  return [
    ...said`${plan} is running right now in a terminal's CLI (PID ${runner.pid} on this host`,
    ...approvedThere,
    ...said`), ${whereItIs(run)}. Wait for it to finish: its progress shows in that terminal and in \`/databox status\`. Only if that CLI has hung for good, stop that one process (PID ${runner.pid}, the terminal's CLI, not the bot), knowing ${run.mutates ? 'the recovery stops half-way at that step' : `the ${run.kind} ends there, nothing changed`}; then unlock it. Nothing was changed`,
  ];
}
