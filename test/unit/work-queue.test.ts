// Tests WorkQueue (src/work-queue.ts): a bounded backlog for ordinary jobs, and urgent jobs (approvals, rollbacks) that
// start at once beside them and are never refused for a full backlog.
import { describe, expect, it } from 'vitest';
import { WorkQueue } from '../../src/work-queue.js';

function gate(): { wait: Promise<void>; open: () => void } {
  let open = () => {};
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

describe('WorkQueue', () => {
  it('runs an urgent job at once while every worker is busy and the backlog is full, and keeps the others in order', async () => {
    const queue = new WorkQueue(1, 2, () => {});
    const started: string[] = [];
    const diagnosis = gate();
    queue.push('diagnosis 1', async () => {
      started.push('diagnosis 1');
      await diagnosis.wait;
    });
    queue.push('diagnosis 2', async () => void started.push('diagnosis 2'));
    queue.push('diagnosis 3', async () => void started.push('diagnosis 3'));
    expect(() => queue.push('diagnosis 4', async () => {})).toThrow(/busy/);

    queue.push('approval', async () => void started.push('approval'), { urgent: true });
    queue.push('rollback', async () => void started.push('rollback'), { urgent: true });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(started).toEqual(['diagnosis 1', 'approval', 'rollback']);

    diagnosis.open();
    await queue.idle();
    expect(started).toEqual(['diagnosis 1', 'approval', 'rollback', 'diagnosis 2', 'diagnosis 3']);
  });

  it('never runs more ordinary jobs at once than its workers, urgent ones finishing first or not', async () => {
    const queue = new WorkQueue(2, 10, () => {});
    let running = 0;
    let most = 0;
    const job = async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
    };
    for (let i = 0; i < 6; i += 1) queue.push(`job ${i}`, job);
    queue.push('urgent', async () => {}, { urgent: true });
    await queue.idle();
    expect(most).toBe(2);
  });

  it('names the jobs running and those waiting for a worker, in order, for /databox status', async () => {
    const queue = new WorkQueue(1, 5, () => {});
    const held = gate();
    queue.push('postmortem dbx-1', () => held.wait);
    queue.push('recover duckdb', async () => {});
    queue.push('diagnose duckdb', async () => {});
    expect(queue.jobs()).toEqual({ running: ['postmortem dbx-1'], waiting: ['recover duckdb', 'diagnose duckdb'] });
    held.open();
    await queue.idle();
    expect(queue.jobs()).toEqual({ running: [], waiting: [] });
  });
});
