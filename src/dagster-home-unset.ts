// Said at start: with DAGSTER_HOME unset, the daemon a recovery starts cannot run, found only once an incident needs it.
import type { Runbook } from './runbook/schema.js';

/**
 * The warning when DAGSTER_HOME is not in the bot's environment (which the commands it starts inherit) and a loaded
 * runbook has a path that starts the Dagster daemon: `dagster-daemon run` stops at once with DagsterHomeNotSetError.
 */
export function dagsterHomeUnsetWarning(env: Record<string, string | undefined>, runbooks: readonly Runbook[], daemonStart: readonly string[]): string | undefined {
  if (env.DAGSTER_HOME) return undefined;
  const paths = runbooks.flatMap((rb) => rb.recovery.filter((p) => p.steps.some((step) => step.kind === 'dagster-daemon-start')).map((p) => `${rb.id} path ${p.id}`));
  if (paths.length === 0) return undefined;
  // Said by what is set: with DAGSTER_URL the diagnosis asks the webserver, its CLI only when the webserver does not answer.
  const diagnosis = env.DAGSTER_URL
    ? '; the diagnosis reads Dagster through DAGSTER_URL, and only if that webserver does not answer does its Dagster CLI read an ephemeral instance instead'
    : ", and DAGSTER_URL is not set either, so the diagnosis' Dagster CLI reads an ephemeral instance";
  return (
    `DAGSTER_HOME is not set: the Dagster daemon that ${paths.join(', ')} starts (${daemonStart.join(' ')}) inherits the bot's environment and stops at once ` +
    `without it (DagsterHomeNotSetError)${diagnosis}; set it to the stack's ` +
    `Dagster instance folder (the databox Taskfile's <checkout>/.dagster) where the bot runs`
  );
}
