// `journal verify`: checks the journal's hash chain without opening anything else (no runbooks, no DuckDB), so it is quick.
import fs from 'node:fs';
import { ConfigError, loadConfig } from '../config.js';
import { headFile } from '../journal/head.js';
import { readJournal } from '../postmortem/write-postmortem.js';
import type { TerminalOutput } from './terminal-reporter.js';

export interface JournalCommandIO {
  stdout: TerminalOutput;
  stderr: TerminalOutput;
  env: Record<string, string | undefined>;
}

/** Exit 0 and one OK line on an intact journal; 1 naming the first bad line and why; 2 on bad input. */
export function journalCommand(args: readonly string[], io: JournalCommandIO): number {
  if (args.length !== 2 || args[0] !== 'journal' || args[1] !== 'verify') {
    io.stderr.write('databox: usage: npm run --silent cli -- journal verify\n');
    return 2;
  }
  let stateDir: string;
  try {
    stateDir = loadConfig(io.env).stateDir;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr.write(`databox: ${error.message}\n`);
    return 2;
  }
  const journal = readJournal(stateDir);
  const { problem, records } = journal.verify;
  if (problem) {
    io.stderr.write(
      `journal FAILED at line ${problem.line} of ${journal.file}: ${problem.reason}${problem.line > 1 ? ` (lines 1–${problem.line - 1} verify)` : ''}\n`,
    );
    return 1;
  }
  // Nothing there may be the wrong place as well as a new install: the path and the variable that sets it are named.
  const none = fs.existsSync(journal.file) ? ' (nothing recorded yet)' : ` (there is no journal there yet: nothing recorded, or DATABOX_STATE_DIR is not the bot's)`;
  io.stdout.write(`journal OK: ${records.length} records verified in ${journal.file}${records.length === 0 ? none : ''}\n`);
  // Every append writes the head: records without one is a head removed, and with it whatever proved the end intact.
  if (records.length > 0 && !fs.existsSync(headFile(journal.file))) {
    io.stderr.write(`warning: ${headFile(journal.file)} is missing, so lines removed from the journal's end would not show here; the bot writes it again at its next append\n`);
  }
  return 0;
}
