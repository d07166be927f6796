// Runs the real CLI as a child process (dist/src/cli.js, built from src/cli.ts by the tests' global setup: the code
// `npm run cli` runs through tsx), answering its prompts from what it printed: through a pipe, or through a
// pseudo-terminal made by util-linux `script`.
import path from 'node:path';
import { execa } from 'execa';
import { shellWord } from '../../src/commands/shell-word.js';

export const projectRoot = path.resolve(import.meta.dirname, '..', '..');
/** Node's arguments that start the CLI, before its own: `execa(process.execPath, [...cliArgs, 'diagnose', …])`. */
export const cliArgs = [path.join(projectRoot, 'dist', 'src', 'cli.js')];

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The prompts the CLI printed, in order. */
  prompts: string[];
}

export interface CliProcessOptions {
  env: Record<string, string>;
  /**
   * 'ignore': standard input is /dev/null (no TTY, no answer); 'closed': a pipe closed before the CLI reads it (`true |`,
   * CI); otherwise prompts are answered by `answer`.
   */
  stdin?: 'ignore' | 'pipe' | 'closed';
  /** The line to type for a prompt, or null to close standard input. */
  answer?: (prompt: string) => string | null;
  /** Run inside a pseudo-terminal (`script -qec`), so standard input and output are a TTY. */
  tty?: boolean;
  /**
   * Run without root's capabilities (util-linux `setpriv` empties them), so that file modes hold for it as for any user:
   * a test running as root sees what an operator without root sees. Its user stays the tests' own, which can read the
   * checkout wherever it was cloned (a private temporary folder included).
   */
  withoutRootPowers?: boolean;
  /**
   * Words run before the CLI's own, which they end by running (`unshare … sh -c '…; "$@"'`): the CLI in a namespace of
   * its own, a small file system mounted for it, say.
   */
  inside?: readonly string[];
}

const promptPattern = /(Type the plan's short hash|Who approves\?)[^\n]*: $/;

/** The environment of a CLI run: the caller's PATH and HOME, nothing of Slack, and what the test gives. */
export function cliEnv(extra: Record<string, string>): Record<string, string> {
  const keep = ['HOME', 'PATH', 'LANG', 'TMPDIR'];
  const base = Object.fromEntries(keep.filter((name) => process.env[name] !== undefined).map((name) => [name, process.env[name] as string]));
  return { ...base, LOG_LEVEL: 'error', ...extra };
}

export async function runCliProcess(args: readonly string[], options: CliProcessOptions): Promise<CliResult> {
  const dropped = options.withoutRootPowers && process.getuid?.() === 0 ? ['setpriv', '--bounding-set', '-all', '--inh-caps', '-all', '--'] : [];
  const command = [...dropped, ...(options.inside ?? []), process.execPath, ...cliArgs, ...args];
  const [file, argv] = options.tty
    ? ['script', ['-qec', command.map(shellWord).join(' '), '/dev/null']]
    : [command[0] as string, command.slice(1)];
  const child = execa(file, argv, {
    cwd: projectRoot,
    env: options.env,
    extendEnv: false,
    stdin: options.stdin === 'ignore' ? 'ignore' : 'pipe',
    reject: false,
    encoding: 'utf8',
    timeout: 45_000,
    stripFinalNewline: false,
  });
  if (options.stdin === 'closed') child.stdin?.end();
  let stdout = '';
  const prompts: string[] = [];
  child.stdout?.on('data', (chunk: Buffer | string) => {
    stdout += chunk.toString();
    const plain = stdout.replace(/\r/g, '');
    const lastLine = plain.slice(plain.lastIndexOf('\n') + 1);
    if (promptPattern.test(lastLine) && !prompts.includes(lastLine)) {
      prompts.push(lastLine);
      const reply = options.answer ? options.answer(lastLine) : null;
      if (reply === null) child.stdin?.end();
      else child.stdin?.write(`${reply}\n`);
    }
  });
  const result = await child;
  return { code: result.exitCode ?? -1, stdout, stderr: String(result.stderr ?? ''), prompts };
}

export function hashIn(prompt: string): string {
  const match = /short hash \(([0-9a-f]{8})\)/.exec(prompt);
  if (!match) throw new Error(`no hash in the prompt: ${prompt}`);
  return match[1] as string;
}
