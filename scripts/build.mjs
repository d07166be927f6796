// `npm run build`: compiles src/ and handlers/ into dist/ with tsc, and records the build as finished only once tsc has
// succeeded (build-record.mjs), so a build cut short is never taken for a finished one by `npm start`.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { removeRecord, sourcesFingerprint, writeRecord } from './build-record.mjs';

const folder = path.resolve(import.meta.dirname, '..');
const sources = sourcesFingerprint(folder);
removeRecord(folder);
const tsc = path.join(path.dirname(createRequire(path.join(folder, 'package.json')).resolve('typescript/package.json')), 'bin', 'tsc');
const build = spawnSync(process.execPath, [tsc, '-p', path.join(folder, 'tsconfig.build.json')], { cwd: folder, stdio: 'inherit' });
if (build.status === 0) writeRecord(folder, sources);
process.exit(build.status ?? 1);
