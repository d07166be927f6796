// An in-process terminal for runCli: output is collected, and prompts are answered by a function of what was asked.
import { PassThrough } from 'node:stream';
import type { TerminalIO } from '../../src/terminal/console.js';

export interface ScriptedTerminal {
  io: TerminalIO;
  stdout(): string;
  stderr(): string;
}

/** `answer` returns the line to type, or null to close standard input (no TTY, Ctrl-D). */
export function scriptedTerminal(env: Record<string, string | undefined>, answer: (prompt: string) => string | null, echo = false): ScriptedTerminal {
  const stdin = new PassThrough();
  let out = '';
  let err = '';
  const io: TerminalIO = {
    env,
    stdin,
    stdout: {
      isTTY: false,
      write(text: string) {
        out += text;
        if (echo) process.stdout.write(text);
        if (/(Type the plan's short hash|Who approves\?)[^\n]*: $/.test(text)) {
          const reply = answer(text);
          setImmediate(() => (reply === null ? stdin.end() : stdin.write(`${reply}\n`)));
        }
        return true;
      },
    },
    stderr: {
      write(text: string) {
        err += text;
        if (echo) process.stderr.write(text);
        return true;
      },
    },
  };
  return { io, stdout: () => out, stderr: () => err };
}

/** The short hash shown in the most recent approval prompt. */
export function promptedHash(prompt: string): string {
  const match = /short hash \(([0-9a-f]{8})\)/.exec(prompt);
  if (!match) throw new Error(`no hash in the prompt: ${prompt}`);
  return match[1] as string;
}
