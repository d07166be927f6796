// `npm run bench`: every figure beside its floor measured in the same run (bare Bolt for the Slack side, bare DuckDB for
// the database side), as a ratio with a target. Prints a table and writes bench/results/<date>.json.
// BENCH_SIZE=small runs everything on small sizes (to develop the bench); BENCH_SKIP_10GB=1 skips the 10 GB file;
// BENCH_ACK_TEXTS=help sends only that command in the ack phase; BENCH_CPU_PROF and BENCH_NODE_FLAGS: see lib/child.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { benchAcks } from './phases/acks.js';
import { benchJournal } from './phases/journal.js';
import { benchDayCounts } from './phases/day-counts.js';
import { benchScenario1 } from './phases/scenario1.js';
import { benchSteps } from './phases/steps.js';
import { buildProcesses } from './lib/child.js';
import type { BenchContext, Figure } from './lib/figures.js';

const small = process.env.BENCH_SIZE === 'small';
const sizes = small
  ? { requests: 200, scenario1Bytes: 60_000_000, rawRows: 2_000_000, journalAppends: 300, verifyLines: 10_000, outputBytes: 50_000_000 }
  : { requests: 2_000, scenario1Bytes: 1_000_000_000, rawRows: 50_000_000, journalAppends: 2_000, verifyLines: 100_000, outputBytes: 500_000_000 };

function loadAverage(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join(' ');
}

function format(value: number | undefined, unit: string): string {
  if (value === undefined || Number.isNaN(value)) return '—';
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${unit}`.trim();
}

function printTable(figures: Figure[]): void {
  const rows = figures.map((f) => [
    f.met === undefined ? 'info' : f.met ? 'ok' : 'MISS',
    f.name,
    format(f.value, f.unit),
    f.floor === undefined ? '' : format(f.floor, f.unit),
    f.ratio === undefined ? '' : f.ratio.toFixed(2),
    f.target ?? '',
  ]);
  const header = ['', 'figure', 'databox-bot', 'floor', 'ratio', 'target'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join('  ').trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

const phases = { journal: benchJournal, 'day-counts': benchDayCounts, acks: benchAcks, steps: benchSteps, scenario1: benchScenario1 };

function machineFacts(loadBefore: string) {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    loadAverageBefore: loadBefore,
    loadAverageAfter: loadAverage(),
  };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'databox-bench-'));
  const figures: Figure[] = [];
  const notes: string[] = [];
  const ctx: BenchContext = { dir, sizes, small, figures, notes, log: (text) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${text}`) };
  const loadBefore = loadAverage();
  const started = new Date();
  const resultsDir = path.join(import.meta.dirname, 'results');
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${started.toISOString().slice(0, 10)}${small ? '-small' : ''}.json`);
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    // Not a git checkout.
  }
  // BENCH_PHASES=acks,steps runs only those; the results file is rewritten after each phase, so a stopped run keeps
  // what it measured.
  const wanted = process.env.BENCH_PHASES?.split(',').map((p) => p.trim()) ?? Object.keys(phases);
  const save = () =>
    fs.writeFileSync(file, `${JSON.stringify({ started: started.toISOString(), commit, size: small ? 'small' : 'full', phases: wanted, machine: machineFacts(loadBefore), figures, notes }, null, 2)}\n`);
  ctx.log('building the bot, the bare Bolt app and the bare reads to dist/');
  buildProcesses();
  try {
    for (const [name, phase] of Object.entries(phases)) {
      if (!wanted.includes(name)) continue;
      await phase(ctx);
      save();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log('');
  printTable(figures);
  for (const note of notes) console.log(`note: ${note}`);
  const machine = machineFacts(loadBefore);
  console.log(`machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}; load average before ${loadBefore}, after ${machine.loadAverageAfter}`);
  console.log(`written: ${path.relative(process.cwd(), file)}`);
  const missed = figures.filter((f) => f.met === false).length;
  if (missed > 0) {
    console.log(`${missed} target(s) missed`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${(error as Error).stack ?? error}`);
  process.exit(1);
});
