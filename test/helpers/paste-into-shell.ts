// What bash makes of a command printed for pasting: it reads the line as typed, with `npm` a function that prints the
// words it was given, so a word a shell misreads (`<name>` taken as a redirect from a file, a [pattern]) shows or fails.
import { execa } from 'execa';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Pasted {
  /** bash's exit code: 1 for a redirect from a file that is not there, 2 for a line it cannot parse. */
  code: number;
  /** The words `npm` was given, as the CLI would get them after `npm run --silent cli --`. */
  words: string[];
  stderr: string;
}

/** The printed `command` pasted into bash in an empty directory, as the person `user` ($USER). */
export async function pasteIntoShell(command: string, user: string): Promise<Pasted> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paste-'));
  try {
    // No start-up files (bash reads ~/.bashrc when its standard input is a socket, as execa's pipe is): the line alone.
    const result = await execa('bash', ['--norc', '--noprofile', '-c', `npm() { printf '%s\\0' "$@"; }\n${command}`], {
      cwd: dir,
      env: { USER: user, HOME: dir, PATH: process.env.PATH ?? '/usr/bin:/bin' },
      extendEnv: false,
      stdin: 'ignore',
      reject: false,
      encoding: 'utf8',
    });
    const words = result.stdout.split('\0').slice(0, -1);
    return { code: result.exitCode ?? -1, words, stderr: String(result.stderr) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The CLI's arguments in a pasted `npm run --silent cli -- …` line; throws when bash refused it or it is no CLI command. */
export async function cliArgsOfPasted(command: string, user: string): Promise<string[]> {
  const pasted = await pasteIntoShell(command, user);
  if (pasted.code !== 0) throw new Error(`bash refused the pasted command (exit ${pasted.code}: ${pasted.stderr.trim()}): ${command}`);
  const [run, silent, cli, dashes, ...args] = pasted.words;
  if ([run, silent, cli, dashes].join(' ') !== 'run --silent cli --') throw new Error(`not a CLI command: ${pasted.words.join(' ')}`);
  return args;
}
