// Where a step's whole output is kept, and what of it a restart can still point to after its bot died mid-step.
import fs from 'node:fs';
import path from 'node:path';
import { excerpt } from '../excerpt.js';
import type { StepRecord } from '../engine/types.js';
import type { Run } from './state.js';

/** <state dir>/outputs/<incident>/<run>-<step number>-<step id>.log */
export function stepOutputFile(stateDir: string, run: Pick<Run, 'id' | 'incidentId' | 'steps'>, stepId: string): string {
  const index = run.steps.findIndex((s) => s.id === stepId);
  return path.join(stateDir, 'outputs', run.incidentId, `${run.id.split('/')[1]}-${index + 1}-${stepId}.log`);
}

/** How much of the file's end is read for the excerpt: a kept output may be a gigabyte. */
const tailBytes = 16 * 1024;

/**
 * The output a step wrote (already redacted) before its bot died, for its settled result: the file, its size and its
 * last lines, which show how far it got. Nothing when it wrote none.
 */
export function outputLeftBehind(file: string): Pick<StepRecord, 'logFile' | 'outputBytes' | 'excerpt'> {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const size = fs.fstatSync(fd).size;
    if (size === 0) return {};
    const length = Math.min(size, tailBytes);
    const buffer = Buffer.alloc(length);
    fs.readSync(fd, buffer, 0, length, size - length);
    // A cut at the start may split a character or a line: the first partial line is dropped.
    const text = buffer.toString('utf8');
    const tail = size > length ? text.slice(text.indexOf('\n') + 1) : text;
    return { logFile: file, outputBytes: size, excerpt: excerpt(tail, 1_200) };
  } catch {
    return {};
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
