// Reads answers from standard input one line at a time; the end of input (no TTY, </dev/null, Ctrl-D) is an answer too.
import readline from 'node:readline';

export interface LineReader {
  /** The next line, or undefined when the input has ended without one. */
  next(): Promise<string | undefined>;
  close(): void;
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
  return {
    next() {
      if (lines.length > 0) return Promise.resolve(lines.shift());
      if (ended) return Promise.resolve(undefined);
      return new Promise((resolve) => waiting.push(resolve));
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
