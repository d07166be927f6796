// What a rollback that ran set aside rather than undid (the state it replaced, and writes made since the recovery where there were any): said after it, where each is kept.
import type { FileSeen } from '../disk/file-identity.js';
import { toTheSecond } from './file-written-since.js';
import type { Run } from './state.js';

/**
 * Each thing the rollback kept of what it replaced: a window's rows in a file, a file moved aside, a named snapshot. A
 * file moved aside is said by what happened to it: written after the recovery ended (`ended`, as its plan found it) or
 * as the recovery left it; rows and snapshots, whose writes since the plan counted only, may hold some.
 */
function keptAside(rollback: Run, ended: string | undefined): string[] {
  const kindOf = new Map(rollback.steps.map((step) => [step.id, step]));
  return rollback.results.flatMap((result) => {
    const step = kindOf.get(result.stepId) as (Run['steps'][number] & { movedAs?: string; table?: string; asPlanned?: FileSeen }) | undefined;
    const out = result.outputs;
    if (result.status !== 'ok' || !step) return [];
    const table = String(step.table ?? '').replace(/"/g, '');
    if (step.kind === 'restore-rows' && typeof out.replacedFile === 'string') {
      const around = typeof out.reloadRowsAroundFile === 'string' && out.reloadRowsAroundFile !== '' ? [`the ${String(out.reloadRowsAround)} rows the reload's dlt load wrote just outside the window, in ${out.reloadRowsAroundFile}`] : [];
      return [`the ${String(out.replaced)} rows the window of ${table} held (what the recovery wrote, and any written since), in ${out.replacedFile}`, ...around];
    }
    if (step.kind === 'export-rows' && typeof out.file === 'string') return [`the rows of ${table} in the window, in ${out.file}`];
    // A move putting back what the recovery set aside reads what it moved (movedAs); any other moved what was there aside.
    if (step.kind === 'move' && step.movedAs === undefined && typeof out.to === 'string') return [movedAsideSaid(String(out.from), out.to, step.asPlanned, ended)];
    if (step.kind === 'named-snapshot' && typeof out.snapshot === 'string') return [`${out.database} as it was, with any writes made since the recovery, in the named snapshot '${out.snapshot}' taken right before it went back`];
    return [];
  });
}

/** A file the rollback moved aside: with the writes made to it since the recovery, or as the recovery left it. */
function movedAsideSaid(from: string, to: string, seen: FileSeen | undefined, ended: string | undefined): string {
  // A directory (.sqlmesh) is not pinned, nor is what a plan made before ended was known: its writes are not known.
  if (!seen || 'absent' in seen || !ended) return `${from} as it was, now at ${to}`;
  if (seen.modifiedAt > ended) return `${from} as it was, now at ${to}, with what was written to it after the recovery ended (last written ${toTheSecond(seen.modifiedAt)}: a load, a table added), which is not in the database now`;
  return `${from} as the recovery left it (nothing written to it since), now at ${to}`;
}

/** " What it replaced is kept, not undone: …." after a rollback that kept something aside; '' when it kept nothing. */
export function setAsideByRollbackSaid(rollback: Run, ended: string | undefined): string {
  const kept = keptAside(rollback, ended);
  if (kept.length === 0) return '';
  return ` What it replaced is kept, not undone: ${kept.join('; ')}.`;
}
