// The terminal's reading of Slack-worded texts: each `/databox …` command becomes the CLI's, and is said once.
import { describe, expect, it } from 'vitest';
import { asCliCommands } from '../../src/terminal/as-cli-commands.js';

const cli = 'npm run --silent cli --';

describe('asCliCommands', () => {
  it('writes each /databox command as the CLI command', () => {
    expect(asCliCommands('Diagnose again (`/databox diagnose duckdb incident=dbx-1`), or `/databox status`.', cli)).toBe(
      'Diagnose again (`npm run --silent cli -- diagnose duckdb incident=dbx-1`), or `npm run --silent cli -- status`.',
    );
  });

  it('leaves text that only looks like a command alone', () => {
    expect(asCliCommands('see /databox/data and /databox reload', cli)).toBe('see /databox/data and /databox reload');
  });

  it('says a command once where the text also gives its terminal form, which is the same command there', () => {
    const advice =
      'Validate it once the bot is back: `/databox validate duckdb incident=dbx-20261204-ab12` (at a terminal: `npm run --silent cli -- validate duckdb incident=dbx-20261204-ab12`)';
    expect(asCliCommands(advice, cli)).toBe('Validate it once the bot is back: `npm run --silent cli -- validate duckdb incident=dbx-20261204-ab12`');
  });

  it('keeps a terminal form that says something else than the command before it', () => {
    const advice = 'the *Roll back…* button under it (at a terminal: `npm run --silent cli -- rollback dbx-1/2`)';
    expect(asCliCommands(advice, cli)).toBe(advice);
    const differs = '`/databox validate duckdb` (at a terminal: `npm run --silent cli -- validate duckdb incident=dbx-1`)';
    expect(asCliCommands(differs, cli)).toBe('`npm run --silent cli -- validate duckdb` (at a terminal: `npm run --silent cli -- validate duckdb incident=dbx-1`)');
  });
});
