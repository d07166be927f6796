// Runs a plan's previews when it is proposed: read-only counts on the plan's target, shown in the plan and bound into its steps.
import type { DatabaseTarget, TargetSession } from '../database/target.js';
import type { Preview } from '../runbook/schema.js';
import { render, renderSql, type TemplateContext } from '../runbook/template.js';
import { UserError } from '../errors.js';
import { firstLine } from '../excerpt.js';

export interface PreviewResult {
  id: string;
  title: string;
  sql: string;
  params: string[];
  value: number;
}

const previewTimeoutMs = 60_000;

export async function runPreviews(previews: readonly Preview[], values: TemplateContext, target: DatabaseTarget): Promise<PreviewResult[]> {
  if (previews.length === 0) return [];
  const resolved = previews.map((p) => ({ id: p.id, title: p.title, sql: renderSql(p.sql, values), params: p.params.map((t) => render(t, values)) }));
  let session: TargetSession;
  try {
    session = await target.open({ writable: false });
  } catch (error) {
    throw new UserError(`cannot preview the plan: ${target.label} does not open read-only: ${(error as Error).message}`);
  }
  const results: PreviewResult[] = [];
  try {
    for (const preview of resolved) {
      const timer = setTimeout(() => session.interrupt(), previewTimeoutMs);
      try {
        const result = await session.run(preview.sql, preview.params);
        results.push({ ...preview, value: Number(result.rows[0]?.[0] ?? 0) });
      } catch (error) {
        throw new UserError(`cannot preview the plan: its count "${preview.title}" failed on ${target.label}: ${firstLine((error as Error).message)}; nothing was proposed (diagnose first: the diagnosis says what is wrong with the data)`);
      } finally {
        clearTimeout(timer);
      }
    }
    return results;
  } finally {
    await session.close();
  }
}
