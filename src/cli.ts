// The terminal front end: `npm run --silent cli -- <command>`. Needs no Slack tokens; shares the bot's runbooks, policies and journal.
import { ConfigError } from './config.js';
import { loadDotEnv } from './env-file.js';
import { commandWordsInLowerCase } from './terminal/args.js';

try {
  loadDotEnv();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`databox: ${error.message}\n`);
  process.exit(2);
}
const args = process.argv.slice(2);
const io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };

// `journal verify` and `runbooks check` need no configuration and start nothing, so they answer at once; everything
// else goes through console mode.
const quick = !args.some((arg) => arg.startsWith('-'));
// Its command words in any case (`Journal Verify`), as console mode reads them: with no option, they come first.
const words = commandWordsInLowerCase(args);
// Output read by something that stops early (`… | head`) loses the rest, not the exit code; console mode also stops
// what runs when that happens (src/terminal/interrupts.ts).
// Standard error too: under `2>&1 | head` it is the same closed pipe.
process.stdout.on('error', () => {});
process.stderr.on('error', () => {});
const code =
  quick && words[0] === 'journal'
    ? (await import('./terminal/journal-command.js')).journalCommand(words, io)
    : quick && words[0] === 'runbooks'
      ? (await import('./terminal/runbooks-command.js')).runbooksCommand(words, io)
      : await (await import('./terminal/console.js')).runCli(args, io);

// Exit once what was written has been flushed: a paused standard input or a DuckDB handle must not keep the process alive.
// A closed terminal (SIGHUP) ends it by SIGHUP's default action instead (src/terminal/terminal-gone.ts).
const { exitUnlessHungUp } = await import('./terminal/terminal-gone.js');
const exit = (status: number) => exitUnlessHungUp(status, [process.stdin, process.stdout, process.stderr]);
process.stdout.write('', () => {
  if (quick && (words[0] === 'journal' || words[0] === 'runbooks')) exit(code);
  // DuckDB's threads end before the process does: exiting with DuckDB loaded in a live thread can abort (SIGABRT).
  else void import('./duckdb/end-threads.js').then(({ exitAfterDuckdbThreads }) => exitAfterDuckdbThreads(code, (line) => io.stderr.write(`${line}\n`), exit));
});
