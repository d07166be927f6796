// Scenario 2's per-day counts on a large raw table, by the bot's step, against the same queries in a bare script: the
// counts per day over the window, its baseline and as many days before that, the table's first and last day, and the repeated keys of the judged
// days (the shipped runbook gives the raw table's primary key) in the same slice of the keys as the bot's.
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { limitReadOnly, useUtcDays } from '../../src/duckdb/open.js';
import { dayCountsSql, daySpanSql, repeatedKeysSql, repeatsSampleEvery, runDayCountsStep } from '../../src/engine/steps/day-counts-step.js';
import type { ResolvedStep } from '../../src/engine/types.js';
import { runCommand } from '../../src/process/run-command.js';
import { createRawTable } from '../lib/data.js';
import { ratioFigure, type BenchContext } from '../lib/figures.js';
import { median } from '../lib/stats.js';

const lastDay = '2026-04-24';
const zeroDay = '2026-04-18';

export async function benchDayCounts(ctx: BenchContext): Promise<void> {
  const file = path.join(ctx.dir, 'backfill.duckdb');
  ctx.log(`day counts: generating ${ctx.sizes.rawRows.toLocaleString('en')} raw rows`);
  await createRawTable(file, ctx.sizes.rawRows, lastDay, zeroDay);
  const step = {
    id: 'raw_counts', title: 'counts', kind: 'day-counts', target: 'local', mutates: false, destructive: false, acceptStatuses: [], timeoutMs: 600_000, guard: false,
    table: '"raw_ebird"."observations"', dateColumn: '"observation_date"', key: 'id', from: '', to: '', baselineDays: 14, scanDays: 30, lowBelow: 0.2, shortBelow: 0.6, spikeAbove: 5, repeatsFrom: 0.1, exactRepeatsUpTo: 50_000,
  } as Extract<ResolvedStep, { kind: 'day-counts' }>;
  const stepCtx = {
    root: ctx.dir, databasePath: file, stateDir: ctx.dir, incidentId: 'bench', runId: 'bench/1', diskFullPercent: 95, runCommand,
    redact: (t: string) => t, clock: () => new Date(`${lastDay}T08:00:00Z`), progress: () => {},
  };
  limitReadOnly({ memoryLimit: '256MB' });
  const bot: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    let started = performance.now();
    const result = await runDayCountsStep(step, stepCtx as never);
    bot.push(performance.now() - started);
    if (result.status !== 'anomalies' || !(result.outputs.badDays as string[]).includes(zeroDay)) throw new Error(`day counts did not find the planted day: ${result.summary}`);
    started = performance.now();
    const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
    const connection = await instance.connect();
    // The queries count UTC days through the macro every connection of the bot defines: the floor defines it too.
    await useUtcDays(connection);
    const counts = (await connection.runAndReadAll(dayCountsSql(step), ['2026-02-25', '2026-04-23'])).getRows();
    await connection.runAndReadAll(daySpanSql(step), [lastDay]);
    const largest = Math.max(...counts.filter((row) => String(row[0]) >= '2026-03-25').map((row) => Number(row[1])));
    await connection.runAndReadAll(repeatedKeysSql(step), ['2026-03-25', '2026-04-23', repeatsSampleEvery(largest, step.exactRepeatsUpTo)]);
    connection.closeSync();
    instance.closeSync();
    bare.push(performance.now() - started);
  }
  limitReadOnly({});
  ctx.figures.push(ratioFigure(`scenario 2: per-day counts on ${ctx.sizes.rawRows.toLocaleString('en')} raw rows (floor: same queries, bare script)`, median(bot), median(bare), 'ms', 1.1));
}
