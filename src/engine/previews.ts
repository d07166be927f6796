// Runs a plan's previews when it is proposed: read-only counts on the plan's target, shown in the plan and bound into its steps.
import type { DatabaseTarget, TargetSession } from '../database/target.js';
import type { Preview } from '../runbook/schema.js';
import { render, renderSql, type TemplateContext } from '../runbook/template.js';
import { UserError } from '../errors.js';
import { firstLine } from '../excerpt.js';
import { plainName, tableExists } from './steps/table-exists.js';
import { viewOver } from './steps/view-over.js';
import { settingOf, undatedColumnIn, undatedColumnSaid } from './steps/undated-column.js';

export interface PreviewResult {
  id: string;
  title: string;
  sql: string;
  params: string[];
  value: number;
  /** Not counted: the table it counts is not there (its ifTableMissing), said with what that means for the plan. */
  missing?: string;
}

/** A preview's count as a plan shows it: the number, or that its table does not exist and what that means. */
export const previewValueSaid = (preview: Pick<PreviewResult, 'value' | 'missing'>): string => (preview.missing === undefined ? String(preview.value) : `none, ${preview.missing}`);

const previewTimeoutMs = 60_000;

/** A view as a refusal names it: what it reads, or its definition where that is not found in it. */
const viewSaid = (view: { over: string[]; definition: string }) =>
  view.over.length > 0 ? `a view over ${view.over.join(', ')}` : `a view (${view.definition.length > 200 ? `${view.definition.slice(0, 199)}…` : view.definition})`;

/**
 * The setting a preview's SQL names `column` by (raw_date_column of "… source_day({{source.raw_date_column}}) …"): the
 * placeholder rendering to it, '' where none does (a name written in the SQL).
 */
function settingNaming(sql: string, column: string, values: TemplateContext): string {
  const placeholders = [...sql.matchAll(/\{\{[^}]+\}\}/g)].map((found) => found[0]);
  const naming = placeholders.find((placeholder) => {
    try {
      return plainName(renderSql(placeholder, values)).toLowerCase() === column.toLowerCase();
    } catch {
      return false;
    }
  });
  return naming ? settingOf(naming) : '';
}

/** runbook: the file the previews are of, named where what it names is what to correct. */
export async function runPreviews(previews: readonly Preview[], values: TemplateContext, target: DatabaseTarget, runbook?: string): Promise<PreviewResult[]> {
  if (previews.length === 0) return [];
  const resolved = previews.map((p) => ({
    template: p.sql,
    preview: { id: p.id, title: p.title, sql: renderSql(p.sql, values), params: p.params.map((t) => render(t, values)) },
    ifMissing: p.ifTableMissing && { table: renderSql(p.ifTableMissing.table, values), said: p.ifTableMissing.said, refuses: p.ifTableMissing.refuses },
    ifView: p.ifView && { table: renderSql(p.ifView.table, values), said: p.ifView.said },
  }));
  let session: TargetSession;
  try {
    session = await target.open({ writable: false });
  } catch (error) {
    throw new UserError(`cannot preview the plan: ${target.label} does not open read-only: ${(error as Error).message}`);
  }
  const results: PreviewResult[] = [];
  try {
    for (const { template, preview, ifMissing, ifView } of resolved) {
      const timer = setTimeout(() => session.interrupt(), previewTimeoutMs);
      try {
        const view = ifView && (await viewOver(session, ifView.table));
        if (view) throw new UserError(`nothing was proposed: ${plainName(ifView.table)} in ${target.label} is ${viewSaid(view)}, not a table: ${ifView.said}`);
        if (ifMissing && !(await tableExists(session, ifMissing.table))) {
          const missing = `${plainName(ifMissing.table)} does not exist in ${target.label}: ${ifMissing.said}`;
          if (ifMissing.refuses) throw new UserError(`nothing was proposed: ${missing}`);
          results.push({ ...preview, value: 0, missing });
          continue;
        }
        const result = await session.run(preview.sql, preview.params);
        results.push({ ...preview, value: Number(result.rows[0]?.[0] ?? 0) });
      } catch (error) {
        if (error instanceof UserError) throw error;
        // A date column no day is read from: the runbook's setting to correct, not DuckDB's cast error alone.
        const undated = undatedColumnIn((error as Error).message);
        if (undated) {
          const said = undatedColumnSaid(undated.column, undated.type, { setting: settingNaming(template, undated.column, values), ...(runbook ? { file: runbook } : {}) });
          throw new UserError(`cannot preview the plan: its count "${preview.title}" cannot be taken on ${target.label}: ${said}; nothing was proposed`);
        }
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
