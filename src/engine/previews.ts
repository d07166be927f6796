// Runs a plan's previews when it is proposed: read-only counts shown in the plan and bound into its steps.
import { openDatabase, withTimeout } from '../duckdb/open.js';
import type { Preview } from '../runbook/schema.js';
import { render, renderSql, type TemplateContext } from '../runbook/template.js';
import { UserError } from '../errors.js';

export interface PreviewResult {
  id: string;
  title: string;
  sql: string;
  params: string[];
  value: number;
}

const previewTimeoutMs = 60_000;

export async function runPreviews(previews: readonly Preview[], values: TemplateContext, databasePath: string): Promise<PreviewResult[]> {
  if (previews.length === 0) return [];
  const resolved = previews.map((p) => ({ id: p.id, title: p.title, sql: renderSql(p.sql, values), params: p.params.map((t) => render(t, values)) }));
  let database;
  try {
    database = await openDatabase(databasePath, false);
  } catch (error) {
    throw new UserError(`cannot preview the plan: ${databasePath} does not open read-only: ${(error as Error).message}`);
  }
  try {
    const results: PreviewResult[] = [];
    for (const preview of resolved) {
      const reader = await withTimeout(database.connection, previewTimeoutMs, () => database.connection.runAndReadAll(preview.sql, preview.params));
      results.push({ ...preview, value: Number((reader.getRowsJson() as unknown[][])[0]?.[0] ?? 0) });
    }
    return results;
  } catch (error) {
    throw new UserError(`cannot preview the plan: ${(error as Error).message}`);
  } finally {
    database.close();
  }
}
