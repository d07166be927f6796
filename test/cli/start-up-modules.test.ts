// What a CLI command loads as it starts: one that opens no database and runs no command (help, status) leaves DuckDB's
// Node API with its native library, and execa, unloaded: 0.3 s of CPU each time an operator or a script runs it.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { cliArgs, cliEnv, projectRoot } from '../helpers/cli-process.js';
import { useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('databox-cli-modules-');

/** Runs the CLI with a preload that, as the process exits, writes the CommonJS modules it loaded to `loaded` (ESM's imports of them included). */
async function modulesLoadedBy(command: readonly string[]): Promise<{ code: number | undefined; modules: string[] }> {
  const root = tempDir();
  fs.mkdirSync(path.join(root, 'var'));
  const loaded = path.join(root, 'loaded.json');
  const preload = path.join(root, 'note-modules.mjs');
  fs.writeFileSync(
    preload,
    `import fs from 'node:fs';\nimport { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\nprocess.on('exit', () => fs.writeFileSync(${JSON.stringify(loaded)}, JSON.stringify(Object.keys(require.cache))));\n`,
  );
  const env = cliEnv({ DATABOX_ROOT: root, DATABOX_STATE_DIR: path.join(root, 'var'), DATABOX_RUNBOOKS_DIR: path.join(projectRoot, 'runbooks') });
  const result = await execa(process.execPath, ['--import', pathToFileURL(preload).href, ...cliArgs, ...command], { cwd: projectRoot, env, extendEnv: false, reject: false, stdin: 'ignore', timeout: 45_000 });
  return { code: result.exitCode, modules: JSON.parse(fs.readFileSync(loaded, 'utf8')) as string[] };
}

describe('npm run cli -- starting', () => {
  it.each([['help'], ['status']])('%s loads neither DuckDB nor execa', async (...command) => {
    const { code, modules } = await modulesLoadedBy(command);
    expect(code).toBe(0);
    // The preload sees what it should: the CommonJS modules the CLI does load (pino, the logger).
    expect(modules.some((file) => file.includes(`${path.sep}pino${path.sep}`))).toBe(true);
    expect(modules.filter((file) => file.includes('@duckdb'))).toEqual([]);
    // execa is ECMAScript modules, which the preload cannot list: cross-spawn, which it loads to start processes, stands for it.
    expect(modules.filter((file) => file.includes(`${path.sep}cross-spawn${path.sep}`))).toEqual([]);
  });
});
