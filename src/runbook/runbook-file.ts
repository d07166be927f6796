// The file a loaded runbook was read from: its id is its file's name (load.ts refuses any other), .yml or .yaml.
import fs from 'node:fs';
import path from 'node:path';

export function runbookFile(runbooksDir: string, id: string): string {
  const yaml = path.join(runbooksDir, `${id}.yaml`);
  return fs.existsSync(yaml) ? yaml : path.join(runbooksDir, `${id}.yml`);
}
