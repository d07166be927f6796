// The refusal of a word the CLI has no command for, with the one likely meant: a typo, or the second word of a two-word command typed alone.
import { UserError } from '../errors.js';
import { didYouMean } from '../runbook/did-you-mean.js';
import { cliCommands } from './args.js';

/** Commands of two words, by their second: `verify` alone is `journal verify` with its first word left out. */
const secondWords: Record<string, string> = { verify: 'journal verify', repair: 'journal repair', check: 'runbooks check' };

export function unknownCommand(verb: string, cliName: string): UserError {
  const meant = Object.hasOwn(secondWords, verb.toLowerCase()) ? ` (did you mean "${secondWords[verb.toLowerCase()]}"?)` : didYouMean(verb, cliCommands);
  return new UserError(`unknown command "${verb.slice(0, 40)}"${meant}: run \`${cliName} help\` for the commands`);
}

/** Whether the CLI has a command of that first word. */
export function isCliCommand(verb: string): boolean {
  return cliCommands.includes(verb);
}
