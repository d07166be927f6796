// The bot's start warning of DAGSTER_HOME unset, said at the terminal of a plan that starts the Dagster daemon.
import { dagsterHomeUnsetWarning } from '../dagster-home-unset.js';
import type { Run } from '../incidents/state.js';
import type { Runbook } from '../runbook/schema.js';

/**
 * The warning for `run` when it has a dagster-daemon-start step and DAGSTER_HOME is unset: the daemon inherits this
 * terminal's environment. It names the plan's own path only, not every path of the runbook that starts the daemon.
 */
export function planDagsterHomeWarning(env: Record<string, string | undefined>, run: Run, runbook: Runbook | undefined, daemonStart: readonly string[]): string | undefined {
  // A runbook taken out of the folder since the plan was made has no path left to name.
  if (!runbook || !run.steps.some((step) => step.kind === 'dagster-daemon-start')) return undefined;
  return dagsterHomeUnsetWarning(env, [{ ...runbook, recovery: runbook.recovery.filter((p) => p.id === run.pathId) }], daemonStart);
}
