// Where a step's whole output is kept, and what of it a restart can still point to after its bot died mid-step.
import fs from 'node:fs';
import path from 'node:path';
import type { StepRecord } from '../engine/types.js';
import type { Run } from './state.js';

/** <state dir>/outputs/<incident>/<run>-<step number>-<step id>.log */
export function stepOutputFile(stateDir: string, run: Pick<Run, 'id' | 'incidentId' | 'steps'>, stepId: string): string {
  const index = run.steps.findIndex((s) => s.id === stepId);
  return path.join(stateDir, 'outputs', run.incidentId, `${run.id.split('/')[1]}-${index + 1}-${stepId}.log`);
}

/** How much of the file's end is read for the excerpt: a kept output may be a gigabyte. */
const tailBytes = 16 * 1024;
/** How much of that end is shown. */
const shownChars = 1_200;

/**
 * The output a step wrote (already redacted) before its bot died, for its settled result: the file, its size and its
 * last lines, which show how far it got. Nothing when it wrote none.
 */
export function outputLeftBehind(file: string, startedAt?: string): Pick<StepRecord, 'logFile' | 'outputBytes' | 'excerpt'> {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const stat = fs.fstatSync(fd);
    const size = stat.size;
    // A file last written before the step began is another run's of the same id (a journal cut short reuses ids).
    if (size === 0 || (startedAt !== undefined && stat.mtimeMs < Date.parse(startedAt) - 1_000)) return {};
    const length = Math.min(size, tailBytes);
    const buffer = Buffer.alloc(length);
    fs.readSync(fd, buffer, 0, length, size - length);
    // Its last lines, as the file ends: how far the step got. A cut at the start may split a character or a line, so
    // the first partial line is dropped, and what comes before is said to be in the file.
    const text = buffer.toString('utf8').trimEnd();
    if (size <= length && text.length <= shownChars) return { logFile: file, outputBytes: size, excerpt: text };
    const last = text.slice(-shownChars);
    const whole = last.slice(last.indexOf('\n') + 1);
    return { logFile: file, outputBytes: size, excerpt: `[… the rest of its ${size} bytes is in the file …]\n${whole}` };
  } catch {
    return {};
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
