// The postmortem's "Kept on disk": files the plans moved aside or kept rows in, where the journal last has them, and
// whether they are still there.
import type { StepRecord } from '../engine/types.js';
import type { IncidentState, Run } from '../incidents/state.js';
import type { JournalRecord } from '../journal/record.js';
import { code, plain } from './markdown.js';

export interface KeptFile {
  path: string;
  /** What it is and what put it there, as a sentence's end: "moved aside from … by …". */
  how: string;
  /** Not there as the postmortem is written: moved or removed since, by someone other than the bot. */
  gone?: true;
  /** Not looked at, as the checkout its run worked in is not on the machine the postmortem is written on: why, said. */
  unchecked?: string;
}

/**
 * A kept file as the postmortem is written: there, gone, or not looked at (with why) where its run's checkout is not
 * on this machine (a state dir copied to a laptop), since a path that is not here says nothing of the host it was on.
 */
export type KeptNow = 'there' | 'gone' | { unchecked: string };

/** What a kept file's line in the section ends with when it was not looked at. */
export const uncheckedWords = 'not checked: the checkout is not on this machine';
/** What a kept file's line in the section ends with when it is gone. */
const goneWords = '**gone when this postmortem was written** (moved or removed since, not by the bot)';

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** "1 row", "2 rows"; "the rows" when the journal has no count. */
const rowsSaid = (count: unknown, none: string): string => (typeof count === 'number' ? `${count} row${count === 1 ? '' : 's'}` : none);

/** Which step of which run: "Path A: … (`id/2`), step 2 "Back up the broken file for forensics"". */
function byStep(run: Run, stepId: string): string {
  const index = run.steps.findIndex((s) => s.id === stepId);
  const title = run.steps[index]?.title ?? stepId;
  return `${plain(run.title)} (\`${run.id}\`), step ${index + 1} "${plain(title)}"`;
}

/**
 * The files kept when the journal ends, in the order they were kept: a broken database or SQLMesh state moved aside,
 * Parquet files of rows kept first. No plan deletes them and a path without a rollback says nothing of them elsewhere,
 * so they are named, for removing one to be a decision, not a guess.
 */
export function keptOnDisk(records: readonly JournalRecord[], state: IncidentState, lookAt: (file: string, run: Run) => KeptNow = () => 'there'): KeptFile[] {
  // By path: where it came from (for a move, so one put back there is no longer kept), what is said of it, and the run
  // that put it there (whose checkout tells whether it can be looked at from here).
  const kept: Kept = new Map();
  for (const record of records) {
    if (record.type !== 'step.finished') continue;
    const data = record.data as { runId?: unknown; result?: StepRecord };
    const run = typeof data.runId === 'string' ? state.runs.get(data.runId) : undefined;
    if (run && data.result) keptBy(kept, run, data.result);
  }
  return [...kept].map(([path, { how, run }]) => {
    const now = lookAt(path, run);
    return { path, how, ...(now === 'gone' ? { gone: true as const } : now === 'there' ? {} : { unchecked: now.unchecked }) };
  });
}

/** The files one run kept, from its results, in the order it kept them: said where its path has no rollback to undo it. */
export function keptByRun(run: Run): string[] {
  const kept: Kept = new Map();
  for (const result of run.results) keptBy(kept, run, result);
  return [...kept.keys()];
}

/** By path: where it came from (for a move), what is said of it, and the run that put it there. */
type Kept = Map<string, { from?: string; how: string; run: Run }>;

/** What one finished step kept, added to `kept`; a kept file moved back where it came from taken out of it. */
function keptBy(kept: Kept, run: Run, result: StepRecord): void {
  const step = run.steps.find((s) => s.id === result.stepId);
  if (!step) return;
  const outputs = result.outputs ?? {};
  const by = byStep(run, step.id);
  if (step.kind === 'move') {
    const from = text(outputs.from);
    const to = text(outputs.to);
    if (!from || !to) return;
    const earlier = kept.get(from);
    if (earlier) {
      // A kept file moved again: put back where it came from, it is kept no more; moved elsewhere, it is kept there.
      kept.delete(from);
      if (to !== earlier.from) kept.set(to, { ...earlier, run });
    } else {
      kept.set(to, { from, how: `moved aside from ${code(from)} by ${by}`, run });
    }
  } else if (step.kind === 'export-rows') {
    const file = text(outputs.file);
    const rows = rowsSaid(outputs.rowCount, 'rows');
    // One that stopped (the rows changed since the plan) still leaves what it kept: said with how it ended.
    if (file) kept.set(file, { how: `${rows} of ${plain(step.table.replace(/"/g, ''))} kept by ${by}${result.status === 'ok' ? '' : ` (it ended ${plain(result.status)})`}`, run });
  } else if (step.kind === 'restore-rows') {
    const table = plain(step.table.replace(/"/g, ''));
    const replaced = text(outputs.replacedFile);
    if (replaced) kept.set(replaced, { how: `${rowsSaid(outputs.replaced, 'the rows')} of ${table} that ${outputs.replaced === 1 ? 'was' : 'were'} in the window, kept aside by ${by} before the kept rows replaced them`, run });
    const file = text(outputs.file);
    if (file) kept.set(file, { how: `rows of ${table} kept aside by ${by}, which then ended ${plain(result.status)}`, run });
  }
  // What a step that failed left written, its outputs naming nothing (rows kept aside before a DELETE failed).
  for (const file of result.wrote ?? []) {
    if (typeof file !== 'string' || file === '' || [outputs.file, outputs.replacedFile, outputs.to].includes(file)) continue;
    const what = step.kind === 'restore-rows' || step.kind === 'export-rows' ? `rows of ${plain(step.table.replace(/"/g, ''))}` : 'a file';
    kept.set(file, { how: `${what} kept aside by ${by}, which then ended ${plain(result.status)}`, run });
  }
}

/** The section's lines, or none when nothing was kept. */
export function keptOnDiskLines(files: readonly KeptFile[]): string[] {
  if (files.length === 0) return [];
  return [
    'What the plans moved aside, or kept before changing anything, where the journal last has it. Nothing the bot runs deletes these: removing one is a decision, once nobody needs it to compare with or to put back.',
    '',
    ...files.map((f) => `- ${code(f.path)}: ${f.how}${f.gone ? `; ${goneWords}` : f.unchecked ? `; ${uncheckedWords} (${plain(f.unchecked)})` : ''}`),
  ];
}

/**
 * Whether two lines of the section (or its row at a glance) say the same file kept, one of them not having looked at
 * it: where it was written is then the only difference, not a later event.
 */
export function sameKeptButUnchecked(before: string, after: string): boolean {
  if (!before.includes(uncheckedWords) && !after.includes(uncheckedWords)) return false;
  if (before.startsWith('| Kept on disk |') && after.startsWith('| Kept on disk |')) return true;
  const said = (line: string) => {
    const unchecked = line.lastIndexOf(`; ${uncheckedWords} (`);
    if (unchecked !== -1) return line.slice(0, unchecked);
    return line.endsWith(`; ${goneWords}`) ? line.slice(0, -`; ${goneWords}`.length) : line;
  };
  return before.startsWith('- `') && said(before) === said(after);
}
