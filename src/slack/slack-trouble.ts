// What went wrong on Slack's side of a Web API call, in words an operator can act on, and whether asking again can
// help: Slack's own codes, its HTTP errors, silence, and answers that are not Slack's JSON (a proxy's HTML page).

/** Slack's codes for its own trouble, as opposed to a refusal of what was asked (not_in_channel, invalid_blocks…). */
const troubleCodes = new Set(['ratelimited', 'rate_limited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);
/** Of those, the ones Slack says may come after part of the call was carried out. */
const partlyDone = new Set(['internal_error', 'fatal_error', 'request_timeout']);

/**
 * Slack's codes are snake_case words with at least one underscore, or one of its few single words. Anything else in
 * `error` (the client puts there a body that was not JSON) is an answer that was not Slack's: `ok`, a page, a cut reply.
 */
const slackCode = /^[a-z][a-z0-9]*(_[a-z0-9]+)+$/;
const singleWordCodes = new Set(['ratelimited', 'accesslimited']);

interface WebApiFailure {
  code?: string;
  statusCode?: number;
  data?: { error?: unknown };
  original?: { message?: string; name?: string };
}

function isSlackCode(said: string): boolean {
  return said.length <= 60 && (slackCode.test(said) || singleWordCodes.has(said));
}

/** Slack's code in a Web API client error (its `data.error`: missing_scope, ratelimited), not a page or a cut answer put there. */
export function slackCodeOf(error: unknown): string | undefined {
  const said = (error as WebApiFailure | undefined)?.data?.error;
  return typeof said === 'string' && isSlackCode(said) ? said : undefined;
}

/** What Slack's answer said, when the error is one (a code, or the body the client could not read as JSON). */
function platformAnswer(error: unknown): string | undefined {
  const failure = error as WebApiFailure;
  return failure?.code === 'slack_webapi_platform_error' ? String(failure.data?.error ?? '') : undefined;
}

/** Slack's code for a refusal of what was asked, or undefined when the error is not one. */
export function slackRefusal(error: unknown): string | undefined {
  const said = platformAnswer(error);
  return said !== undefined && isSlackCode(said) && !troubleCodes.has(said) ? said : undefined;
}

/** The client's own words when a 429's Retry-After was waited out and Slack answered 429 again, past its retries. */
export function rateLimitedPastRetries(error: unknown): boolean {
  const failure = error as WebApiFailure;
  return failure?.code === 'slack_webapi_request_error' && String(failure.original?.message ?? '').startsWith('A rate limit was exceeded');
}

/** How Slack's Web API failed a call (after the client's own retries), or undefined when it did not. */
export function slackTrouble(error: unknown): string | undefined {
  const failure = error as WebApiFailure;
  if (failure?.code === 'slack_webapi_http_error') return `it answered HTTP ${failure.statusCode ?? 'error'}`;
  if (failure?.code === 'slack_webapi_rate_limited_error' || rateLimitedPastRetries(error)) return 'it kept answering "rate limited"';
  if (failure?.code === 'slack_webapi_request_error') return 'it did not answer';
  const said = platformAnswer(error);
  if (said !== undefined && !slackRefusal(error)) return isSlackCode(said) ? `it answered "${said}"` : cutShort(said) ? 'its answer was cut short' : "its answer was not Slack's JSON (a proxy's error page, say)";
  // The Web API client's own words for a 429 whose Retry-After it cannot read.
  if (error instanceof Error && error.message.startsWith('Retry header did not contain a valid timeout')) return 'it answered 429 without a Retry-After it could read';
  return undefined;
}

/** Slack's JSON begun and not finished: Slack took the call, and its answer was lost on the way. */
function cutShort(said: string): boolean {
  return said.trimStart().startsWith('{');
}

/** Whether the client itself asked again before giving up (HTTP errors, silence, 429s); Slack's own answers it takes as they are. */
export function clientAskedAgain(error: unknown): boolean {
  const code = (error as WebApiFailure)?.code;
  return code === 'slack_webapi_http_error' || code === 'slack_webapi_request_error' || code === 'slack_webapi_rate_limited_error';
}

/** A request that never reached Slack: the connection was refused, or its name did not resolve. */
function neverSent(error: unknown): boolean {
  const original = (error as { original?: { message?: string; cause?: { code?: string; message?: string } } }).original;
  return /ECONNREFUSED|ENOTFOUND|EAI_AGAIN/.test(`${original?.cause?.code ?? ''} ${original?.cause?.message ?? ''} ${original?.message ?? ''}`);
}

/** Whether Slack may have carried the call out although it failed: no answer, an answer cut short, or its own error. */
export function mayHaveBeenCarriedOut(error: unknown): boolean {
  if ((error as WebApiFailure)?.code === 'slack_webapi_request_error') return !rateLimitedPastRetries(error) && !neverSent(error);
  const said = platformAnswer(error);
  if (said === undefined || slackRefusal(error)) return false;
  return isSlackCode(said) ? partlyDone.has(said) : cutShort(said);
}

/**
 * Whether the same call may go through if made again, and no copy of it can be left behind: Slack answered with
 * trouble of its own and did not carry it out (rate limiting, a 5xx, a proxy's page). After a call it did not answer,
 * or answered cut short or with an error it may have partly carried out, asking again could post the message twice.
 */
export function worthAskingAgain(error: unknown): boolean {
  return slackTrouble(error) !== undefined && !mayHaveBeenCarriedOut(error);
}

/** A failed call as one line fit for the journal and for the operator: Slack's code or trouble, never a raw body or URL. */
export function slackFailureText(error: unknown): string | undefined {
  const refused = slackRefusal(error);
  if (refused) return `Slack refused it (${refused})`;
  const trouble = slackTrouble(error);
  return trouble ? `Slack's Web API failed: ${trouble}` : undefined;
}

/** The incident's first message, given up after `attempts`: `message` says why in those words, `cause` is the last error. */
export class SlackCallFailed extends Error {
  constructor(
    override readonly cause: unknown,
    readonly attempts: number,
  ) {
    super(slackFailureText(cause) ?? (cause instanceof Error ? cause.message : String(cause)));
  }
}

/** A call Slack left unanswered for the client's whole timeout (the client aborted it), as opposed to one refused or cut. */
export function unansweredInTime(error: unknown): boolean {
  const failure = error as WebApiFailure;
  return failure?.code === 'slack_webapi_request_error' && failure.original?.name === 'TimeoutError';
}
