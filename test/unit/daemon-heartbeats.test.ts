// Which required daemons the heartbeats say stopped and which only lag behind a daemon process that runs.
import { describe, expect, it } from 'vitest';
import { judgeHeartbeats } from '../../src/dagster/daemon-heartbeats.js';
import type { DaemonEvidence } from '../../src/dagster/evidence.js';

const daemon = (type: string, heartbeatAgeSeconds: number): DaemonEvidence => ({ type, required: true, healthy: true, heartbeatAgeSeconds, errors: [] });
const types = (daemons: DaemonEvidence[]) => daemons.map((d) => d.type);

describe('judging the heartbeats', () => {
  it('calls the oldest stopped, not lagging, when the daemon process died: its daemons last beat up to a heartbeat interval apart', () => {
    const judged = judgeHeartbeats([daemon('SCHEDULER', 195), daemon('SENSOR', 178), daemon('BACKFILL', 170)], 180);
    expect(types(judged.lagging)).toEqual([]);
    expect(types(judged.stopped)).toEqual(['SCHEDULER']);
  });

  it('calls one daemon lagging when the others heartbeated well after it (minutes, not a heartbeat interval)', () => {
    const judged = judgeHeartbeats([daemon('SCHEDULER', 5), daemon('SENSOR', 240), daemon('BACKFILL', 5)], 180);
    expect(types(judged.lagging)).toEqual(['SENSOR']);
    expect(types(judged.stopped)).toEqual([]);
  });
});
