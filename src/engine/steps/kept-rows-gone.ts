// A restore-rows step whose kept rows are not where the recovery kept them: refused before its plan is proposed, and again right before it runs.
import fs from 'node:fs';
import path from 'node:path';

/** Files in `dir` named as `name` with something after it (`….parquet.unchecked`, `….parquet.not-exact`): maybe it, renamed. */
export function renamedBeside(dir: string, name: string): string[] {
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
 * Why rows cannot be put back from `from`: it is not there (moved or deleted since the recovery kept it), said with where
 * to put it back and any file beside it that may be it renamed; undefined when it is there.
 */
export function keptRowsGone(from: string): string | undefined {
  if (fs.existsSync(from)) return undefined;
  const renamed = renamedBeside(path.dirname(from), path.basename(from));
  const near = renamed.length > 0 ? `; ${path.dirname(from)} holds ${renamed.join(', ')}, which may be it under another name` : '';
  return `the rows the recovery kept are not at ${from} (moved or deleted): put the file back there to roll back${near}`;
}
