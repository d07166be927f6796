// How many rows a recovery that stopped part-way had landed, as its rollback counted them, for the postmortem.
import { changedBeforeStopping } from '../engine/step-passed.js';
import { comparableSql } from '../engine/steps/rows-kept-first.js';
import type { Incident, Run } from '../incidents/state.js';
import { plain, utcClock } from './markdown.js';

/** "from <table> where <condition>" of a count or a DELETE, as compared; undefined for any other statement. */
function rowsOf(sql: string, statement: RegExp): string | undefined {
  const comparable = comparableSql(sql);
  const match = statement.exec(comparable);
  return match ? comparable.slice(match[0].length) : undefined;
}

const countStatement = /^select count\(\*\) from /;
const deleteStatement = /^delete from /;

/**
 * The lines to say, one per count: none unless the run stopped part-way at a step that may have changed part of what it
 * changes, after a DELETE of exactly the rows a preview of its rollback counts (so the rows counted then are what came
 * in since: that step's, or a load's that ran meanwhile). The engine counts nothing when a step stops; the rollback's
 * preview, taken when it is proposed, is the only count of them in the journal.
 */
export function landedBeforeStoppingLines(run: Run, incident: Incident): string[] {
  if (run.kind !== 'recovery' || (run.status !== 'failed' && run.status !== 'interrupted')) return [];
  const stoppedAt = changedBeforeStopping(run.steps, run.results).find((c) => c.partly);
  const rollback = incident.runs.find((r) => r.kind === 'rollback' && r.rollbackOf === run.id && (r.previews ?? []).length > 0);
  if (!stoppedAt || !rollback) return [];
  const emptied = run.results.flatMap((result) => {
    const step = run.steps.find((s) => s.id === result.stepId);
    if (step?.kind !== 'sql' || result.status !== 'ok') return [];
    const rows = rowsOf(step.sql, deleteStatement);
    return rows ? [{ title: step.title, rows, params: JSON.stringify(step.params) }] : [];
  });
  return (rollback.previews ?? []).flatMap((preview) => {
    const rows = rowsOf(preview.sql, countStatement);
    const deleted = emptied.find((e) => e.rows === rows && e.params === JSON.stringify(preview.params));
    if (!rows || !deleted) return [];
    return [
      `Landed before it stopped: **${preview.value}** ${preview.value === 1 ? 'row' : 'rows'}, by ${plain(stoppedAt.title)} (or a load meanwhile), counted in what ${plain(deleted.title)} had emptied when its rollback was proposed at ${utcClock(rollback.proposedAt)} (\`${rollback.id}\`: ${plain(preview.title)})`,
    ];
  });
}
