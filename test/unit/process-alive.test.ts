// processAlive (src/process/alive.ts) on real processes: a running one is alive, one that has exited is not, also while
// it is a zombie its parent has not collected yet (signal 0 still reaches a zombie).
import fs from 'node:fs';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { processAlive } from '../../src/process/alive.js';

describe('processAlive', () => {
  it('is true for a running process, false for a zombie and for a PID that is gone', async () => {
    // The shell starts a short child, then becomes `sleep 5`, which never collects it: the child stays a zombie. The child
    // outlives the shell's exec, so the shell cannot collect it first on a busy host.
    const parent = execa('sh', ['-c', 'sleep 0.3 & echo $!; exec sleep 5'], { buffer: false, reject: false });
    const zombie = await new Promise<number>((resolve) => parent.stdout?.once('data', (chunk: Buffer) => resolve(Number(String(chunk).trim()))));
    const state = () => /\) (\S)/.exec(fs.readFileSync(`/proc/${zombie}/stat`, 'utf8'))?.[1];
    for (let waited = 0; state() !== 'Z' && waited < 5_000; waited += 25) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(state()).toBe('Z');
    expect(() => process.kill(zombie, 0), 'signal 0 still reaches the zombie').not.toThrow();
    expect(processAlive(zombie)).toBe(false);
    expect(processAlive(parent.pid as number)).toBe(true);
    parent.kill('SIGKILL');
    await parent;
    expect(processAlive(parent.pid as number)).toBe(false);
  });
});
