// The warning each CLI command that reads settings prints, the record commands too: DATABOX_ names the bot does not read.
import { unreadSettingsWarning } from '../config.js';
import type { TerminalOutput } from './terminal-reporter.js';

/** Said on stderr, as the bot's start logs it: a setting meant and misnamed keeps its default without a word otherwise. */
export function warnOfUnreadSettings(env: Record<string, string | undefined>, stderr: TerminalOutput): void {
  const unread = unreadSettingsWarning(env);
  if (unread) stderr.write(`warning: ${unread}\n`);
}
