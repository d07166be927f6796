// `npm run build`: compiles src/ and handlers/ into dist/ with tsc, and records the build as finished only once tsc has
// succeeded (build-record.mjs), so a build cut short is never taken for a finished one by `npm start`.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { removeRecord, sourcesFingerprint, writeRecord } from './build-record.mjs';

const folder = path.resolve(import.meta.dirname, '..');

function tscPath() {
  try {
    return path.join(path.dirname(createRequire(path.join(folder, 'package.json')).resolve('typescript/package.json')), 'bin', 'tsc');
  } catch {
    return undefined;
  }
}

const tsc = tscPath();
if (!tsc) {
  console.error(`databox-bot: cannot build: TypeScript's compiler (tsc, a dev dependency) is not installed. Run \`npm ci\` (with the dev dependencies) in ${folder}, then \`npm run build\``);
  process.exit(1);
}
try {
  const sources = sourcesFingerprint(folder);
  removeRecord(folder);
  const build = spawnSync(process.execPath, [tsc, '-p', path.join(folder, 'tsconfig.build.json')], { cwd: folder, stdio: 'inherit' });
  if (build.status === 0) writeRecord(folder, sources);
  process.exit(build.status ?? 1);
} catch (error) {
  // A folder this user may not write (the record cannot be removed or written): one line, no stack.
  console.error(`databox-bot: cannot build in ${folder}: ${error.message}`);
  process.exit(1);
}
