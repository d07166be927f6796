// The commands a text gives as Slack's `/databox …` (runbook advice, verdicts, refusals), written as the CLI's own.

const slashCommand = /(^|[\s`"'(])\/databox (?=(?:diagnose|recover|validate|rollback|status|help|postmortem|unlock)\b)/g;

/** A command followed by its terminal form in parentheses: at a terminal the two are the same command. */
const sameCommandForTerminal = /`([^`]+)` \(at a terminal: `\1`\)/g;

/** `text` as a terminal user types its commands: each `/databox <verb>` becomes `<cli> <verb>`, said once. */
export function asCliCommands(text: string, cli: string): string {
  return text.replace(slashCommand, `$1${cli} `).replace(sameCommandForTerminal, '`$1`');
}
