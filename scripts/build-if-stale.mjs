// npm start's prestart: builds dist/ when it is not the finished build of the TypeScript as it is now (missing, cut short,
// partly deleted, or older than the sources), and says in one line why it cannot.
// Plain JavaScript, run by Node itself: it must work where TypeScript is not installed (npm ci with NODE_ENV=production).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { buildProblem, recordFile } from './build-record.mjs';

const folder = path.resolve(import.meta.dirname, '..');
const entry = path.join(folder, 'dist', 'src', 'main.js');

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
function whyNoBuild() {
  if (!typescriptInstalled()) {
    return "TypeScript's compiler (tsc, a dev dependency) is not installed: npm ci left out the dev dependencies (--omit=dev, or NODE_ENV=production)";
  }
  // The build writes its files and its record (build-record.mjs) in dist/.
  const dist = path.dirname(recordFile(folder));
  const mustWrite = fs.existsSync(dist) ? [path.dirname(entry), entry, dist].filter((file) => fs.existsSync(file)) : [folder];
  const readOnly = mustWrite.find((file) => !writable(file));
  if (readOnly) return `${readOnly} is not writable by this user (uid ${process.getuid?.() ?? '?'})`;
  return undefined;
}

const problem = buildProblem(folder);
if (!problem) process.exit(0);

const built = fs.existsSync(entry);
const why = whyNoBuild();
const buildIt = `Run \`npm ci\` (with the dev dependencies) and \`npm run build\` in ${folder}, then \`npm start\``;
if (why && !built) {
  console.error(`databox-bot: dist/ is not built and cannot be built here: ${why}. ${buildIt}`);
  process.exit(1);
}
// What is there may be half written: never started.
if (why && problem.incomplete) {
  console.error(`databox-bot: dist/ is not a finished build (${problem.incomplete}) and cannot be built here: ${why}. ${buildIt}`);
  process.exit(1);
}
if (why) {
  console.error(`databox-bot: ${problem.changed} changed since dist/ was built, which cannot be rebuilt here: ${why}. Starting the existing build; run \`npm run build\` where it can be, to start the new code`);
  process.exit(0);
}
if (built && problem.incomplete) console.error(`databox-bot: dist/ is not a finished build (${problem.incomplete}): building it again`);
// npm's own runner when npm started this script, so the build is `npm run build` as written in package.json.
const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
const build = spawnSync(npm[0], [...npm.slice(1), 'run', '--silent', 'build'], { cwd: folder, stdio: 'inherit' });
process.exit(build.status ?? 1);
