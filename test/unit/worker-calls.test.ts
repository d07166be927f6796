// WorkerCalls (src/worker-calls.ts) and startWorkerThread (src/worker-thread.ts) through a worker that crashes (a thread,
// and a host process, src/host-process.ts): a crash is
// told once; in a process of its own, each call is answered or refused once, a crash fails only the calls its worker
// held, and the process then ends on its own.
import path from 'node:path';
import { execa } from 'execa';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startWorkerThread } from '../../src/worker-thread.js';
import { projectRoot } from '../support/fixtures.js';

describe('WorkerCalls', () => {
  it.each([
    ['a thread', [], 'crashed on purpose', 'the echo or crash stopped; what it held is gone'],
    ['a host process', ['process'], 'the echo or crash host stopped (exit code 1)', 'the echo or crash host stopped; what it held is gone'],
  ])("to %s: fails only the crashed worker's calls, answers the next on a new one, refuses what cannot cross, keeps a failure's kind, and lets the process end", async (_kind, args, crashed, gone) => {
    const tsx = path.join(projectRoot, 'node_modules', '.bin', 'tsx');
    const { stdout } = await execa(tsx, [path.join(projectRoot, 'test', 'fixtures', 'threads', 'calls-through-crash.ts'), ...args], { timeout: 60_000 });
    const results = JSON.parse(stdout) as Record<string, unknown>;
    expect(results.first).toEqual({ ok: 1 });
    // A TypeError thrown there is one here: the step says it as a fault in the bot or its driver, its outcome unknown.
    expect(results.fault).toEqual({ failed: 'TypeError', message: "Cannot read properties of undefined (reading 'rows')", driverFault: true });
    expect(results.crashed).toEqual({ failed: 'WorkerGone', message: crashed, driverFault: false });
    expect(results.during).toEqual({ ok: 2 });
    expect(results.onGone).toEqual({ failed: 'WorkerGone', message: gone, driverFault: false });
    expect(results.notCloneable).toMatchObject({ failed: 'DataCloneError', driverFault: false });
    expect(results.after).toEqual({ ok: 5 });
    expect(results.generations).toEqual([1, 2]);
  });
});

describe('startWorkerThread', () => {
  it('tells its caller of a crash once, as the error, though the worker also exits', async () => {
    const told: string[] = [];
    const beside = pathToFileURL(path.join(projectRoot, 'test', 'fixtures', 'threads', 'echo-or-crash.ts')).href;
    const worker = startWorkerThread(beside, 'echo-or-crash', undefined, (error) => told.push(error.message));
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage({ id: 1, kind: 'crash' });
    await exited;
    await new Promise((resolve) => setImmediate(resolve));
    expect(told).toEqual(['crashed on purpose']);
  });
});
