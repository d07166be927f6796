// A clean load of a runbooks folder kept on disk, so that the next process with the same files and the same code takes
// it instead of reading and checking them again: never required, anything wrong with it is a full load.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import v8 from 'node:v8';
import { projectRootOf } from '../project-root.js';
import type { Runbook } from './schema.js';

/** A runbook file as a load read it: its name in the folder (its id, checked at load) and its text. */
export interface ReadRunbook {
  name: string;
  text: string;
}

/** The folder of the loader's code: src/, or dist/src/ when built. Every module of it counts as the loader's. */
const codeRoot = path.resolve(import.meta.dirname, '..');

/** The bot's folder's node_modules/.cache (where npm tools keep theirs): `npm ci` empties it, and it is no state. */
export const loadCacheDir = path.join(projectRootOf(path.join(codeRoot, path.basename(import.meta.filename))), 'node_modules', '.cache', 'databox-bot', 'runbooks');

/** How many loads are kept: one per version of the code and runbooks, the one taken least recently let go. */
const keptLoads = 32;

/**
 * The sha256 of every file of the code folder (its path in it and its bytes; source maps aside, which nothing runs) and
 * of the yaml, zod and DuckDB packages' manifests (their versions): any change to the loader, its checks or the step kinds whose
 * rules it runs is another key. Hashing the whole folder is more than the loader needs, and cannot miss a module of it.
 */
export function codeVersion(root: string, packages: readonly string[]): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (!entry.name.endsWith('.map')) hash.update(`${path.relative(root, file)}\0`).update(fs.readFileSync(file)).update('\0');
    }
  };
  walk(root);
  const require = createRequire(import.meta.url);
  for (const name of packages) hash.update(`${name}\0`).update(fs.readFileSync(require.resolve(`${name}/package.json`))).update('\0');
  return hash.digest('hex');
}

/**
 * A load cache for the loader code under `codeRoot`, kept in `cacheDir`. The code is hashed now, as its modules load: a
 * process whose code is older than the checkout must not hash the newer tree at its first load and keep its old rules'
 * result under the new code's key. Hashed again just before keeping: code changed under the process since, nothing is kept.
 */
export function loadCacheOf(codeRoot: string, cacheDir: string) {
  const hashCode = (): string | undefined => {
    try {
      // DuckDB's too: its ICU's time zones are the ones a source's time_zone is checked against (duckdb-time-zones.ts).
      return codeVersion(codeRoot, ['yaml', 'zod', '@duckdb/node-api']);
    } catch {
      return undefined;
    }
  };
  const thisCode = hashCode();
  const entryFile = (key: string) => path.join(cacheDir, `${key}.v8`);

  /** Taken now: the entries let go first are those no process has taken for longest. A folder this user may only read is still read. */
  const markTaken = (key: string) => {
    try {
      const now = new Date();
      fs.utimesSync(entryFile(key), now, now);
    } catch {
      // Let go sooner, then.
    }
  };

  /** Removes all but the keptLoads entries written or taken last (a partial one a process left as it died counts as one). */
  const letOldLoadsGo = () => {
    const entries = fs.readdirSync(cacheDir).flatMap((name) => {
      try {
        return [{ file: path.join(cacheDir, name), at: fs.statSync(path.join(cacheDir, name)).mtimeMs }];
      } catch {
        return [];
      }
    });
    for (const { file } of entries.sort((a, b) => b.at - a.at).slice(keptLoads)) fs.rmSync(file, { force: true });
  };

  return {
    /** The key of a load of these files, in the order read, by this code; undefined when the code could not be read to hash it. */
    loadKey(files: readonly ReadRunbook[]): string | undefined {
      if (thisCode === undefined) return undefined;
      const hash = createHash('sha256').update(`${thisCode}\0`);
      // Each part's length first: no two lists of files make one stream of bytes.
      for (const { name, text } of files) hash.update(`${Buffer.byteLength(name)}:${name}\0${Buffer.byteLength(text)}:`).update(text).update('\0');
      return hash.digest('hex');
    },

    /** The runbooks a clean load with this key gave, in file order; undefined when none is kept or it cannot be read as one. */
    keptLoad(key: string): Runbook[] | undefined {
      try {
        const entry = v8.deserialize(fs.readFileSync(entryFile(key))) as { key?: unknown; runbooks?: unknown };
        if (entry.key !== key || !Array.isArray(entry.runbooks)) return undefined;
        markTaken(key);
        return entry.runbooks as Runbook[];
      } catch {
        return undefined;
      }
    },

    /**
     * Keeps a clean load's runbooks under its key: written whole to a file of its own, then renamed into place, so a
     * process reading at the same time sees the whole entry or none. Nothing is kept that would not come back the same
     * (data a structured clone changes), nor when the code on disk is no longer the code this process runs; a folder
     * that cannot be written is no error: the next load is a full one.
     */
    keepLoad(key: string, runbooks: readonly Runbook[]): void {
      try {
        if (hashCode() !== thisCode) return;
        const bytes = v8.serialize({ key, runbooks });
        if (!isDeepStrictEqual(v8.deserialize(bytes), { key, runbooks })) return;
        fs.mkdirSync(cacheDir, { recursive: true });
        const partial = path.join(cacheDir, `.${key}.${process.pid}.${randomBytes(4).toString('hex')}.partial`);
        fs.writeFileSync(partial, bytes);
        fs.renameSync(partial, entryFile(key));
        letOldLoadsGo();
      } catch {
        // No cache this time.
      }
    },
  };
}

export const { loadKey, keptLoad, keepLoad } = loadCacheOf(codeRoot, loadCacheDir);
