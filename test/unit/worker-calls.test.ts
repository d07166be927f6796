// WorkerCalls (src/worker-calls.ts) through a worker that crashes, in a process of its own: each call is answered or
// refused once, a crash fails only the calls its worker held, and the process then ends on its own.
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../support/fixtures.js';

describe('WorkerCalls', () => {
  it('fails only the crashed worker\'s calls, answers the next on a new worker, and lets the process end', async () => {
    const tsx = path.join(projectRoot, 'node_modules', '.bin', 'tsx');
    const { stdout } = await execa(tsx, [path.join(projectRoot, 'test', 'fixtures', 'threads', 'calls-through-crash.ts')], { timeout: 60_000 });
    const results = JSON.parse(stdout) as Record<string, unknown>;
    expect(results.first).toEqual({ ok: 1 });
    expect(results.crashed).toEqual({ failed: 'WorkerGone', message: 'crashed on purpose' });
    expect(results.during).toEqual({ ok: 2 });
    expect(results.onGone).toEqual({ failed: 'WorkerGone', message: 'the echo or crash stopped; what it held is gone' });
    expect(results.notCloneable).toMatchObject({ failed: 'DataCloneError' });
    expect(results.after).toEqual({ ok: 5 });
    expect(results.generations).toEqual([1, 2]);
  });
});
