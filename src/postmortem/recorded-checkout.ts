// The checkout a run was made in: recorded with its plan, or, in a journal from before that was, read back from the
// folder one of its commands ran in, against the folder its runbook wrote for that command.
import path from 'node:path';
import type { Run } from '../incidents/state.js';
import type { Runbook } from '../runbook/schema.js';

/** The `cwd` each command step of the runbook is written with, by step id: a set, as one id may be used in two sections. */
function commandFolders(runbook: unknown, found = new Map<string, Set<string>>()): Map<string, Set<string>> {
  if (Array.isArray(runbook)) for (const item of runbook) commandFolders(item, found);
  else if (runbook && typeof runbook === 'object') {
    const step = runbook as { kind?: unknown; id?: unknown; cwd?: unknown };
    if (step.kind === 'command' && typeof step.id === 'string' && typeof step.cwd === 'string') {
      found.set(step.id, (found.get(step.id) ?? new Set()).add(step.cwd));
    }
    for (const value of Object.values(runbook)) commandFolders(value, found);
  }
  return found;
}

/** The checkout one of the run's commands shows it ran in: its folder less the relative one its runbook wrote. */
function readBack(run: Run, written: Map<string, Set<string>>): string | undefined {
  for (const step of run.steps) {
    const resolved = (step as { cwd?: unknown }).cwd;
    const folders = written.get(step.id);
    if (step.kind !== 'command' || typeof resolved !== 'string' || folders?.size !== 1) continue;
    const [folder] = folders as Set<string>;
    if (folder === undefined || folder.includes('{{') || path.isAbsolute(folder)) continue;
    const relative = path.normalize(folder);
    if (relative === '.') return resolved;
    if (resolved.endsWith(`${path.sep}${relative}`)) return resolved.slice(0, -(relative.length + 1));
  }
  return undefined;
}

/**
 * Each run's checkout, by run id, where it is known: its own record, else read back from its commands, else that of
 * another run of the incident read back so (the same bot made them). Runs with none are left out.
 */
export function recordedCheckouts(runs: readonly Run[], runbook: Runbook | undefined): Map<string, string> {
  const written = commandFolders(runbook);
  const known = new Map<string, string>();
  for (const run of runs) {
    const root = run.root ?? readBack(run, written);
    if (root !== undefined) known.set(run.id, root);
  }
  const any = [...known.values()][0];
  if (any !== undefined) for (const run of runs) if (!known.has(run.id)) known.set(run.id, any);
  return known;
}
