// Clearing a run stuck as running or approved (its process is in another container, or gone in a way a restart cannot
// prove), so its database can be used again: approved by a second person and recorded, never by editing the journal.
import { noPlanInJournal } from './journal-named.js';
import type { Config } from '../config.js';
import { UserError } from '../errors.js';
import type { Journal } from '../journal/journal.js';
import { describeIdentity, liveness } from '../process/identity.js';
import { said } from '../said.js';
import { approversInForce, checkUnlock } from './approval-policy.js';
import { recordSettledStep, stopLeftovers } from './restart-pickup.js';
import { stillRunningHere } from './still-running-here.js';
import { stoppedLeftoversWords, type StoppedLeftovers } from './settle-interrupted-step.js';
import { AlreadyDecided, holdsItsDatabase, type IncidentState, type Run, type RunStatus } from './state.js';

export interface UnlockDeps {
  config: Config;
  journal: Journal;
  state: IncidentState;
  /** Who the journal names for the step the run was in, as found on disk: the bot, or a terminal's CLI. */
  actor?: string;
  /** When the unlock happens: the bound on how long the step it settles ran. */
  clock?: () => Date;
}

/** " by PID 7 on host …" for a run left running, as the journal recorded its process; empty when it did not. */
export function leftRunningBy(run: Run): string {
  return run.runner ? ` by ${describeIdentity(run.runner)}` : run.pid ? ` by PID ${run.pid}` : '';
}

const statusSaid: Record<RunStatus, string> = {
  pending: 'is waiting for approval',
  approved: 'is approved',
  running: 'is running',
  succeeded: 'has finished',
  failed: 'has failed',
  rejected: 'was rejected',
  expired: 'has expired',
  interrupted: 'was interrupted',
};

/** "plan dbx-…/2 has finished: it holds no database", for a run that holds none now (a diagnosis is said as one). */
export function nothingHeld(run: Run): string {
  return `${run.kind === 'diagnosis' ? 'diagnosis' : 'plan'} ${run.id} ${statusSaid[run.status]}: it holds no database`;
}

/**
 * The run `runId` as the journal has it now, if it may be unlocked: it holds its database (running or approved) and is
 * not provably still running on this host (then who runs it is said, to wait for it). Otherwise a user error that says why.
 */
export function unlockableRun(deps: Pick<UnlockDeps, 'journal' | 'state'>, runId: string): Run {
  deps.journal.catchUp();
  const run = deps.state.runs.get(runId);
  if (!run) throw noPlanInJournal(runId, deps.journal.file);
  if (!holdsItsDatabase(run)) {
    throw new UserError(`${nothingHeld(run)}, so there is nothing to unlock`);
  }
  if (run.status === 'running' && run.runner?.start !== undefined && liveness(run.runner) === 'alive') {
    throw new UserError(stillRunningHere(run, run.runner, deps.state.incidents.get(run.incidentId)));
  }
  return run;
}

/**
 * Unlocks `runId`: it ends as interrupted, with who asked and who approved. A run whose process is provably still
 * running here (same PID and start time) is refused: it is waited for. What the run left running is stopped
 * only when provably the same process, and the step it was in is settled on disk first, as after a restart.
 * `memberOf`: the approvers' user groups Slack says the approver is in.
 */
export function unlockRun(deps: UnlockDeps, runId: string, requester: string, approver: string, asked?: Pick<Run, 'status'>, memberOf: readonly string[] = []): Run {
  const { journal, state } = deps;
  const run = unlockableRun(deps, runId);
  // The approver confirmed what the request showed: an approved plan that has started since is not the same thing.
  if (asked && asked.status !== run.status) {
    throw new UserError(`plan ${runId} is ${run.status} now, not ${asked.status} as when the unlock was asked for; nothing was changed. If it is still stuck, ask again`);
  }
  const decision = checkUnlock(requester, approver, deps.config, memberOf);
  if (!decision.ok) throw new UserError([...said`refused: `, ...decision.reason, '; nothing was changed']);
  // Nothing is stopped or settled unless the unlock itself can be recorded.
  journal.requireWritable();
  const was = run.status;
  const now = deps.clock?.() ?? new Date();
  const stopped: StoppedLeftovers = { by: 'the unlock', commands: was === 'running' ? stopLeftovers(run.processes ?? []) : [] };
  if (was === 'running') recordSettledStep(journal, run, deps.actor, now, stopped);
  const by = leftRunningBy(run);
  try {
    journal.append(() => {
      const current = state.runs.get(runId);
      if (current?.status !== was) throw new AlreadyDecided();
      return {
        type: 'run.finished',
        incident: run.incidentId,
        actor: approver,
        data: {
          runId,
          status: 'interrupted',
          reason: `unlocked by ${requester}, approved by ${approver}: it was left ${was}${by}${stopped.commands.length > 0 ? `; ${stoppedLeftoversWords(stopped, now.toISOString().slice(11, 19))}` : ''}`,
          // The policy it was approved under, as a plan's approval records it: the postmortem tells a terminal's against the bot's.
          unlock: { requestedBy: requester, approvedBy: approver, was, approvers: approversInForce(deps.config), ...(stopped.commands.length > 0 ? { stopped: stopped.commands } : {}) },
        },
      };
    }, { durable: true });
  } catch (error) {
    if (!(error instanceof AlreadyDecided)) throw error;
    throw new UserError(`plan ${runId} changed meanwhile (it is ${state.runs.get(runId)?.status}); nothing was unlocked`);
  }
  const unlocked = state.runs.get(runId) as Run;
  if (unlocked.status !== 'interrupted') throw new Error(`plan ${runId} is ${unlocked.status} after its unlock`);
  return unlocked;
}
