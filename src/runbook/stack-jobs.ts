// The stack's Dagster jobs a runbook's dagster-health steps take when they name none: the jobs its recovery backfills.
import { stepsAt } from './every-step.js';
import type { Runbook } from './schema.js';

/** The jobs the runbook's recovery paths backfill (their dagster-backfill steps' job), each once. */
export function backfilledJobs(rb: Runbook): string[] {
  return [...new Set(rb.recovery.flatMap((p) => p.steps.flatMap((step) => (step.kind === 'dagster-backfill' ? [step.job] : []))))];
}

/**
 * Every dagster-health step without `jobs` given the jobs the recovery backfills: without them, the schedules of every
 * repository Dagster lists would count as the stack's (another team's RUNNING daily one hiding ours never ticked, or its
 * paused one proposed to start), where the job the recovery backfills already says which repository is the stack's.
 */
export function withStackJobs(rb: Runbook): Runbook {
  const jobs = backfilledJobs(rb);
  for (const [, step] of stepsAt(rb)) {
    if (step.kind === 'dagster-health' && step.jobs === undefined) step.jobs = jobs;
  }
  // A schedule start takes the diagnosis' jobs: it starts the copies the verdict took as the stack's, and no other.
  const diagnosed = rb.diagnosis.steps.find((step) => step.kind === 'dagster-health');
  const diagnosedJobs = diagnosed?.kind === 'dagster-health' ? diagnosed.jobs : undefined;
  for (const [, step] of stepsAt(rb)) {
    if (step.kind === 'dagster-schedule-start' && step.jobs === undefined) step.jobs = diagnosedJobs ?? jobs;
  }
  return rb;
}
