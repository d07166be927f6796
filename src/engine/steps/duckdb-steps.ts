// Built-in DuckDB checks: open a file read-only, and read every table in full.
import { probeOpenOffThread as probeOpen, scanTablesOffThread as scanTables } from '../../duckdb/off-thread.js';
import type { ResolvedStep, StepResult } from '../types.js';
import { elapsedSince, type StepRunContext } from './context.js';

export async function runDuckdbOpenStep(step: Extract<ResolvedStep, { kind: 'duckdb-open' }>): Promise<StepResult> {
  const started = performance.now();
  const opened = await probeOpen(step.path);
  const summaries: Record<string, string> = {
    ok: 'opens read-only; SELECT 1 succeeds',
    missing: `${step.path} does not exist`,
    'not-a-file': `${step.path} is not a regular file`,
    locked: `busy: held by ${opened.holder ? `${opened.holder} ` : ''}PID ${opened.holderPid ?? 'unknown'}`,
    corrupt: `does not open: ${opened.message}`,
    unreadable: `does not open, but not because it is damaged: ${opened.message}`,
  };
  return {
    status: opened.status,
    summary: summaries[opened.status] as string,
    output: opened.message,
    durationMs: elapsedSince(started),
    outputs: { holderPid: opened.holderPid ?? 'unknown', message: opened.message },
  };
}

export async function runDuckdbScanStep(step: Extract<ResolvedStep, { kind: 'duckdb-scan' }>, ctx: StepRunContext): Promise<StepResult> {
  const started = performance.now();
  let lastProgress = 0;
  const scan = await scanTables(step.path, {
    timeoutMs: step.timeoutMs,
    signal: ctx.signal,
    onProgress: ({ done, total, current, rows }) => {
      const now = Date.now();
      if (now - lastProgress < 2_000 && done !== total) return;
      lastProgress = now;
      ctx.progress(`read ${done} of ${total} tables (${rows} rows)${current ? `; now ${current}` : ''}`);
    },
  });
  const failed = scan.tables.filter((t) => t.error);
  const detail = scan.tables.map((t) => `${t.error ? 'FAIL' : 'ok  '} ${t.table} (${t.rows} rows)${t.error ? `: ${t.error}` : ''}`).join('\n');
  return {
    status: scan.status,
    summary: scan.message,
    output: detail || scan.message,
    durationMs: elapsedSince(started),
    outputs: { failedTables: failed.map((t) => t.table), tablesRead: scan.tables.length, tables: scan.total },
  };
}
