// `npm start`'s prestart on a production host: it builds dist/ only when it is missing or stale, and when it cannot build
// (TypeScript not installed, a read-only code folder) says so in one line and starts the build that is there.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { projectRoot } from '../helpers/main-process.js';

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) {
    eachFile(dir, (file, isDirectory) => fs.chmodSync(file, isDirectory ? 0o755 : 0o644));
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** Calls `each` for the target and everything under it, never following a symlink (node_modules is one). */
function eachFile(target: string, each: (file: string, isDirectory: boolean) => void): void {
  const stat = fs.lstatSync(target);
  if (stat.isSymbolicLink()) return;
  each(target, stat.isDirectory());
  if (stat.isDirectory()) for (const name of fs.readdirSync(target)) eachFile(path.join(target, name), each);
}

/** Every run ends at the bot's first check, which proves the start ran the built bot without starting it for real. */
const botRan = 'databox-bot: invalid configuration: SLACK_BOT_TOKEN is required to start the Slack bot';
const hourAgo = new Date(Date.now() - 3_600_000);
const halfHourAgo = new Date(Date.now() - 1_800_000);

/** The project's dependencies without TypeScript, as `npm ci --omit=dev` leaves them (what else it omits is not used here). */
function productionNodeModules(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'npm-start-build-modules-'));
  temps.push(dir);
  const all = path.join(projectRoot, 'node_modules');
  for (const name of fs.readdirSync(all)) {
    if (name === 'typescript' || name === '@typescript' || name === '.bin') continue;
    fs.symlinkSync(path.join(all, name), path.join(dir, name));
  }
  return dir;
}

function setTimes(target: string, when: Date): void {
  eachFile(target, (file) => fs.utimesSync(file, when, when));
}

/**
 * The bot's own build settings and scripts with a few small sources: for the starts that compile, since tsc takes seconds
 * of CPU over the whole of src/ and what is under test is when `npm start` builds and what it starts after. Its main
 * makes the bot's first check, through the modules the tests edit and delete.
 */
const smallSources: Record<string, string> = {
  'src/config.ts': "export function missingSetting(env: NodeJS.ProcessEnv): string | undefined {\n  return env.SLACK_BOT_TOKEN ? undefined : 'SLACK_BOT_TOKEN is required to start the Slack bot';\n}\n",
  'src/journal/head.ts': "export const headName = 'journal.head';\n",
  'src/main.ts':
    "import { missingSetting } from './config.js';\nimport { headName } from './journal/head.js';\n\nconst missing = missingSetting(process.env);\nif (missing) {\n  console.error(`databox-bot: invalid configuration: ${missing}`);\n  process.exit(2);\n}\nconsole.log(headName);\n",
};
let smallProject: string;
beforeAll(async () => {
  smallProject = fs.mkdtempSync(path.join(os.tmpdir(), 'npm-start-build-small-'));
  temps.push(smallProject);
  for (const name of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts']) fs.cpSync(path.join(projectRoot, name), path.join(smallProject, name), { recursive: true });
  for (const [file, text] of Object.entries(smallSources)) {
    fs.mkdirSync(path.dirname(path.join(smallProject, file)), { recursive: true });
    fs.writeFileSync(path.join(smallProject, file), text);
  }
  fs.symlinkSync(path.join(projectRoot, 'node_modules'), path.join(smallProject, 'node_modules'));
  // As `npm run build` leaves dist/ (the suite's global setup runs it for the whole bot).
  await execa(process.execPath, [path.join(smallProject, 'scripts', 'build.mjs')], { cwd: smallProject });
});

/**
 * A copy of the bot's folder as a deploy has it: its sources an hour old, dist/ (when `built`) built half an hour ago.
 * `small`: the small sources above in place of src/ and handlers/.
 */
function botFolder(options: { built: boolean; typescript: boolean; small?: boolean }): string {
  const from = options.small ? smallProject : projectRoot;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'npm-start-build-'));
  temps.push(dir);
  for (const name of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'src', 'handlers', 'scripts'].filter((name) => fs.existsSync(path.join(from, name)))) {
    fs.cpSync(path.join(from, name), path.join(dir, name), { recursive: true });
    setTimes(path.join(dir, name), hourAgo);
  }
  if (options.built) {
    // dist/ as `npm run build` left it: the compiled files and the record of a finished build.
    for (const name of ['src', 'handlers', 'build-complete.json'].filter((name) => fs.existsSync(path.join(from, 'dist', name)))) {
      fs.cpSync(path.join(from, 'dist', name), path.join(dir, 'dist', name), { recursive: true });
    }
    setTimes(path.join(dir, 'dist'), halfHourAgo);
  }
  fs.symlinkSync(options.typescript ? path.join(projectRoot, 'node_modules') : productionNodeModules(), path.join(dir, 'node_modules'));
  return dir;
}

/** Read-only for its owner: dirs r-x, files r--, as for a service user on a root-owned checkout. */
function makeReadOnly(target: string): void {
  eachFile(target, (file, isDirectory) => fs.chmodSync(file, isDirectory ? 0o555 : 0o444));
}

let home: string;
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'npm-start-build-home-'));
  temps.push(home);
});

/** `npm start` in the folder, without root's powers when the tests run as root (no file mode stops root otherwise). */
function npmStart(folder: string) {
  const dropRootPowers = process.getuid?.() === 0 ? ['setpriv', '--bounding-set', '-all', '--inh-caps', '-all', '--'] : [];
  const [command, ...args] = [...dropRootPowers, 'npm', 'start'];
  return execa(command as string, args, {
    cwd: folder,
    // Without the node_modules/.bin folders npx and vitest put on PATH: npm adds the bot's own, as an operator's shell has it.
    env: { PATH: (process.env.PATH ?? '').split(':').filter((dir) => !dir.includes('node_modules')).join(':'), HOME: home, npm_config_update_notifier: 'false', DATABOX_ROOT: folder, DATABOX_STATE_DIR: path.join(home, 'var') },
    extendEnv: false,
    reject: false,
    all: true,
    timeout: 170_000,
  });
}

const mainMtime = (folder: string) => Math.round(fs.statSync(path.join(folder, 'dist', 'src', 'main.js')).mtimeMs);

/** A source file changed, as an edit or a pull changes it. */
function editSource(folder: string): void {
  fs.appendFileSync(path.join(folder, 'src', 'config.ts'), '\n// edited since dist/ was built\n');
}

describe('npm start builds dist/ only when it must', () => {
  it('starts an up-to-date dist/ without compiling anything', async () => {
    const folder = botFolder({ built: true, typescript: true });
    const result = await npmStart(folder);
    expect(result.stderr).toContain(botRan);
    expect(mainMtime(folder), 'dist/ was built again').toBe(halfHourAgo.getTime());
  });

  it('compiles a dist/ built from other TypeScript than is there now, then starts it', async () => {
    const folder = botFolder({ built: true, typescript: true, small: true });
    editSource(folder);
    const result = await npmStart(folder);
    expect(result.stderr).toContain(botRan);
    expect(mainMtime(folder)).toBeGreaterThan(halfHourAgo.getTime());
  });

  it('never starts code that failed to compile: a type error stops the start, and the next start too', async () => {
    const folder = botFolder({ built: true, typescript: true, small: true });
    fs.appendFileSync(path.join(folder, 'src', 'config.ts'), '\nexport const notANumber: number = "one";\n');
    const first = await npmStart(folder);
    expect(first.exitCode).not.toBe(0);
    expect(first.stderr).not.toContain(botRan);
    const second = await npmStart(folder);
    expect(second.exitCode).not.toBe(0);
    expect(second.stderr, 'the second start ran what the failed build wrote').not.toContain(botRan);
    expect(mainMtime(folder), 'dist/ written by a failed build').toBe(halfHourAgo.getTime());
  });

  it('says in one line that TypeScript is not installed, and how to build, when there is no dist/ (npm ci with NODE_ENV=production)', async () => {
    const folder = botFolder({ built: false, typescript: false });
    const result = await npmStart(folder);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).not.toContain(botRan);
    expect(result.stderr).toContain(
      `databox-bot: dist/ is not built and cannot be built here: TypeScript's compiler (tsc, a dev dependency) is not installed: npm ci left out the dev dependencies (--omit=dev, or NODE_ENV=production). Run \`npm ci\` (with the dev dependencies) and \`npm run build\` in ${folder}, then \`npm start\``,
    );
    expect(result.all).not.toContain('tsc: not found');
  });

  it('starts the dist/ there is, saying so, when TypeScript is not installed to build a newer one', async () => {
    const folder = botFolder({ built: true, typescript: false });
    editSource(folder);
    const result = await npmStart(folder);
    expect(result.stderr).toContain(
      "databox-bot: src/config.ts changed since dist/ was built, which cannot be rebuilt here: TypeScript's compiler (tsc, a dev dependency) is not installed",
    );
    expect(result.stderr).toContain('Starting the existing build; run `npm run build` where it can be, to start the new code');
    expect(result.stderr).toContain(botRan);
  });

  it('starts the dist/ there is, saying so in one line, when the code folder is read-only', async () => {
    const folder = botFolder({ built: true, typescript: true });
    editSource(folder);
    makeReadOnly(folder);
    const result = await npmStart(folder);
    expect(result.all, 'tsc says on stdout it cannot write').not.toContain('TS5033');
    expect(result.stderr).toContain(`databox-bot: src/config.ts changed since dist/ was built, which cannot be rebuilt here: ${path.join(folder, 'dist', 'src')} is not writable by this user`);
    expect(result.stderr).toContain(botRan);
    expect(mainMtime(folder)).toBe(halfHourAgo.getTime());
  });

  it('builds again rather than start a dist/ a file of which was deleted since the build', async () => {
    const folder = botFolder({ built: true, typescript: true, small: true });
    const deleted = path.join(folder, 'dist', 'src', 'journal', 'head.js');
    fs.rmSync(deleted);
    const result = await npmStart(folder);
    expect(result.stderr).toContain("databox-bot: dist/ is not a finished build (dist/src/journal/head.js, which the last build wrote, is missing): building it again");
    expect(result.stderr).toContain(botRan);
    expect(fs.existsSync(deleted)).toBe(true);
  });

  it('builds again after a build whose tsc was killed half-way, rather than start what it wrote', async () => {
    const folder = botFolder({ built: true, typescript: true });
    editSource(folder);
    const record = path.join(folder, 'dist', 'build-complete.json');
    // The real build, in a process group of its own, killed (npm, the build script and tsc) once tsc has written a file.
    // On a loaded machine tsc may finish between two looks; that build is not the case under test, so it is tried again.
    const killHalfWay = async () => {
      const build = execa('npm', ['run', 'build'], { cwd: folder, detached: true, reject: false, env: { npm_config_update_notifier: 'false' } });
      const rewritten = () => {
        let found = false;
        eachFile(path.join(folder, 'dist', 'src'), (file, isDirectory) => (found ||= !isDirectory && fs.statSync(file).mtimeMs > halfHourAgo.getTime() + 1000));
        return found;
      };
      while (!rewritten() && build.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 10));
      process.kill(-(build.pid as number), 'SIGKILL');
      await build;
      return !fs.existsSync(record);
    };
    let cutShort = false;
    for (let attempt = 0; attempt < 3 && !cutShort; attempt += 1) {
      if (attempt > 0) {
        fs.rmSync(path.join(folder, 'dist', 'src'), { recursive: true });
        editSource(folder);
      }
      cutShort = await killHalfWay();
    }
    expect(cutShort, 'the build finished before it could be killed, three times').toBe(true);

    const result = await npmStart(folder);
    expect(result.stderr).toContain(
      'databox-bot: dist/ is not a finished build (dist/build-complete.json, which a build writes once it has finished, is not there: the last build was cut short, or dist/ was built before this record existed): building it again',
    );
    expect(result.stderr).toContain(botRan);
    expect(fs.existsSync(record)).toBe(true);
  });

  it('does not start a dist/ that is not a finished build where it cannot build (TypeScript not installed): it says how to build', async () => {
    const folder = botFolder({ built: true, typescript: false });
    fs.rmSync(path.join(folder, 'dist', 'src', 'journal', 'head.js'));
    const result = await npmStart(folder);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).not.toContain(botRan);
    expect(result.stderr).toContain(
      "databox-bot: dist/ is not a finished build (dist/src/journal/head.js, which the last build wrote, is missing) and cannot be built here: TypeScript's compiler (tsc, a dev dependency) is not installed",
    );
  });

  it('`npm run build` without TypeScript installed says so in one line, without a stack trace', async () => {
    const folder = botFolder({ built: false, typescript: false });
    const result = await execa('npm', ['run', '--silent', 'build'], { cwd: folder, reject: false, env: { npm_config_update_notifier: 'false' } });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(
      `databox-bot: cannot build: TypeScript's compiler (tsc, a dev dependency) is not installed. Run \`npm ci\` (with the dev dependencies) in ${folder}, then \`npm run build\``,
    );
  });
});
