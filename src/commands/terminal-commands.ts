// The commands a person pastes at a terminal to do what Slack could not: decide a waiting plan, or run what was typed.
import { shortHash } from '../engine/resolve.js';
import type { Command } from './parse.js';
import { yourName } from './paste-able.js';
import { shellWord } from './shell-word.js';

/** How the CLI is run, as README "From a terminal" gives it. */
export const cli = 'npm run --silent cli --';

/** Approves a waiting plan in the name of whoever runs it: its id and its short hash, which a different plan cannot have. */
export function approveAtTerminal(run: { id: string; hash: string }): string {
  return `${cli} approve ${run.id} ${shortHash(run.hash)} --approver ${yourName}`;
}

export function rejectAtTerminal(run: { id: string; hash: string }): string {
  return `${cli} reject ${run.id} ${shortHash(run.hash)}`;
}

/**
 * A typed diagnose, validate or recover as the CLI takes it, each word quoted for the shell (a recovery's approver is
 * asked for at the prompt); undefined for the other commands, which need no terminal.
 */
export function typedAtTerminal(command: Command): string | undefined {
  if (command.verb !== 'diagnose' && command.verb !== 'validate' && command.verb !== 'recover') return undefined;
  const words = [
    command.verb,
    command.scenario,
    ...(command.verb === 'recover' && command.path ? [`path=${command.path}`] : []),
    ...Object.entries(command.params).map(([name, value]) => `${name}=${value}`),
    ...(command.incident ? [`incident=${command.incident}`] : []),
  ];
  return `${cli} ${words.map(shellWord).join(' ')}`;
}
