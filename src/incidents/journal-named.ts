// The journal an answer of "not known" read, named (by its path off Slack), and said to be empty when it is: a mistyped
// DATABOX_STATE_DIR reads as an empty journal.
import fs from 'node:fs';
import { UserError } from '../errors.js';

/** Whether the journal has no line: a state dir nothing was recorded in yet (new, or not the bot's). */
export function journalEmpty(file: string): boolean {
  try {
    return fs.statSync(file).size === 0;
  } catch {
    return true;
  }
}

/**
 * "the journal /var/lib/databox/journal.jsonl", with what its emptiness means when it has no line; `named` says it
 * otherwise ("the bot's journal", for Slack, where the server's paths are not shown).
 */
export function journalNamed(file: string, named = `the journal ${file}`): string {
  return journalEmpty(file) ? `${named}, which is empty (nothing was recorded in this state dir before: is DATABOX_STATE_DIR the one the bot uses?)` : named;
}

/** `what` ("no plan \"…\"") is known to the journal: naming its file at a terminal, and only the bot's journal in Slack. */
export function notInJournal(what: string, file: string): UserError {
  return new UserError(`${what} is known to ${journalNamed(file)}`, undefined, `${what} is known to ${journalNamed(file, "the bot's journal")}`);
}

/** No plan `runId` in the journal, with where to find the right run id (a typo, or one from another state dir): `status` lists them. */
export function noPlanInJournal(runId: string, file: string): UserError {
  const what = `no plan "${runId}"`;
  return new UserError(
    `${what} is known to ${journalNamed(file)}: \`npm run --silent cli -- status\` lists the plans with their run ids`,
    undefined,
    `${what} is known to ${journalNamed(file, "the bot's journal")}: \`/databox status\` lists the plans with their run ids`,
  );
}
