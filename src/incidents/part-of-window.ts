// A validation that passed on one part of a longer window (scenario 4's 62 days at a time): the incident is not over.
import type { StepRecord } from '../engine/types.js';
import type { Run } from './state.js';

/** The step result that judged the run's window one part of a longer one (status part-built), if it did. */
export function partOfWindow(run: Pick<Run, 'kind' | 'status' | 'results'>): StepRecord | undefined {
  if (run.kind !== 'validation' || run.status !== 'succeeded') return undefined;
  return run.results.filter((r) => r.status === 'part-built').at(-1);
}
