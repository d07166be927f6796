// What went wrong on Slack's side of a Web API call, in words an operator can act on, and whether asking again can
// help: Slack's own codes, its HTTP errors, silence, and answers that are not Slack's JSON (a proxy's HTML page).

/** Slack's codes for its own trouble, as opposed to a refusal of what was asked (not_in_channel, invalid_blocks…). */
const troubleCodes = new Set(['ratelimited', 'rate_limited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/** Slack's codes are short snake_case words; anything else in `error` is a body that was not Slack's JSON. */
const slackCode = /^[a-z][a-z0-9_]{0,59}$/;

interface WebApiFailure {
  code?: string;
  statusCode?: number;
  data?: { error?: unknown };
}

/** Slack's code for a refusal of what was asked, or undefined when the error is not one. */
export function slackRefusal(error: unknown): string | undefined {
  const failure = error as WebApiFailure;
  if (failure?.code !== 'slack_webapi_platform_error') return undefined;
  const said = String(failure.data?.error ?? '');
  return slackCode.test(said) && !troubleCodes.has(said) ? said : undefined;
}

/** How Slack's Web API failed a call (after the client's own retries), or undefined when it did not. */
export function slackTrouble(error: unknown): string | undefined {
  const failure = error as WebApiFailure;
  if (failure?.code === 'slack_webapi_http_error') return `it answered HTTP ${failure.statusCode ?? 'error'}`;
  if (failure?.code === 'slack_webapi_request_error') return 'it did not answer';
  if (failure?.code === 'slack_webapi_rate_limited_error') return 'it kept answering "rate limited"';
  if (failure?.code === 'slack_webapi_platform_error' && !slackRefusal(error)) {
    const said = String(failure.data?.error ?? '');
    return slackCode.test(said) ? `it answered "${said}"` : 'its answer was not Slack\'s JSON (a proxy\'s error page, or cut short)';
  }
  // The Web API client's own words for a 429 whose Retry-After it cannot read.
  if (error instanceof Error && error.message.startsWith('Retry header did not contain a valid timeout')) return 'it answered 429 without a Retry-After it could read';
  return undefined;
}

/**
 * Whether the same call may go through if made again: Slack answered, with trouble of its own. A call it did not answer
 * is not made again here (the client already waited out its timeout several times, and Slack may have carried it out).
 */
export function worthAskingAgain(error: unknown): boolean {
  return slackTrouble(error) !== undefined && (error as WebApiFailure)?.code !== 'slack_webapi_request_error';
}

/** A failed call as one line fit for the journal and for the operator: Slack's code or trouble, never a raw body or URL. */
export function slackFailureText(error: unknown): string | undefined {
  const refused = slackRefusal(error);
  if (refused) return `Slack refused it (${refused})`;
  const trouble = slackTrouble(error);
  return trouble ? `Slack's Web API failed: ${trouble}` : undefined;
}

/** The incident's first message, given up after asking again: `message` says why in those words, `cause` is the error. */
export class SlackCallFailed extends Error {
  constructor(override readonly cause: unknown) {
    super(slackFailureText(cause) ?? (cause instanceof Error ? cause.message : String(cause)));
  }
}
