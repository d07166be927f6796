// Tests runsDatabox (src/process/databox-program.ts) on real processes whose command lines name databox-bot's entry
// points as an operator starts them, or something else.
import fs from 'node:fs';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { runsDatabox } from '../../src/process/databox-program.js';
import { useTempDirs } from '../support/fixtures.js';

const projectRoot = path.resolve(import.meta.dirname, '..', '..');
const tempDir = useTempDirs('databox-program-');
const started: ResultPromise[] = [];
afterEach(async () => {
  for (const child of started.splice(0)) {
    child.kill('SIGKILL');
    await child.catch(() => undefined);
  }
});

/** A process that idles with `args` on its command line (node -e passes on those after --), started in `cwd`, once it runs. */
async function idleWith(args: string[], cwd = projectRoot): Promise<number> {
  const child = execa(process.execPath, ['-e', 'console.log("ready"); setInterval(() => {}, 1000)', '--', ...args], { cwd, reject: false });
  started.push(child);
  // Until then /proc shows the command line of the process it was forked from.
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once('data', () => resolve());
    child.once('exit', () => reject(new Error('the idle process exited')));
  });
  return child.pid as number;
}

/** A package folder named `name`, as another checkout would be. */
function packageNamed(name: string): string {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name }));
  return dir;
}

describe('runsDatabox', () => {
  it('is true for the bot and the CLI, built or through tsx, named from where they run or in full, in any checkout', async () => {
    expect(runsDatabox(await idleWith(['dist/src/main.js']))).toBe(true);
    expect(runsDatabox(await idleWith([path.join(projectRoot, 'dist', 'src', 'cli.js'), 'diagnose', 'duckdb']))).toBe(true);
    expect(runsDatabox(await idleWith(['--import', 'file:///somewhere/tsx/dist/loader.mjs', 'src/cli.ts', 'diagnose', 'duckdb']))).toBe(true);
    const another = packageNamed('databox-bot');
    expect(runsDatabox(await idleWith(['dist/src/cli.js'], another))).toBe(true);
  });

  it("is false for anything else: another package's entry points, a script of this one's, a process gone", async () => {
    expect(runsDatabox(await idleWith(['dist/src/cli.js'], packageNamed('notebooks')))).toBe(false);
    expect(runsDatabox(await idleWith(['test/fixtures/scripts/hold-duckdb.mjs']))).toBe(false);
    expect(runsDatabox(await idleWith(['src/duckdb/probe.ts']))).toBe(false);
    expect(runsDatabox(process.pid)).toBe(false);
    const gone = execa(process.execPath, ['-e', '0', 'dist/src/main.js'], { cwd: projectRoot });
    const pid = gone.pid as number;
    await gone;
    expect(runsDatabox(pid)).toBe(false);
  });
});
