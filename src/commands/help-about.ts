// What `help <words>` answers above the whole help, in Slack and at the terminal alike: the usage of the command named,
// the commands of the scenario named, or that there is no help on it.
import { scenarioCommands } from '../runbook/scenario-commands.js';
import type { Runbook } from '../runbook/schema.js';

/** How a front end writes the answer. */
export interface HelpWriting {
  /** The usage of one of this front end's commands ("/databox diagnose …"), undefined for a word it has none of. */
  usageOf: (word: string) => string | undefined;
  /** Text from a runbook or as typed, made safe to show (escaped for Slack's mrkdwn). */
  text: (text: string) => string;
  /** A scenario's title, stressed as the front end stresses it. */
  title: (text: string) => string;
}

/** A scenario's commands in help: diagnose, each recovery path with its title, then validate, each with what it needs. */
export function scenarioCommandsSaid(rb: Runbook, text: (text: string) => string): string {
  const { diagnose, recover, validate } = scenarioCommands(rb);
  const needs = (said: string | undefined) => (said ? `; ${said}` : '');
  return [
    `\`${diagnose}\``,
    ...recover.map((p) => `\`${p.command}\` (${p.title}${needs(p.needs)})`),
    `\`${validate.command}\`${validate.needs ? ` (${validate.needs})` : ''}`,
  ]
    .map(text)
    .join('; ');
}

/** The line that answers `help <about>` above the whole help; its first word, in any case, is what it is about. */
export function helpAbout(about: string, scenarios: readonly Runbook[], writing: HelpWriting): string {
  const { text } = writing;
  const word = about.split(/\s+/)[0]?.toLowerCase() ?? '';
  const runbook = scenarios.find((rb) => rb.id === word);
  if (runbook) {
    return `${writing.title(runbook.title)}: ${scenarioCommandsSaid(runbook, text)}. The whole help follows.`;
  }
  const usage = writing.usageOf(word);
  if (usage !== undefined) return `\`${text(usage)}\`: the whole help follows.`;
  return `There is no help on "${text(about.slice(0, 60))}": help takes a command (diagnose, recover, …) or a scenario. The whole help follows.`;
}
