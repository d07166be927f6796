// Which of the bot's environment variables its commands do not inherit: Slack's credentials, and every SLACK_ name with them.

/** True for a variable the commands the bot runs never see: every SLACK_ one (tokens, the signing secret, and the rest). */
export function withheldFromCommands(name: string): boolean {
  return name.startsWith('SLACK_');
}
