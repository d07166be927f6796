// The one line said when what answers apps.connections.open as the bot connects again is not Slack's Web API.

/** The line, after what answered (the URL asked and the HTTP status), and what to do. */
export function notSlacksAnswerOnReconnect(answer: string): string {
  return (
    `Slack's Web API gives no Socket Mode connection as the bot connected again: ${answer}, where Slack's Web API answers 200 (a proxy between this host and Slack refusing, ` +
    'or the address now pointing elsewhere). Asking again gets the same answer: check SLACK_API_URL and any proxy, and start the bot again. The bot stops'
  );
}
