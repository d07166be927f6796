// npm start's prestart: builds dist/ when it is missing or older than the TypeScript, and says in one line why it cannot.
// Plain JavaScript, run by Node itself: it must work where TypeScript is not installed (npm ci with NODE_ENV=production).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const folder = path.resolve(import.meta.dirname, '..');
const entry = path.join(folder, 'dist', 'src', 'main.js');
/** What `npm run build` (tsconfig.build.json) compiles, and the settings it compiles them with. */
const inputs = ['src', 'handlers', 'tsconfig.json', 'tsconfig.build.json'];

/** The most recently changed file under the given paths, or undefined when there is none. */
function newestFile(paths) {
  let newest;
  const visit = (file) => {
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(file)) visit(path.join(file, name));
    } else if (!newest || stat.mtimeMs > newest.mtimeMs) {
      newest = { file, mtimeMs: stat.mtimeMs };
    }
  };
  for (const p of paths) visit(path.join(folder, p));
  return newest;
}

function typescriptInstalled() {
  try {
    createRequire(path.join(folder, 'package.json')).resolve('typescript/package.json');
    return true;
  } catch {
    return false;
  }
}

function writable(file) {
  try {
    fs.accessSync(file, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Why this process cannot build dist/ here, or undefined when it can. */
function whyNoBuild(built) {
  if (!typescriptInstalled()) {
    return "TypeScript's compiler (tsc, a dev dependency) is not installed: npm ci left out the dev dependencies (--omit=dev, or NODE_ENV=production)";
  }
  const mustWrite = built ? [path.dirname(entry), entry] : [fs.existsSync(path.join(folder, 'dist')) ? path.join(folder, 'dist') : folder];
  const readOnly = mustWrite.find((file) => !writable(file));
  if (readOnly) return `${readOnly} is not writable by this user (uid ${process.getuid?.() ?? '?'})`;
  return undefined;
}

const relative = (file) => path.relative(folder, file);
const builtAt = fs.statSync(entry, { throwIfNoEntry: false })?.mtimeMs;
const changed = newestFile(inputs);
if (builtAt !== undefined && (!changed || changed.mtimeMs <= builtAt)) process.exit(0);

const why = whyNoBuild(builtAt !== undefined);
if (why && builtAt === undefined) {
  console.error(`databox-bot: dist/ is not built and cannot be built here: ${why}. Run \`npm ci\` (with the dev dependencies) and \`npm run build\` in ${folder}, then \`npm start\``);
  process.exit(1);
}
if (why) {
  console.error(`databox-bot: ${relative(changed.file)} changed since dist/ was built, which cannot be rebuilt here: ${why}. Starting the existing build; run \`npm run build\` where it can be, to start the new code`);
  process.exit(0);
}
// npm's own runner when npm started this script, so the build is `npm run build` as written in package.json.
const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
const build = spawnSync(npm[0], [...npm.slice(1), 'run', '--silent', 'build'], { cwd: folder, stdio: 'inherit' });
process.exit(build.status ?? 1);
