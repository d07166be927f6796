// `npm run bench`: speed and memory targets of the parts an operator waits on, measured on real files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { scanTables } from '../src/duckdb/scan.js';
import { runDayCountsStep } from '../src/engine/steps/day-counts-step.js';
import type { ResolvedStep } from '../src/engine/types.js';
import { Journal } from '../src/journal/journal.js';
import { verifyLines } from '../src/journal/record.js';
import { runCommand } from '../src/process/run-command.js';
import { createBackfillDatabase } from '../test/helpers/backfill-data.js';

interface Target {
  name: string;
  value: number;
  unit: string;
  /** The value must be at least (higher is better) or at most this. */
  atLeast?: number;
  atMost?: number;
}

const results: Target[] = [];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'databox-bench-'));

async function time<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

async function benchScan(): Promise<void> {
  const file = path.join(dir, 'scan.duckdb');
  const rows = 4_000_000;
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  await connection.run(`CREATE TABLE wide AS SELECT range AS id, md5(range::VARCHAR) AS a, hash(range) AS b, range * 1.5 AS c FROM range(${rows})`);
  connection.closeSync();
  instance.closeSync();
  const rssBefore = process.memoryUsage().rss;
  const { ms, value } = await time(() => scanTables(file, { timeoutMs: 600_000 }));
  if (value.status !== 'ok') throw new Error(`scan failed: ${value.message}`);
  results.push({ name: 'full table read (diagnosis of damaged blocks)', value: Math.round(rows / (ms / 1000)), unit: 'rows/s', atLeast: 1_000_000 });
  results.push({ name: 'memory added by the full read of 4M rows', value: Math.round((process.memoryUsage().rss - rssBefore) / 1024 / 1024), unit: 'MiB', atMost: 1_024 });
}

async function benchDayCounts(): Promise<void> {
  const file = path.join(dir, 'backfill.duckdb');
  await createBackfillDatabase(file, { lastDay: '2026-04-24', rowsPerDay: 20_000, ebird: { zero: ['2026-04-18'] } });
  const step = {
    id: 'mart_counts', title: 'counts', kind: 'day-counts', target: 'local', mutates: false, destructive: false, acceptStatuses: [], timeoutMs: 60_000, guard: false,
    table: '"raw_ebird"."observations"', dateColumn: '"observation_date"', from: '', to: '', baselineDays: 14, scanDays: 30, lowBelow: 0.2, spikeAbove: 5,
  } as Extract<ResolvedStep, { kind: 'day-counts' }>;
  const ctx = {
    root: dir, databasePath: file, stateDir: dir, incidentId: 'bench', runId: 'bench/1', diskFullPercent: 95, runCommand,
    redact: (t: string) => t, clock: () => new Date('2026-04-25T08:00:00Z'), progress: () => {},
  };
  const { ms, value } = await time(() => runDayCountsStep(step, ctx));
  if (value.status !== 'anomalies' || !(value.outputs.badDays as string[]).includes('2026-04-18')) throw new Error(`day counts did not find the planted day: ${value.summary}`);
  results.push({ name: 'per-day counts over 1.2M raw rows (backfill diagnosis)', value: Math.round(ms), unit: 'ms', atMost: 3_000 });
}

async function benchJournal(): Promise<void> {
  const journal = new Journal(path.join(dir, 'journal'));
  journal.load();
  const events = 500;
  const { ms } = await time(async () => {
    for (let i = 0; i < events; i += 1) journal.append({ type: 'step.finished', incident: 'dbx-bench', actor: 'bench', data: { i, summary: 'x'.repeat(200) } });
  });
  results.push({ name: 'journal appends, each fsynced', value: Math.round(events / (ms / 1000)), unit: 'events/s', atLeast: 100 });
  const text = fs.readFileSync(journal.file, 'utf8');
  const verify = await time(async () => verifyLines(text));
  results.push({ name: `journal verify of ${events} lines`, value: Math.round(verify.ms), unit: 'ms', atMost: 500 });
}

async function main(): Promise<void> {
  try {
    await benchScan();
    await benchDayCounts();
    await benchJournal();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  let missed = 0;
  for (const r of results) {
    const ok = (r.atLeast === undefined || r.value >= r.atLeast) && (r.atMost === undefined || r.value <= r.atMost);
    if (!ok) missed += 1;
    const target = r.atLeast !== undefined ? `≥ ${r.atLeast}` : `≤ ${r.atMost}`;
    console.log(`${ok ? 'ok  ' : 'MISS'} ${r.name}: ${r.value} ${r.unit} (target ${target} ${r.unit})`);
  }
  if (missed > 0) {
    console.log(`${missed} target(s) missed`);
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${(error as Error).message}`);
  process.exit(1);
});
