// A command some runbook of the folder runs as a changing step is changing wherever another step runs it read-only.
import { argvChanges } from '../engine/steps/command-argv-rules.js';
import { innermostCommand } from '../engine/steps/wrapped-command.js';
import { placeOf, stepsAt, type At } from './every-step.js';
import type { PlaceName } from './expected-schemas.js';
import type { Runbook, Step } from './schema.js';

type CommandStep = Extract<Step, { kind: 'command' }>;

/**
 * The command itself: its words past any wrapper (env X=1, nice, timeout, sudo -u …), the program by its base name,
 * without its options. Its cwd, env and flags are left out: `task --yes full-refresh` in another folder, or with
 * DRY_RUN=1 set, is still task full-refresh to whoever reads the step, and may well change the same data.
 */
function commandOf(step: CommandStep): string {
  const plain = step.argv.every((word) => typeof word === 'string') ? innermostCommand(step.argv as string[]) : step.argv;
  const words = plain.filter((word) => typeof word !== 'string' || !word.startsWith('-'));
  return JSON.stringify(words.map((word, i) => (i === 0 && typeof word === 'string' ? word.slice(word.lastIndexOf('/') + 1) : word)));
}

const shown = (step: CommandStep) => step.argv.map((word) => (typeof word === 'string' ? word : '…')).join(' ');

/**
 * Whether the tools' own rules tell the two apart: they say the changing step's command changes data and the read-only
 * one's only looks (sqlmesh plan --auto-apply against sqlmesh plan --explain), so its flags do make it another command.
 */
const toldApart = (readOnly: CommandStep, changing: CommandStep) => argvChanges(changing.argv) !== undefined && argvChanges(readOnly.argv) === undefined;

/**
 * The author's word that a step only reads does not stand against a runbook's own (its or another's of the folder)
 * that the same command changes data: each read-only step running one, as "path: message". all: the folder's runbooks that loaded.
 */
export function sameCommandProblems(rb: Runbook, all: ReadonlyMap<string, Runbook>, placeName: PlaceName): string[] {
  const commands = (runbook: Runbook) => stepsAt(runbook).filter((entry): entry is [At, CommandStep] => entry[1].kind === 'command');
  const changing = new Map<string, { runbook: string; at: At; step: CommandStep }[]>();
  // Its own first, so the place named is in the same file where there is one.
  for (const runbook of [rb, ...[...all.values()].filter((other) => other !== rb)]) {
    for (const [at, step] of commands(runbook)) if (step.mutates) changing.set(commandOf(step), [...(changing.get(commandOf(step)) ?? []), { runbook: runbook.id, at, step }]);
  }
  return commands(rb).flatMap(([at, step]) => {
    const there = step.mutates ? undefined : changing.get(commandOf(step))?.find((other) => !toldApart(step, other.step));
    if (!there) return [];
    const named = there.runbook === rb.id ? '' : placeName(there.runbook, placeOf(there.at));
    // In another file, by its file and line (placeName names the place itself when it has no line).
    const where = named === '' ? placeOf(there.at) : named.endsWith(placeOf(there.at)) ? named : `${named} (${placeOf(there.at)})`;
    // The step there is never advised to drop mutates: it may well change data, whatever this one does.
    return [
      `${placeOf([...at, 'mutates'])}: runs ${shown(step)}, the same command as the changing step at ${where}, ${shown(there.step)} (the same words past any wrapper such as env, nice, timeout or sudo; its flags, cwd and env do not make it another command unless the tool's own rules take one form as a look, as sqlmesh plan --explain): if it changes data, set mutates: true here too (then only a recovery path may run it); if it only reads, run a command of its own here (a separate script or subcommand that only reads), leaving the step there changing`,
    ];
  });
}
