// `runbooks check [dir]`: checks every runbook file the way the bot does at start-up, printing each file's problems (in layers: load.ts).
import path from 'node:path';
import { bundledRunbooksDir } from '../config.js';
import { checkRunbooks } from '../runbook/load.js';
import { retiredKeyNotes } from '../runbook/retired-key-notes.js';
import type { TerminalOutput } from './terminal-reporter.js';

export interface RunbooksCommandIO {
  stdout: TerminalOutput;
  stderr: TerminalOutput;
  env: Record<string, string | undefined>;
}

const usage = 'databox: usage: npm run --silent cli -- runbooks check [dir]';

/** Exit 0 with one line per runbook when all load; 1 with every problem, one per line; 2 on bad usage. */
export function runbooksCommand(args: readonly string[], io: RunbooksCommandIO): number {
  if (args[0] !== 'runbooks' || args[1] !== 'check' || args.length > 3) {
    io.stderr.write(`${usage}\n`);
    return 2;
  }
  // Empty is unset, as the bot's configuration reads it: the bundled runbooks, not the current folder.
  const dir = path.resolve(args[2] || io.env.DATABOX_RUNBOOKS_DIR || bundledRunbooksDir);
  const { runbooks, problems } = checkRunbooks(dir);
  // Not problems (the runbooks load), but a key left there reads as if it still did something: said beside them.
  const notes = retiredKeyNotes(dir);
  if (notes.length > 0) io.stdout.write(`${notes.join('\n')}\n`);
  if (problems.length > 0) {
    io.stderr.write(`${problems.join('\n')}\n`);
    io.stderr.write(`runbooks check FAILED: ${problems.length} problem${problems.length === 1 ? '' : 's'} in ${dir}\n`);
    return 1;
  }
  for (const rb of runbooks.values()) io.stdout.write(`ok  ${rb.id}: ${rb.title}\n`);
  io.stdout.write(`runbooks OK: ${runbooks.size} runbook${runbooks.size === 1 ? '' : 's'} in ${dir}\n`);
  return 0;
}
