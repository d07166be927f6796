// The stack's own schedules without DAGSTER_LOCATION: those of the repositories holding its jobs; another team's STOPPED one is a note.
import { describe, expect, it } from 'vitest';
import type { DagsterEvidence, ScheduleEvidence } from '../../src/dagster/evidence.js';
import { stackSchedules } from '../../src/dagster/stack-schedules.js';

const ours = '__repository__@databox.orchestration.definitions';
const theirs = 'repo_b@team-b/loc (prod)';

function schedule(name: string, status: 'RUNNING' | 'STOPPED', repository: string): ScheduleEvidence {
  return { name, status, cron: '0 6 * * *', lastTickAt: null, lastTickStatus: null, lastTickError: null, lastSuccessAt: null, sinceLastTickSeconds: null, repository };
}

function evidence(repositoryJobs: Record<string, string[]> | undefined): DagsterEvidence {
  return {
    source: 'graphql',
    checkedAt: '2026-12-05T05:00:00Z',
    schedules: [schedule('all_pipelines_daily', 'RUNNING', ours), schedule('team_b_daily', 'STOPPED', theirs), schedule('team_b_hourly', 'RUNNING', theirs)],
    unreadableRepositories: [{ repository: 'repo_c@team-c', error: 'DagsterUserCodeUnreachableError', ours: true }],
    repositoryJobs,
    unparsed: [],
    problems: [],
  };
}

describe("the stack's schedules", () => {
  it("keep only the repositories holding the stack's jobs, a STOPPED schedule elsewhere said, an unreadable repository without them not the stack's", () => {
    const found = stackSchedules(evidence({ [ours]: ['all_pipelines'], [theirs]: ['team_b_job'], 'repo_c@team-c': ['team_c_job'] }), ['all_pipelines']);
    expect(found.evidence.schedules?.map((s) => s.name)).toEqual(['all_pipelines_daily']);
    expect(found.notes).toEqual([`schedule team_b_daily in ${theirs} is STOPPED: not the stack's (its repository holds no job all_pipelines, which ${ours} holds), so left off and not proposed to start`]);
    expect(found.evidence.unreadableRepositories?.[0]?.ours).toBe(false);
  });

  it("count the schedules of a repository whose jobs Dagster did not list: it may be the stack's, not one holding none of its jobs", () => {
    const unlisted = 'repo_d@team-d';
    const listed = evidence({ [ours]: ['all_pipelines'], [theirs]: ['team_b_job'] });
    const found = stackSchedules({ ...listed, schedules: [...(listed.schedules ?? []), schedule('ebird_daily', 'STOPPED', unlisted)] }, ['all_pipelines']);
    expect(found.evidence.schedules?.map((s) => s.name)).toEqual(['all_pipelines_daily', 'ebird_daily']);
    expect(found.notes.join('; ')).not.toContain('ebird_daily');
  });

  it('count every repository where none holds the stack\'s jobs (saying so), or where the jobs are not listed', () => {
    const none = stackSchedules(evidence({ [ours]: ['renamed_job'], [theirs]: ['team_b_job'] }), ['all_pipelines']);
    expect(none.evidence.schedules).toHaveLength(3);
    expect(none.notes).toEqual(["no repository Dagster lists holds job all_pipelines, so every repository's schedules are counted as the stack's: set DAGSTER_LOCATION to the stack's code location"]);
    expect(stackSchedules(evidence(undefined), ['all_pipelines'])).toEqual({ evidence: evidence(undefined), notes: [] });
    expect(stackSchedules(evidence({ [ours]: ['all_pipelines'], [theirs]: ['team_b_job'] }), []).notes).toEqual([]);
  });
});
