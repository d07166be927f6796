// Databases a test helper builds once per test process and copies for each test that asks for the same again: DuckDB's
// start-up and the inserts take a quarter of a second to seconds of CPU each, a copy milliseconds.
import fs from 'node:fs';
import path from 'node:path';

const built = new Map<string, Promise<{ template: string; value: unknown }>>();

/** The run's folder for them (test/support/built-databases.ts) under vitest; none elsewhere (bench), where each is built in place. */
async function templatesDir(): Promise<string | undefined> {
  if (!process.env.VITEST) return undefined;
  const { inject } = await import('vitest');
  return inject('builtDatabasesDir');
}

/**
 * Puts at `file` a copy of what `build` makes there (with its write-ahead log, if it leaves one), built once per process
 * for `key`, and resolves with what `build` resolved with. Where something is at `file` or its log already, `build`
 * runs on it, as without templates.
 */
export async function fromTemplate<T>(key: string, file: string, build: (file: string) => Promise<T>): Promise<T> {
  const dir = await templatesDir();
  if (!dir || fs.existsSync(file) || fs.existsSync(`${file}.wal`)) return build(file);
  let made = built.get(key);
  if (!made) {
    // Each process names its own files: two processes never write the same template.
    const template = path.join(dir, `${process.pid}-${key}.duckdb`);
    made = build(template).then(
      (value) => ({ template, value }),
      (error: unknown) => {
        // Built again by the next test that asks, from nothing: not over what the failed build left.
        built.delete(key);
        for (const left of [template, `${template}.wal`]) fs.rmSync(left, { force: true });
        throw error;
      },
    );
    built.set(key, made);
  }
  const { template, value } = await made;
  fs.copyFileSync(template, file);
  if (fs.existsSync(`${template}.wal`)) fs.copyFileSync(`${template}.wal`, `${file}.wal`);
  return value as T;
}
