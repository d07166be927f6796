// A file's size and SHA-256, to compare whole files: vitest's deep equality walks a Buffer byte by byte, seconds for a DuckDB file.
import { createHash } from 'node:crypto';
import fs from 'node:fs';

export function fingerprint(file: string): string {
  const bytes = fs.readFileSync(file);
  return `${bytes.length} bytes, sha256 ${createHash('sha256').update(bytes).digest('hex')}`;
}
