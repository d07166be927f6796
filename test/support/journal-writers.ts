// Three real processes writing one journal at once (test/fixtures/scripts/journal-append.ts), and the check that each
// one's records are all there, intact, in the order it wrote them, with no time going back between them.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { expect } from 'vitest';
import { verifyLines } from '../../src/journal/record.js';
import { clockStepsBack } from '../../src/journal/clock-steps.js';
import { projectRoot, scriptsDir } from './fixtures.js';

/** Starts three writers of `perProcess` events each (`commit` for group commit, else synchronous appends) and checks the journal. */
export async function expectThreeWritersWhole(dir: string, perProcess: number, mode: 'append' | 'commit', timeoutMs: number): Promise<void> {
  const tsx = path.join(projectRoot, 'node_modules', '.bin', 'tsx');
  const args = [path.join(scriptsDir, 'journal-append.ts'), dir, String(perProcess), ...(mode === 'commit' ? ['commit'] : [])];
  const results = await Promise.all([1, 2, 3].map(() => execa(tsx, args, { reject: false, timeout: timeoutMs })));
  for (const result of results) {
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim()).toBe(`appended ${perProcess}`);
  }
  const verified = verifyLines(fs.readFileSync(path.join(dir, 'journal.jsonl'), 'utf8'));
  expect(verified.problem).toBeUndefined();
  expect(verified.intactCount).toBe(3 * perProcess);
  // Lines of several writers interleave without a step back `journal verify` would warn of.
  expect(clockStepsBack(verified.records)).toEqual([]);
  const byActor = new Map<string, number[]>();
  for (const r of verified.records) byActor.set(r.actor as string, [...(byActor.get(r.actor as string) ?? []), r.data.i as number]);
  expect(byActor.size).toBe(3);
  for (const order of byActor.values()) expect(order).toEqual(Array.from({ length: perProcess }, (_, i) => i));
}
