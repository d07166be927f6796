// Tests jobsStatusLines (src/slack/jobs-status.ts): what /databox status says of the workers' jobs and the postmortems
// being uploaded, nothing while all is idle, and a long backlog named in part.
import { describe, expect, it } from 'vitest';
import { jobsStatusLines } from '../../src/slack/jobs-status.js';

describe('jobsStatusLines', () => {
  it('says nothing while no job runs or waits and nothing is being uploaded', () => {
    expect(jobsStatusLines({ running: [], waiting: [] }, [], 2)).toEqual([]);
  });

  it('names the jobs running and waiting, the first ten of a long backlog, and the uploads with since when', () => {
    const waiting = Array.from({ length: 12 }, (_, i) => `recover duckdb ${i + 1}`);
    const since = Date.parse('2026-12-05T08:30:12.000Z');
    expect(jobsStatusLines({ running: ['diagnose duckdb', 'diagnose backfill'], waiting }, [{ label: 'postmortem dbx-20261205-0001', since }], 2)).toEqual([
      `*Jobs* (DATABOX_WORKERS is 2): running: diagnose duckdb, diagnose backfill; waiting for a worker: ${waiting.slice(0, 10).join(', ')}, … and 2 more.`,
      '*Uploading to Slack* (outside the workers; Slack has not answered yet): postmortem dbx-20261205-0001 (since 08:30:12 UTC).',
    ]);
  });
});
