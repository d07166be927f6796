// The validation's judgement of whether Dagster runs again after a recovery: the daemons' heartbeats and the schedules started.
import { expect, it } from 'vitest';
import type { DaemonEvidence, DagsterEvidence } from '../../src/dagster/evidence.js';
import { judgeRunningAgain } from '../../src/dagster/running-again.js';
import { recordedAt } from '../helpers/dagster-fixtures.js';

const daemon = (type: string, heartbeatAgeSeconds: number | null, healthy: boolean | null = true): DaemonEvidence => ({ type, required: true, healthy, heartbeatAgeSeconds, errors: [] });
const evidence = (daemons: DaemonEvidence[]): DagsterEvidence => ({ source: 'graphql', checkedAt: recordedAt.toISOString(), daemons, schedules: [], unparsed: [], problems: [] });

it('calls Dagster running again with one daemon lagging while the others heartbeat, saying so, and not running with all of them silent', () => {
  const lagging = judgeRunningAgain(evidence([daemon('SCHEDULER', 5), daemon('SENSOR', 240), daemon('BACKFILL', 5)]), [], 180, recordedAt);
  expect(lagging.status).toBe('running');
  expect(lagging.daemonsStopped).toEqual([]);
  expect(lagging.summary).toContain('Dagster runs again: every required daemon heartbeats; lagging: SENSOR (last heartbeat 4 min ago), while the other required daemons heartbeat (SCHEDULER 5.0 s ago, BACKFILL 5.0 s ago)');

  const silent = judgeRunningAgain(evidence([daemon('SCHEDULER', 240), daemon('SENSOR', 240)]), [], 180, recordedAt);
  expect(silent).toMatchObject({ status: 'still-stopped', daemonsStopped: ['SCHEDULER', 'SENSOR'] });
});
