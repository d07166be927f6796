// Splits the CLI's arguments into words and --options; anything unknown is bad input with a one-line reason.
import { UserError } from '../errors.js';
import { shellWord } from '../commands/shell-word.js';

export interface CliOptions {
  /** Who approves at the prompt: recorded in the journal as terminal:<name>. */
  approver?: string;
  /** Who is asking: terminal:<name>; defaults to $USER. */
  as?: string;
  /** The plan's short hash, to approve without a prompt. */
  approve?: string;
  help?: boolean;
}

export interface ParsedArgs {
  words: string[];
  options: CliOptions;
}

const valued = { '--approver': 'approver', '--as': 'as', '--approve': 'approve' } as const;
type OptionKey = (typeof valued)[keyof typeof valued];
const namePattern = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
const shown: Record<OptionKey, string> = { approver: '--approver <name>', as: '--as <name>', approve: '--approve <hash>' };
const planning: readonly OptionKey[] = ['as', 'approver', 'approve'];

/**
 * The options each command reads: any other is refused, naming these, rather than taken and ignored (an approver given
 * to a diagnosis approves nothing). A command not listed (a typo, answered by its own usage) is not judged here.
 */
const optionsOf: Record<string, readonly OptionKey[]> = {
  diagnose: ['as'],
  validate: ['as'],
  status: ['as'],
  recover: planning,
  rollback: planning,
  approve: planning,
  reject: planning,
  unlock: ['as', 'approver'],
  'journal repair': ['approver'],
  'journal verify': [],
  postmortem: [],
  watch: [],
  runbooks: [],
  help: [],
};

/** The CLI's command words, for a "did you mean" when one is mistyped. */
export const cliCommands: readonly string[] = [...new Set(Object.keys(optionsOf).map((command) => command.split(' ')[0] as string))];

function takenBy(words: readonly string[]): { command: string; options: readonly OptionKey[] | undefined } {
  const command = words[0] === 'journal' && words[1] ? `journal ${words[1]}` : (words[0] ?? 'help');
  return { command, options: Object.hasOwn(optionsOf, command) ? optionsOf[command] : undefined };
}

/** Commands of two words: their second is a command word too (`journal verify`, `runbooks check`). */
const twoWordCommands = ['journal', 'runbooks'];

/**
 * The command's words read in any case, as Slack's grammar reads its verb (`Status`, `Journal Verify`): the first, and
 * the second of a two-word command; what follows them (`runbooks check <dir>`, a scenario's parameters) stays as typed.
 */
export function commandWordsInLowerCase(words: readonly string[]): string[] {
  const first = words[0]?.toLowerCase();
  const commandWords = first !== undefined && twoWordCommands.includes(first) ? 2 : 1;
  return words.map((word, i) => (i < commandWords ? word.toLowerCase() : word));
}

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const typed: string[] = [];
  const options: CliOptions = {};
  let unknown: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '--') {
      typed.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '--help' || arg === '-h') {
      options.help = true;
      continue;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const flag = eq > 0 ? arg.slice(0, eq) : arg;
      const key = Object.hasOwn(valued, flag) ? valued[flag as keyof typeof valued] : undefined;
      if (!key) {
        // Answered once the command is known, with the options that command takes.
        unknown ??= arg.slice(0, 40);
        continue;
      }
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || value === '' || value.startsWith('--')) throw new UserError(`${flag} needs a value`);
      if (options[key] !== undefined) throw new UserError(`${flag} is given twice`);
      options[key] = value;
      continue;
    }
    typed.push(arg);
  }
  const words = commandWordsInLowerCase(typed);
  const taken = takenBy(words);
  const takes = (keys: readonly OptionKey[]) => (keys.length > 0 ? `takes ${keys.map((key) => shown[key]).join(', ')}` : 'takes no option');
  if (unknown) {
    const which = taken.options ? `${taken.command} ${takes(taken.options)}` : `the options are ${Object.values(shown).join(', ')}`;
    throw new UserError(`unknown option ${unknown}: ${which}`);
  }
  const given = (Object.keys(options) as (keyof CliOptions)[]).filter((key): key is OptionKey => key !== 'help');
  const stray = taken.options && given.find((key) => !taken.options?.includes(key));
  if (stray && taken.options) throw new UserError(`${taken.command} does not take --${stray}: it ${takes(taken.options)}`);
  for (const key of ['approver', 'as'] as const) {
    const value = options[key];
    // A printed command marks a name it cannot know with `…` (src/commands/paste-able.ts), as a verdict marks a value.
    if (value === '…' || value === '...') throw new UserError(`--${key} ${value} is the placeholder of the command shown: put ${key === 'as' ? 'your' : "the approver's"} name in its place`);
    if (value !== undefined && !namePattern.test(value)) {
      throw new UserError(`--${key} ${value.slice(0, 40)} is not a name: use letters, digits, . _ @ - (at most 64)`);
    }
  }
  if (options.approve !== undefined && !/^[0-9a-fA-F]{8,64}$/.test(options.approve)) {
    throw new UserError(`--approve ${options.approve.slice(0, 40)} is not a plan hash: give the 8 hex characters shown after "hash" in the plan`);
  }
  return { words, options };
}

/** Joins words into the shared command grammar's text, keeping a value with spaces in one piece. */
export function commandText(words: readonly string[]): string {
  return words
    .map((word) => {
      if (word.includes('"')) {
        // The shell took the quotes meant for it already; one left inside a word would reach the value itself. The
        // example is the whole word, quoted as a shell reads it back: cut short, it would name another value.
        const unquoted = word.replace(/"/g, '');
        const example = shellWord(unquoted);
        const instead = example === unquoted ? `leave the double quotes out: ${example}` : `quote the whole word for your shell instead, e.g. ${example}`;
        throw new UserError(`${word.slice(0, 60)} holds a double quote, which cannot be passed on: ${instead}`);
      }
      return /\s/.test(word) || word === '' ? `"${word}"` : word;
    })
    .join(' ');
}
