// The record a finished build leaves in dist/: the sources it compiled (each file's SHA-256) and the files it wrote
// (their sizes). Written only once tsc has succeeded, so a build cut short, or a dist/ partly deleted, is told from a
// complete one. Plain JavaScript, run by Node itself, as build-if-stale.mjs is.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** What `npm run build` (tsconfig.build.json) compiles, and the settings it compiles them with. */
const inputs = ['src', 'handlers', 'tsconfig.json', 'tsconfig.build.json'];
/** Where it writes what it compiled. */
const outputs = ['dist/src', 'dist/handlers'];

export function recordFile(folder) {
  return path.join(folder, 'dist', 'build-complete.json');
}

/** Every file under the given paths of `folder`, as paths relative to it, in a stable order. */
function filesUnder(folder, paths) {
  const found = [];
  const visit = (relative) => {
    const stat = fs.statSync(path.join(folder, relative), { throwIfNoEntry: false });
    if (!stat) return;
    if (!stat.isDirectory()) found.push(relative);
    else for (const name of fs.readdirSync(path.join(folder, relative)).sort()) visit(path.join(relative, name));
  };
  for (const p of paths) visit(p);
  return found;
}

/** Each source file's SHA-256: taken before tsc reads them, so a file edited during the build reads as changed next time. */
export function sourcesFingerprint(folder) {
  return Object.fromEntries(filesUnder(folder, inputs).map((file) => [file, createHash('sha256').update(fs.readFileSync(path.join(folder, file))).digest('hex')]));
}

/** Removed before tsc starts: until a new one is written, dist/ is not a finished build. */
export function removeRecord(folder) {
  fs.rmSync(recordFile(folder), { force: true });
}

/** Written once tsc has succeeded: the sources it compiled and the size of every file it left in dist/. */
export function writeRecord(folder, sources) {
  const built = Object.fromEntries(filesUnder(folder, outputs).map((file) => [file, fs.statSync(path.join(folder, file)).size]));
  const temporary = `${recordFile(folder)}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify({ sources, built }));
  fs.renameSync(temporary, recordFile(folder));
}

function readRecord(folder) {
  try {
    const record = JSON.parse(fs.readFileSync(recordFile(folder), 'utf8'));
    return record && typeof record.sources === 'object' && typeof record.built === 'object' ? record : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why dist/ is not the finished build of the sources as they are now: `{ incomplete }` (no record of a finished
 * build, or a file it wrote gone or changed since: what is there may be half written), `{ changed }` (a source file
 * changed, added or removed since the finished build), or undefined when it is that build.
 */
export function buildProblem(folder) {
  const record = readRecord(folder);
  const relative = (file) => path.relative(folder, file);
  if (!record) return { incomplete: `${relative(recordFile(folder))}, which a build writes once it has finished, is not there: the last build was cut short, or dist/ was built before this record existed` };
  for (const [file, size] of Object.entries(record.built)) {
    const now = fs.statSync(path.join(folder, file), { throwIfNoEntry: false })?.size;
    if (now === undefined) return { incomplete: `${file}, which the last build wrote, is missing` };
    if (now !== size) return { incomplete: `${file} is not the one the last build wrote (${now} bytes, not ${size})` };
  }
  const sources = sourcesFingerprint(folder);
  const changed = Object.keys(sources).find((file) => record.sources[file] !== sources[file]) ?? Object.keys(record.sources).find((file) => !(file in sources));
  return changed ? { changed } : undefined;
}
