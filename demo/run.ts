// `npm run demo`: builds a small databox checkout in a temp folder and walks the incident scenarios in console mode,
// the approvals typed by this script, then says where the journal and the postmortems are. No Slack workspace needed.
//
// DEMO_DIR=<folder> puts the checkout there instead of a new temp folder (it must be empty or absent).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { buildCheckout, type Checkout } from './checkout.js';
import { days } from './databox-data.js';
import { startDagsterWebserver } from './dagster-webserver.js';

const projectRoot = path.resolve(import.meta.dirname, '..');
const cliPath = path.join(projectRoot, 'src', 'cli.ts');
// The project's runbooks; DATABOX_RUNBOOKS_DIR points the demo at others (a runbook in the making, say).
const runbooksDir = path.resolve(process.env.DATABOX_RUNBOOKS_DIR ?? path.join(projectRoot, 'runbooks'));
const requester = 'alice';
const approver = 'bob';

const bold = (text: string) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\u001b[1m${text}\u001b[22m` : text);

function banner(text: string): void {
  console.log(`\n${bold(`━━ ${text} ${'━'.repeat(Math.max(3, 72 - text.length))}`)}`);
}

function say(text: string): void {
  console.log(`demo: ${text}`);
}

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment of every CLI call: this checkout only, never the caller's Slack tokens or databox settings. */
function cliEnvironment(checkout: Checkout): Record<string, string> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name, value]) => value !== undefined && !name.startsWith('SLACK_') && !name.startsWith('DATABOX_')),
  ) as Record<string, string>;
  return { ...inherited, ...checkout.env, USER: requester, DATABOX_RUNBOOKS_DIR: runbooksDir, LOG_LEVEL: 'error' };
}

/** Runs the real CLI as a child process; when it asks for the plan's hash, types it as the approver would. */
async function cli(checkout: Checkout, args: string[], echoLines = Infinity, env: Record<string, string> = {}): Promise<CliRun> {
  console.log(`\n$ ${Object.entries(env).map(([name, value]) => `${name}=${value} `).join('')}npm run --silent cli -- ${args.join(' ')}`);
  const child = execa(process.execPath, ['--import', 'tsx', cliPath, ...args], {
    cwd: projectRoot,
    env: { ...cliEnvironment(checkout), ...env },
    extendEnv: false,
    stdin: 'pipe',
    reject: false,
    encoding: 'utf8',
    // Nothing here takes long; a command that waits for an answer the demo did not expect must not hang it.
    timeout: 120_000,
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer | string) => {
    const text = chunk.toString();
    const shownBefore = stdout.split('\n').length - 1;
    stdout += text;
    if (shownBefore < echoLines) {
      const lines = text.split('\n');
      const room = echoLines - shownBefore;
      process.stdout.write(lines.length - 1 > room ? `${lines.slice(0, room).join('\n')}\n[… the rest is in the file …]\n` : text);
    }
    const asked = /Type the plan's short hash \(([0-9a-f]{8})\)[^\n]*: $/.exec(stdout);
    if (asked && !child.stdin?.writableEnded) {
      process.stdout.write(`${asked[1]}   ← typed by the demo, as ${approver}`);
      child.stdin?.end(`${asked[1]}\n`);
    }
  });
  // What the CLI says on its standard error (a refusal, where a file was written) is part of the show.
  child.stderr?.on('data', (chunk: Buffer | string) => {
    stderr += chunk.toString();
    process.stdout.write(chunk);
  });
  const result = await child;
  // A command that asked nothing still gets its standard input closed, so it never waits.
  child.stdin?.end();
  return { code: result.exitCode ?? 1, stdout, stderr };
}

function incidentOf(run: CliRun): string {
  const match = /Incident (dbx-\d{8}-[0-9a-f]{4})/.exec(run.stdout);
  if (!match) throw new Error(`no incident id in the output:\n${run.stdout}\n${run.stderr}`);
  return match[1] as string;
}

function expect(run: CliRun, code: number, what: string): void {
  if (run.code !== code) throw new Error(`${what}: exit code ${run.code}, expected ${code}`);
}

async function postmortem(checkout: Checkout, incident: string): Promise<string> {
  const run = await cli(checkout, ['postmortem', incident], 14);
  expect(run, 0, 'postmortem');
  return path.join(checkout.stateDir, 'postmortems', `${incident}.md`);
}

async function scenario1(checkout: Checkout): Promise<string> {
  banner('Scenario 1: a blown DuckDB file');
  say('data/databox.duckdb has been replaced by a corrupt copy: its headers fail their checksums, as after a crash mid-write.');
  const diagnosis = await cli(checkout, ['diagnose', 'duckdb']);
  expect(diagnosis, 1, 'diagnose duckdb');
  const incident = incidentOf(diagnosis);
  if (!/Verdict: File corrupt/.test(diagnosis.stdout)) throw new Error('the diagnosis did not find the file corrupt');
  say(`${requester} asks for path A; ${approver} approves it at the prompt by typing the plan's short hash.`);
  const recovery = await cli(checkout, ['recover', 'duckdb', 'path=a', `incident=${incident}`, '--approver', approver]);
  expect(recovery, 0, 'recover duckdb path=a');
  return postmortem(checkout, incident);
}

async function scenario2(checkout: Checkout): Promise<string | undefined> {
  banner('Scenario 2: a partial backfill of one source');
  const { badWindow } = checkout.calendar;
  say(`the eBird API returned 500s from ${badWindow.from} to ${badWindow.to}: a few observations, or none, landed on those days; every other source is fine.`);
  say('the diagnosis is not told the dates: it scans the last 30 days against the 14 before them.');
  const diagnosis = await cli(checkout, ['diagnose', 'backfill', 'source=ebird']);
  expect(diagnosis, 1, 'diagnose backfill');
  const incident = incidentOf(diagnosis);
  const suggested = /recover backfill path=a source=ebird from=(\d{4}-\d{2}-\d{2}) to=(\d{4}-\d{2}-\d{2}) incident=/.exec(diagnosis.stdout);
  const [from, to] = suggested ? [suggested[1] as string, suggested[2] as string] : [badWindow.from, badWindow.to];
  say(
    suggested
      ? `the diagnosis found the window ${from} … ${to}${from === badWindow.from && to === badWindow.to ? ', the one the demo planted' : ` (the demo planted ${badWindow.from} … ${badWindow.to})`}.`
      : `the diagnosis suggested no window; the demo uses the one it planted, ${from} … ${to}.`,
  );
  // Its validation re-runs the marts' Soda contracts through Dagster's webserver: a loopback stand-in plays it here.
  const dagster = await startDagsterWebserver();
  say(`its validation re-runs the Soda contracts through Dagster's webserver: a stand-in at ${dagster.url} answers that every check passed.`);
  try {
    const recovery = await cli(checkout, ['recover', 'backfill', 'path=a', 'source=ebird', `from=${from}`, `to=${to}`, `incident=${incident}`, '--approver', approver], Infinity, { DAGSTER_URL: dagster.url });
    expect(recovery, 0, 'recover backfill');
  } finally {
    await dagster.close();
  }
  return postmortem(checkout, incident);
}

async function watchers(checkout: Checkout): Promise<void> {
  banner('The watchers');
  say('the bot checks the Dagster daemon\'s heartbeat, the disk, mart freshness and the DuckDB file every DATABOX_WATCH_INTERVAL and posts one alert');
  say('per outage to DATABOX_ALERT_CHANNEL, with a button that opens scenario 4 (or 1 for a full disk or a damaged file). From cron or a terminal,');
  say('`watch` runs them once (no DAGSTER_URL here, so the daemon watcher is off; exit 1 when something is wrong).');
  const run = await cli(checkout, ['watch']);
  if (![0, 1, 3].includes(run.code)) throw new Error(`watch: exit code ${run.code}`);
  say('scenario 4 (a stopped Dagster daemon or paused schedules) and scenario 3 (MotherDuck) need a Dagster webserver or a MotherDuck account; the tests drive them against stand-ins.');
}

async function main(): Promise<void> {
  const dir = process.env.DEMO_DIR ? path.resolve(process.env.DEMO_DIR) : fs.mkdtempSync(path.join(os.tmpdir(), 'databox-demo-'));
  if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) throw new Error(`DEMO_DIR ${dir} is not empty`);
  banner('databox-bot demo');
  const checkout = await buildCheckout(dir);
  say(`built a databox checkout in ${checkout.root}:`);
  const { calendar } = checkout;
  say(`  data/databox.duckdb: raw_ebird.observations, raw_noaa.daily_weather, raw_usgs.daily_values and their marts, ${days} days from ${calendar.firstDay} to ${calendar.lastDay}`);
  // The backup is beside the checkout, not in it: named in full, not as the checkout-relative paths above.
  say(`  a bad eBird ingest window ${calendar.badWindow.from} – ${calendar.badWindow.to}; a good backup in ${checkout.backup}`);
  say(`  stand-in uv and task in ${checkout.binDir}: they print what the real tools would (calls recorded in ${checkout.callsLog})`);
  say(`every command below is the real CLI (npm run --silent cli -- …) with DATABOX_ROOT=${checkout.root} DATABOX_STATE_DIR=${checkout.stateDir}`);

  const postmortems = [await scenario1(checkout)];
  const second = await scenario2(checkout);
  if (second) postmortems.push(second);

  await watchers(checkout);

  banner('The record');
  const verify = await cli(checkout, ['journal', 'verify']);
  expect(verify, 0, 'journal verify');
  console.log('');
  console.log(`Journal:    ${path.join(checkout.stateDir, 'journal.jsonl')}`);
  for (const file of postmortems) console.log(`Postmortem: ${file}`);
  console.log(`Checkout:   ${checkout.root}`);
  console.log(`\nTry it yourself: DATABOX_ROOT=${checkout.root} DATABOX_STATE_DIR=${checkout.stateDir} PATH=${checkout.binDir}:$PATH npm run --silent cli -- status`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`demo failed: ${(error as Error).message}`);
    process.exit(1);
  },
);
