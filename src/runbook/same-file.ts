// Whether two runbook paths name the same file, through symlinks; a path that no longer resolves is compared as written.
import fs from 'node:fs';

export function sameFile(a: string, b: string): boolean {
  const real = (file: string) => {
    try {
      return fs.realpathSync(file);
    } catch {
      return file;
    }
  };
  return a === b || real(a) === real(b);
}
