// The duckdb-scan step kind: read every table of a DuckDB file in full, read-only, to find damaged blocks SELECT 1 misses.
import { z } from 'zod';
import { scanTablesOffThread as scanTables } from '../../duckdb/off-thread.js';
import { failedBlockSaid, judged, whyNotJudged, type ScanResult, type ScanSettings, type ViewCheck } from '../../duckdb/scan.js';
import type { BlockCheck } from '../../duckdb/block-checksums.js';
import { stepCommon, template } from '../../runbook/step-common.js';
import { rowsSaid } from '../../plural.js';
import { walRefusal } from '../../duckdb/wal.js';
import { unboundViewsSaid, viewNamed } from '../../duckdb/unbound-views.js';
import { martSla, type MartSla } from '../../marts/slas.js';
import type { StepResult } from '../types.js';
import { elapsedSince, type StepRunContext } from './context.js';
import { defineStepKind, everyStatus, type ResolvedCommon } from './define-step-kind.js';
import { hasSchema } from '../../duckdb/schema-names.js';

const schema = z.strictObject({
  ...stepCommon,
  kind: z.literal('duckdb-scan'),
  path: template,
  /**
   * For a file about to be copied (a backup): fail when a write-ahead log is beside it. DuckDB reads the log in, so the
   * read passes, while a copy of the file alone would lose what is only in the log.
   */
  refuseWal: z.boolean().default(false),
  /**
   * Schemas the stack's database holds (its raw data: raw_ebird …). Named when the file is empty, and a file with tables
   * in none of them ends "no-expected-schemas": another project's database, or the stack's with its raw data gone; one
   * that reads in full with some of them missing ends "missing-expected-schemas" (a source's raw data dropped).
   */
  expectSchemas: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a schema name: letters, digits and _')).default([]),
  /**
   * The marts the stack builds, as the validation's mart-freshness step lists them (a YAML alias of that very list, so
   * there is one to edit; only each `table` is read here). A file whose every table reads and holds every raw schema
   * but lacks one of them altogether ends "missing-marts": the validation would fail on it, and a rebuild makes it.
   */
  expectMarts: z.array(martSla).default([]),
});

export type DuckdbScanStep = z.output<typeof schema> & ResolvedCommon;

export async function runDuckdbScanStep(step: DuckdbScanStep, ctx: StepRunContext): Promise<StepResult> {
  const started = performance.now();
  const wal = step.refuseWal ? walRefusal(step.path) : undefined;
  if (wal) return { status: 'failed', summary: wal, durationMs: elapsedSince(started), outputs: { failedTables: [], tablesRead: 0, tables: 0, viewsNotJudged: '', noRows: '' } };
  let lastProgress = 0;
  const scan = await scanTables(step.path, {
    timeoutMs: step.timeoutMs,
    storageAnswerMs: ctx.storageAnswerMs,
    signal: ctx.signal,
    onProgress: ({ done, total, current, rows }) => {
      const now = Date.now();
      if (now - lastProgress < 2_000 && done !== total) return;
      lastProgress = now;
      ctx.progress(`read ${done} of ${total} tables (${rowsSaid(rows)})${current ? `; now ${current}` : ''}`);
    },
  });
  const expected = expectation(step.expectSchemas, scan) ?? martsExpectation(step.expectMarts, scan);
  const failed = scan.tables.filter((t) => t.error);
  // A table that failed is said to have failed after so many rows, not to hold that many ("(0 rows)" read as empty).
  const detail = scan.tables.map((t) => (t.error ? `FAIL ${t.table} (failed after ${rowsSaid(t.rows)} read): ${t.error}` : `ok   ${t.table} (${rowsSaid(t.rows)})`));
  for (const v of scan.views ?? []) {
    const judges = judged(v);
    const reads = v.reads ? `; it reads ${v.reads}` : '';
    detail.push(`${v.error ? (judges ? 'FAIL' : '??  ') : 'ok  '} view ${v.view}${v.error ? `: ${v.error}${reads}${judges ? '' : ` (${whyNotJudged(v)})`}` : ''}`);
  }
  if (scan.blocks) detail.push(...blockLines(scan.blocks));
  if (detail.length === 0) detail.push(scan.message);
  if (scan.settings) detail.push(readWith(scan.settings));
  const status = expected?.status ?? scan.status;
  const empty = status === 'ok' && everyTableEmpty(scan);
  return {
    status,
    summary: expected?.summary ?? (empty ? `${scan.message}; every table holds no rows` : scan.message),
    output: detail.join('\n'),
    durationMs: elapsedSince(started),
    outputs: { failedTables: failed.map((t) => t.table), tablesRead: scan.tables.length, tables: scan.total, viewsNotJudged: viewsNotJudged(scan.views ?? []), noRows: empty ? noRowsSaid(scan.tables.length) : '' },
  };
}

/** Every table read in full, and none holds a row: the file is whole, its data is not there. */
function everyTableEmpty(scan: ScanResult): boolean {
  return scan.tables.length > 0 && scan.tables.length === scan.total && scan.tables.every((t) => !t.error && t.rows === 0);
}

/**
 * A file whose every table is empty reads in full like a whole one, and a verdict of health would end the on-call's
 * look: said, with what empties a file that stays intact and where to look next, for a verdict's advice.
 */
function noRowsSaid(tables: number): string {
  return (
    `But ${tables === 1 ? 'its one table holds' : `every one of its ${tables} tables holds`} no rows, raw data and marts alike: ` +
    'that is how an intact file looks whose data a `CREATE OR REPLACE` or a bad load wiped, not a new one. Check the loads: ' +
    '`/databox diagnose backfill source=… from=… to=…` (scenario 2) counts a source\'s rows per day over a window.'
  );
}

/**
 * The views that do not bind but are not the verdict's to judge (not SQLMesh's production views, or naming another
 * catalog), as a sentence: a healthy verdict would otherwise read as if every view bound. '' when there are none.
 */
function viewsNotJudged(views: readonly ViewCheck[]): string {
  const unjudged = views.filter((v) => v.error && !judged(v));
  if (unjudged.length === 0) return '';
  const one = unjudged.length === 1;
  const each = one ? [`${viewNamed(unjudged[0] as ViewCheck)} (${(unjudged[0] as ViewCheck).error}: ${whyNotJudged(unjudged[0] as ViewCheck)})`] : unboundViewsSaid(unjudged);
  return `${one ? 'One view does' : `${unjudged.length} views do`} not bind here: ${each.join('; ')}.`;
}

/** What the file's tables say against the schemas the stack expects: undefined when there is nothing to say. */
function expectation(expectSchemas: readonly string[], scan: ScanResult): { status: ScanResult['status'] | 'no-expected-schemas' | 'missing-expected-schemas'; summary: string } | undefined {
  if (expectSchemas.length === 0) return undefined;
  const wanted = expectSchemas.join(', ');
  if (scan.status === 'empty') return { status: 'empty', summary: `${scan.message}: none in ${wanted}, where the stack keeps its raw data` };
  if (scan.status !== 'ok' && scan.status !== 'broken-views') return undefined;
  const present = scan.schemas ?? [];
  const missing = expectSchemas.filter((schema) => !hasSchema(present, schema));
  // Another project's file is not the stack's to rebuild, whatever its views say.
  if (missing.length === expectSchemas.length) {
    return { status: 'no-expected-schemas', summary: `${scan.message}, but none is in ${wanted}, the schemas the stack expects; its tables are in ${present.join(', ')}` };
  }
  // Broken views are the verdict then; a file whose every table reads is still not whole without a source's raw data.
  if (missing.length === 0 || scan.status !== 'ok') return undefined;
  const named = missing.length === 1 ? `${missing[0]} has` : `${missing.slice(0, -1).join(', ')} and ${missing.at(-1)} have`;
  return { status: 'missing-expected-schemas', summary: `${scan.message}, but ${named} no table: the stack keeps raw data in each of ${wanted}` };
}

/**
 * The marts the file lacks altogether (neither a table nor a view of that name; a view that does not bind is the
 * broken views' verdict), once every table read and the raw schemas are there: a file without them passes every other
 * check, and the validation fails on it. Undefined when none is missing or no mart is expected.
 */
function martsExpectation(expectMarts: readonly MartSla[], scan: ScanResult): { status: 'missing-marts' | 'broken-views'; summary: string } | undefined {
  if (expectMarts.length === 0 || (scan.status !== 'ok' && scan.status !== 'broken-views')) return undefined;
  // DuckDB's names are case-insensitive; a mart named catalog.schema.table is looked for in this file, whatever its catalog.
  const present = new Set((scan.relations ?? []).map(({ schema, name }) => `${schema}.${name}`.toLowerCase()));
  const missing = expectMarts.map((mart) => mart.table).filter((table) => !present.has(table.split('.').slice(-2).join('.').toLowerCase()));
  if (missing.length === 0) return undefined;
  const one = missing.length === 1;
  const named = one ? (missing[0] as string) : `${missing.slice(0, -1).join(', ')} and ${missing.at(-1)}`;
  const lack = `${named}, ${one ? 'a mart' : 'marts'} the stack builds (the validation reads ${one ? 'it' : 'each'}), ${one ? 'is' : 'are'} not in the file at all`;
  // The broken views' verdict offers the same rebuild: the missing marts are said beside them.
  return scan.status === 'ok' ? { status: 'missing-marts', summary: `${scan.message}, but ${lack}` } : { status: 'broken-views', summary: `${scan.message}; and ${lack}` };
}

/** The evidence of the blocks no table's rows are read from: each that failed, else how many passed, or why none was checked. */
function blockLines({ checked, failed, skipped, pastEnd }: BlockCheck): string[] {
  if (skipped) return [`??   ${skipped}`];
  const tail = pastEnd > 0 ? [`ok   ${pastEnd} free block${pastEnd === 1 ? '' : 's'} past the end of the file: the free tail DuckDB cut off at its last checkpoint`] : [];
  const matched = checked - failed.length - pastEnd;
  const passed = matched > 0 ? [`ok   ${matched} other block${matched === 1 ? '' : 's'} (indexes, DuckDB's metadata, free space) match${matched === 1 ? 'es its checksum' : ' their checksums'}`] : [];
  return [...passed, ...tail, ...failed.map((block) => `FAIL ${failedBlockSaid(block)}: its checksum does not match, and no table's rows are kept in it`)];
}

/** The caps the read ran under, and the settings that change them: a slow or timed-out read of a large file is their doing. */
function readWith({ threads, memoryLimit }: ScanSettings): string {
  return `read by DuckDB with ${threads} thread${threads === 1 ? '' : 's'} (DATABOX_DUCKDB_THREADS) and ${memoryLimit} of memory (DATABOX_DUCKDB_MEMORY_LIMIT, as DuckDB counts it: in the setting, MB means 1,000,000 bytes)`;
}

export const duckdbScanStepKind = defineStepKind({
  kind: 'duckdb-scan',
  schema,
  // "no-expected-schemas" and "missing-expected-schemas" only where there is an expectation: a verdict on it elsewhere is refused at load.
  statuses: (step) => [
    ...everyStatus<ScanResult['status']>({ ok: true, empty: true, damaged: true, 'unclear-blocks': true, timeout: true, interrupted: true, unopenable: true, unreadable: true, 'out-of-memory': true, 'broken-views': true, missing: true }),
    ...(step.expectSchemas.length > 0 ? ['no-expected-schemas', 'missing-expected-schemas'] : []),
    ...(step.expectMarts.length > 0 ? ['missing-marts'] : []),
    // A file refused for the log beside it (refuseWal), its outputs set.
    'failed',
  ],
  // Could not see: a file it could not read, a read that ran out of memory, blocks it cannot tell from free space.
  unseeingStatuses: ['unreadable', 'out-of-memory', 'unclear-blocks'],
  outputs: { failedTables: 'list', tablesRead: 'text', tables: 'text', viewsNotJudged: 'text', noRows: 'text' },
  defaultTimeoutMs: 10 * 60_000,
  templates: (step) => [{ at: ['path'], template: step.path, as: 'text' }],
  resolve: (step, tools) => ({ ...step, path: tools.inRoot(step.path) }),
  describe: (step, { rel, showArg }) => `read every table of ${showArg(rel(step.path))} in full, read-only`,
  run: runDuckdbScanStep,
});
