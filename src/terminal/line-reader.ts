// Reads answers from standard input one line at a time; the end of input (no TTY, </dev/null, Ctrl-D) is an answer too.
import fs from 'node:fs';
import readline from 'node:readline';

export interface LineReader {
  /** The next line, or undefined when the input has ended without one. */
  next(): Promise<string | undefined>;
  /**
   * Whether a line is there or may still come, asked before a prompt is printed: false once the input has ended without
   * one (</dev/null, a closed pipe, CI), so no prompt is printed that nothing can answer.
   */
  mayAnswer(): Promise<boolean>;
  close(): void;
}

/** The event loop's turns a pipe gets to show that it has ended: its end is read at the first poll after reading starts. */
const pipeTurns = 3;

/**
 * Input read to its end whoever waits (a file, /dev/null: the thread pool reads them), rather than a pipe or socket,
 * where a program may write an answer only once it sees the prompt (`expect`, the tests' drivers).
 */
function readToItsEnd(input: NodeJS.ReadableStream): boolean {
  const fd = (input as { fd?: unknown }).fd;
  if (typeof fd !== 'number') return false;
  try {
    const stat = fs.fstatSync(fd);
    return !stat.isFIFO() && !stat.isSocket();
  } catch {
    return false;
  }
}

export function createLineReader(input: NodeJS.ReadableStream): LineReader {
  const lines: string[] = [];
  const waiting: ((line: string | undefined) => void)[] = [];
  let ended = false;
  const rl = readline.createInterface({ input, terminal: false, crlfDelay: Infinity });
  rl.on('line', (line) => {
    const waiter = waiting.shift();
    if (waiter) waiter(line);
    else lines.push(line);
  });
  rl.on('close', () => {
    ended = true;
    for (const waiter of waiting.splice(0)) waiter(undefined);
  });
  const lineOrEnd = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        rl.off('line', done);
        rl.off('close', done);
        resolve();
      };
      rl.on('line', done);
      rl.on('close', done);
    });
  const turns = async () => {
    for (let turn = 0; turn < pipeTurns; turn += 1) await new Promise((resolve) => setImmediate(resolve));
  };
  return {
    next() {
      if (lines.length > 0) return Promise.resolve(lines.shift());
      if (ended) return Promise.resolve(undefined);
      return new Promise((resolve) => waiting.push(resolve));
    },
    async mayAnswer() {
      // A person at a terminal answers the prompt once it is shown.
      if ((input as { isTTY?: boolean }).isTTY) return true;
      if (lines.length === 0 && !ended) await (readToItsEnd(input) ? lineOrEnd() : Promise.race([lineOrEnd(), turns()]));
      return lines.length > 0 || !ended;
    },
    close() {
      rl.close();
      // readline leaves a paused stream open; let the process exit.
      const stream = input as NodeJS.ReadableStream & { unref?: () => void; destroy?: () => void };
      if (stream !== process.stdin) stream.destroy?.();
      else process.stdin.unref?.();
    },
  };
}
