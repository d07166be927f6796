// The notes on keys a folder's runbooks still hold that this version no longer reads, one "file:line: at path: note" line each, for the start's log and runbooks check.
import fs from 'node:fs';
import path from 'node:path';
import { readRunbookFile } from './read-runbook-file.js';
import { readYaml } from './read-yaml.js';
import { mayHoldRetiredKey, withoutRetiredKeys } from './retired-keys.js';
import { formatPath } from './yaml-lines.js';

/** Every retired key in the folder's runbook files; a file that cannot be read says nothing here (its load says why). */
export function retiredKeyNotes(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir).sort();
  } catch {
    return [];
  }
  return names
    .filter((name) => /\.ya?ml$/.test(name) && !name.startsWith('.'))
    .flatMap((name) => {
      const file = path.join(dir, name);
      const read = readRunbookFile(file);
      // Parsed again only where a retired key's name is in the text: the load itself may have come from the cache.
      const yaml = read.ok && mayHoldRetiredKey(read.text) ? readYaml(read.text, file) : undefined;
      if (!yaml?.ok) return [];
      return withoutRetiredKeys(yaml.content).found.map(({ at, note }) => {
        const line = yaml.lineOf(at);
        return `${file}${line === undefined ? '' : `:${line}`}: at ${formatPath(at)}: ${note}`;
      });
    });
}
