// What a rollback that ran set aside rather than undid (the state it replaced, writes made since the recovery among them): said after it, where each is kept.
import type { Run } from './state.js';

/** Each thing the rollback kept of what it replaced: a window's rows in a file, a file moved aside, a named snapshot. */
function keptAside(rollback: Run): string[] {
  const kindOf = new Map(rollback.steps.map((step) => [step.id, step]));
  return rollback.results.flatMap((result) => {
    const step = kindOf.get(result.stepId) as (Run['steps'][number] & { movedAs?: string; table?: string }) | undefined;
    const out = result.outputs;
    if (result.status !== 'ok' || !step) return [];
    const table = String(step.table ?? '').replace(/"/g, '');
    if (step.kind === 'restore-rows' && typeof out.replacedFile === 'string') return [`the ${String(out.replaced)} rows the window of ${table} held, in ${out.replacedFile}`];
    if (step.kind === 'export-rows' && typeof out.file === 'string') return [`the rows of ${table} in the window, in ${out.file}`];
    // A move putting back what the recovery set aside reads what it moved (movedAs); any other moved what was there aside.
    if (step.kind === 'move' && step.movedAs === undefined && typeof out.to === 'string') return [`${out.from} as it was, now at ${out.to}`];
    if (step.kind === 'named-snapshot' && typeof out.snapshot === 'string') return [`${out.database} as it was, in the named snapshot '${out.snapshot}' taken right before it went back`];
    return [];
  });
}

/** " What it set aside …: …." after a rollback that kept something aside; '' when it kept nothing. */
export function setAsideByRollbackSaid(rollback: Run): string {
  const kept = keptAside(rollback);
  if (kept.length === 0) return '';
  return ` What it replaced is kept, not undone, writes made since the recovery among them (a load, a table added), which are not in the database now: ${kept.join('; ')}.`;
}
