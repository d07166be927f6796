// The webserver's answers to a run of asset checks (the dagster-asset-checks step), for serveDagster: checks listed, run launched, its status, each result.
import { graphqlFixture } from './dagster-fixtures.js';

export interface CheckResult {
  status: 'SUCCEEDED' | 'FAILED' | 'EXECUTION_FAILED' | 'SKIPPED' | 'IN_PROGRESS';
  description?: string;
  severity?: 'ERROR' | 'WARN';
}

export interface ChecksScript {
  /** Results by "asset/key/path: check", SUCCEEDED when not given. */
  results?: Record<string, CheckResult>;
  /** launchRun's answer instead of a LaunchRunSuccess (a PythonError, say). */
  launch?: Record<string, unknown>;
  /** The run's status as each poll sees it, in order; the last one stays. */
  runStatuses?: string[];
}

export const checksRunId = 'a1b2c3d4-0000-4000-8000-checks000001';

type Request = { query: string; variables: Record<string, unknown> };

/** Answers by operation name, and every launch request's variables (to see what was asked). */
export function assetCheckAnswers(script: ChecksScript = {}): { answers: Record<string, (request: Request) => unknown>; launches: Record<string, unknown>[] } {
  const launches: Record<string, unknown>[] = [];
  const statuses = [...(script.runStatuses ?? ['STARTED', 'SUCCESS'])];
  const answers = {
    DataboxAssetChecks: () => graphqlFixture('asset-checks'),
    DataboxLaunchChecks: (request: Request) => {
      launches.push(request.variables);
      return { data: { launchRun: script.launch ?? { __typename: 'LaunchRunSuccess', run: { runId: checksRunId } } } };
    },
    DataboxRunStatus: () => ({ data: { runOrError: { __typename: 'Run', status: statuses.length > 1 ? statuses.shift() : statuses[0] } } }),
    DataboxCheckExecutions: (request: Request) => {
      const data: Record<string, unknown> = {};
      for (const alias of request.query.match(/check\d+(?=:)/g) ?? []) {
        const i = alias.slice('check'.length);
        const path = (request.variables[`key${i}`] as { path: string[] }).path;
        const result = script.results?.[`${path.join('/')}: ${String(request.variables[`name${i}`])}`] ?? { status: 'SUCCEEDED' };
        const evaluation = (r: CheckResult) => ({
          success: r.status === 'SUCCEEDED',
          severity: r.severity ?? 'ERROR',
          description: r.description ?? null,
          metadataEntries: [{ label: 'checks_total', intValue: 3 }],
        });
        // Newest first: this run's, then an older run's that failed (it must not be read as this run's).
        data[alias] = [
          { runId: checksRunId, status: result.status, evaluation: result.status === 'EXECUTION_FAILED' ? null : evaluation(result) },
          { runId: 'older-run', status: 'FAILED', evaluation: evaluation({ status: 'FAILED', description: 'an old failure' }) },
        ];
      }
      return { data };
    },
  };
  return { answers, launches };
}
