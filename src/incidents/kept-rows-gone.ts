// A rollback that puts back rows a recovery kept, refused before its counts read the file when the file is not there.
import fs from 'node:fs';
import path from 'node:path';
import type { ResolvedStep } from '../engine/types.js';

/** Files in `dir` named as `name` with something after it (`….parquet.unchecked`, `….parquet.not-exact`): maybe it, renamed. */
function renamedBeside(dir: string, name: string): string[] {
  try {
    return fs
      .readdirSync(dir)
      .filter((entry) => entry.startsWith(`${name}.`))
      .sort();
  } catch {
    return [];
  }
}

/**
 * Why the rollback cannot be proposed: a file its restore-rows steps put back rows from is not there (moved or deleted
 * since the recovery kept it), said with where to put it back; undefined when every one is there.
 */
export function keptRowsGone(steps: readonly ResolvedStep[]): string | undefined {
  for (const step of steps) {
    if (step.kind !== 'restore-rows' || fs.existsSync(step.from)) continue;
    const renamed = renamedBeside(path.dirname(step.from), path.basename(step.from));
    const near = renamed.length > 0 ? `; ${path.dirname(step.from)} holds ${renamed.join(', ')}, which may be it under another name` : '';
    return `the rows the recovery kept are not at ${step.from} (moved or deleted): put the file back there to roll back${near}. Nothing was proposed`;
  }
  return undefined;
}
