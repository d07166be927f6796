// What would stop a changing plan half-way, found before it is proposed and again right before it runs: a program its
// steps start that is not there (or the folder one starts in), a step that could not do what its plan says (a move of a
// symbolic link, rows kept in a file already there), or a folder
// it keeps rows in that this process may not write (another OS account's); and, read
// again right before it runs, a plan left nothing to change (a cleanup whose clones were dropped by hand meanwhile).
import fs from 'node:fs';
import { folderUnwritable, folderWrittenFor } from '../disk/folder-unwritable.js';
import { findProgram, type ProgramFinder } from '../process/find-program.js';
import { nothingToChange, readWhenPlanned } from './resolve.js';
import type { PlanReadTools } from './steps/define-step-kind.js';
import { stepKind } from './steps/index.js';
import type { ResolvedStep } from './types.js';

/**
 * One line per problem, naming its step; empty when nothing is in the way. `find`: tests whose runner starts nothing
 * pass their own. An undefined step is one not resolved yet (it needs the incident's values): what it writes is not
 * known, so no later step is refused for a file missing, which the check of the whole plan at its proposal does.
 */
export async function preflightProblems(steps: readonly (ResolvedStep | undefined)[], root: string, find: ProgramFinder = findProgram): Promise<string[]> {
  // A file an earlier step writes is not there before the plan runs: a step reading it is not refused for that.
  const written = new Set<string>();
  let unknownBefore = false;
  const earlier = { writes: (file: string) => unknownBefore || written.has(file) };
  const problems: string[] = [];
  const foldersChecked = new Set<string>();
  for (const step of steps) {
    if (step === undefined) {
      unknownBefore = true;
      continue;
    }
    const kind = stepKind(step.kind);
    problems.push(...startProblems(step, root, find));
    const own = await kind.refusal?.(step, earlier);
    if (own) problems.push(`the step "${step.title}": ${own}`);
    for (const file of kind.writesFiles?.(step) ?? []) {
      written.add(file);
      // One OS account's folder, another's process (two operators at terminals): refused here, before its first step.
      const folder = folderWrittenFor(file);
      const unwritable = !foldersChecked.has(folder) && folderUnwritable(folder);
      foldersChecked.add(folder);
      if (unwritable) problems.push(`the step "${step.title}" writes ${file}, and the folder ${unwritable}`);
    }
  }
  return problems;
}

/**
 * Why a step's programs could not start: the folder one starts in missing (a runbook's `cwd:` naming a folder the
 * checkout does not have), or the program not found there. Empty when each can start.
 */
export function startProblems(step: ResolvedStep, root: string, find: ProgramFinder = findProgram): string[] {
  return (stepKind(step.kind).programs?.(step, root) ?? []).flatMap((use) => {
    // Not looked up from a folder that is not there: the start would fail for the folder, whatever PATH holds.
    if (!isFolder(use.cwd)) {
      const field = use.cwdField ? ` (the runbook's \`${use.cwdField}:\` of this step, read from DATABOX_ROOT ${root})` : '';
      return [`the step "${step.title}" runs ${use.file} in ${use.cwd}, and that folder does not exist${field}`];
    }
    const problem = find(use.file, use);
    return problem ? [`the step "${step.title}" runs ${use.file}, and ${problem}`] : [];
  });
}

function isFolder(folder: string): boolean {
  try {
    return fs.statSync(folder).isDirectory();
  } catch {
    return false;
  }
}

/** Why a plan would change nothing, in the words a proposal is refused with and an approval too: "nothing to clean up: …". */
export function nothingToDoSaid(idle: string, cleanup: boolean | undefined): string {
  return `nothing to ${cleanup ? 'clean up' : 'change'}: ${idle} (looked just now)`;
}

/**
 * Why the plan would change nothing now: its changing steps read the databases again as when it was made, and each says
 * it has nothing left (nothingToChange). Undefined when one has something, or cannot say (a kind with no such read).
 */
export async function nothingLeftToChange(steps: readonly ResolvedStep[], tools: PlanReadTools): Promise<string | undefined> {
  const changing = steps.filter((step) => step.mutates);
  if (changing.length === 0 || changing.some((step) => !stepKind(step.kind).nothingWhenPlanned)) return undefined;
  try {
    return nothingToChange(await readWhenPlanned(changing, tools));
  } catch {
    // Not read (MotherDuck not answering, say): the plan runs, and its step says what it meets.
    return undefined;
  }
}
