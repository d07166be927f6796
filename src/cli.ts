// The terminal front end: `npm run --silent cli -- <command>`. Needs no Slack tokens; shares the bot's runbooks, policies and journal.
import { runCli } from './terminal/console.js';

const code = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env });
// Exit once what was written has been flushed: a paused standard input or a DuckDB handle must not keep the process alive.
process.stdout.write('', () => process.exit(code));
