// Whether a signed request's parsed body has the shape Slack gives the kinds of request the bot takes: anything else
// (JSON null, a list, a button click without its user or its actions) is refused before Bolt and the listeners see it.

/** The interactive payloads a person's click or form sends: each names its user. */
const interactive = new Set(['block_actions', 'block_suggestion', 'view_submission', 'view_closed', 'shortcut', 'message_action', 'interactive_message']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function described(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}

/**
 * What is wrong with one of a slash command's form fields: missing (or empty where it may not be), or given more than
 * once, which comes as a list (Slack gives each once). A reader is told which, not "without" for a field sent twice.
 */
function commandFieldProblem(body: Record<string, unknown>, field: 'text' | 'user_id' | 'channel_id', missingNote?: string): string | undefined {
  const value = body[field];
  if (Array.isArray(value)) return `a slash command with its ${field} given ${value.length} times (Slack gives it once)`;
  if (field === 'text' ? typeof value === 'string' : nonEmptyString(value)) return undefined;
  return `a slash command without its ${field}${missingNote ? ` ${missingNote}` : ''}`;
}

/** What is wrong with the body's shape, or undefined when it is one Slack sends (what it says is checked later). */
export function requestShapeProblem(body: unknown): string | undefined {
  if (!isObject(body)) return `its body is ${described(body)}, not an object`;
  // Slack's SSL check and URL verification are answered by Bolt itself.
  if (typeof body.ssl_check === 'string' || body.type === 'url_verification') return undefined;
  if (body.command !== undefined) {
    if (!nonEmptyString(body.command)) return 'a slash command whose command is not text';
    return commandFieldProblem(body, 'text', '(given once, possibly empty)') ?? commandFieldProblem(body, 'user_id') ?? commandFieldProblem(body, 'channel_id');
  }
  if (!nonEmptyString(body.type)) return 'it is neither a slash command nor a payload with a type';
  if (body.type === 'event_callback' && !(isObject(body.event) && nonEmptyString(body.event.type))) return 'an event_callback without its event';
  if (!interactive.has(body.type)) return undefined;
  if (!isObject(body.user) || !nonEmptyString(body.user.id)) return `a ${body.type} without its user's id`;
  if (body.type === 'block_actions' && !(Array.isArray(body.actions) && body.actions.every((action) => isObject(action) && nonEmptyString(action.action_id)))) {
    return 'a block_actions whose actions are not a list of actions, each with its action_id';
  }
  // Slack sends one payload per component used; Bolt hands a listener the first action only, so a second one would be
  // dropped unseen (an Approve carried out and a Reject beside it ignored).
  if (body.type === 'block_actions' && (body.actions as unknown[]).length > 1) return `a block_actions carrying ${(body.actions as unknown[]).length} actions (a click sends one)`;
  if ((body.type === 'view_submission' || body.type === 'view_closed') && !isObject(body.view)) return `a ${body.type} without its view`;
  return undefined;
}

/** Who sent a body of any shape, as far as it says. */
export function senderOf(body: unknown): string {
  if (!isObject(body)) return 'unknown';
  if (nonEmptyString(body.user_id)) return body.user_id;
  return isObject(body.user) && nonEmptyString(body.user.id) ? body.user.id : 'unknown';
}
