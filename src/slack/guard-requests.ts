// Before Bolt: a signed request to /slack/events whose body has a shape Slack never sends is answered 400 at once and
// journaled (Bolt would otherwise crash the process on a body of JSON null, or leave other shapes to its 3-second
// timeout), and one stamped more than five minutes ahead is refused as Bolt refuses one five minutes old.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HTTPModuleFunctions, isValidSlackRequest, type BufferedIncomingMessage, type HTTPReceiver } from '@slack/bolt';
import type { Logger } from '../logger.js';
import { requestShapeProblem, senderOf } from './request-shape.js';
import { SeenRecently } from './seen-recently.js';

export interface GuardOptions {
  signingSecret: string;
  logger: Logger;
  /** A signed request was refused for its shape: `reason` says what was wrong, `sender` who sent it if it says. */
  onRefused: (sender: string, reason: string) => void;
  /** How many signatures are kept to tell a replay (default 100,000: about 7 MB, past any real workspace's rate). */
  signaturesKept?: number;
}

/** Where Bolt's HTTP receiver takes Slack's requests: the manifest's path, and the same with a slash after it, as typed. */
export const eventsPaths = ['/slack/events', '/slack/events/'];
/** Slack's own rule: a request stamped more than five minutes from the local clock may be a replay. */
const maxSkewSeconds = 5 * 60;

function pathOf(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'http://localhost').pathname;
}

/** The parsed body as Bolt will parse it, or undefined when it does not parse (Bolt answers that with a 400 itself). */
function parsedBody(buffered: BufferedIncomingMessage): { body: unknown } | undefined {
  try {
    return { body: HTTPModuleFunctions.parseHTTPRequestBody(buffered) };
  } catch {
    return undefined;
  }
}

function signed(req: IncomingMessage, rawBody: Buffer, signingSecret: string): boolean {
  const signature = req.headers['x-slack-signature'];
  const timestamp = Number(req.headers['x-slack-request-timestamp']);
  if (typeof signature !== 'string' || !Number.isFinite(timestamp)) return false;
  return isValidSlackRequest({ signingSecret, body: rawBody.toString(), headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp } });
}

/** The body's media type as sent (its parameters left out), or undefined when none was sent. */
function mediaTypeOf(req: IncomingMessage): string | undefined {
  const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  return type ? type.slice(0, 100) : undefined;
}

/** What Slack sends its requests as: a form (commands, clicks, forms) or JSON. */
const slacksMediaTypes = new Set(['application/x-www-form-urlencoded', 'application/json']);

function answer(res: ServerResponse, status: number): void {
  res.writeHead(status);
  res.end();
}

/**
 * A request carrying Slack's signature to a path the bot answers nothing at: the app's Request URL is wrong (a path
 * typed as another, /slack/commands, or none), and each command and click would fail with only Bolt's 404 to show for
 * it. The host is the one the request was sent to, through a proxy too.
 */
function warnOfWrongRequestUrl(req: IncomingMessage, logger: Logger): void {
  if (req.method !== 'POST' || req.headers['x-slack-signature'] === undefined || req.headers['x-slack-request-timestamp'] === undefined) return;
  const forwarded = req.headers['x-forwarded-host'];
  const host = (typeof forwarded === 'string' ? forwarded.split(',')[0]?.trim() : undefined) || req.headers.host || '<host>';
  const wrongPath = pathOf(req).slice(0, 200);
  logger.warn(
    { path: wrongPath },
    `a request signed as Slack signs them came to ${wrongPath}, where the bot answers none: set the app's Request URL (Slash Commands, and Interactivity & Shortcuts) to https://${host.slice(0, 200)}${eventsPaths[0]}`,
  );
}

/** Puts the check in front of the receiver's request listener; Bolt reads the body the check has already read. */
export function guardRequests(receiver: HTTPReceiver, options: GuardOptions): void {
  const bolt = receiver.requestListener;
  // Past this many the oldest go first: only requests signed with the secret are counted, so only Slack (or whoever
  // holds the secret) can fill it, and 100,000 is more than Slack sends any app in ten minutes.
  // A validly signed request with a signature seen before is the same request sent again (the signature is an HMAC of
  // its timestamp and body), a replay not acted on twice. The bot takes no Events API events, whose retries Slack signs
  // anew: no request of Slack's ever repeats one. Bolt refuses a request stamped five minutes ago; its signature is kept
  // a little longer, for a clock skewed the other way.
  const signatures = new SeenRecently(options.signaturesKept ?? 100_000, 2 * maxSkewSeconds * 1000);
  receiver.requestListener = (req, res) => {
    if (req.method !== 'POST' || !eventsPaths.includes(pathOf(req))) {
      warnOfWrongRequestUrl(req, options.logger);
      return bolt(req, res);
    }
    // Bolt refuses a timestamp from more than five minutes ago; one from more than five minutes ahead is refused here.
    const stamped = Number(req.headers['x-slack-request-timestamp']);
    if (Number.isFinite(stamped) && stamped > Date.now() / 1000 + maxSkewSeconds) {
      options.logger.warn({ stamped }, 'a request stamped more than five minutes ahead of this clock was refused (401)');
      req.resume();
      return answer(res, 401);
    }
    HTTPModuleFunctions.bufferIncomingMessage(req, HTTPModuleFunctions.defaultBodyLimit).then(
      (buffered) => {
        const parsed = parsedBody(buffered);
        const problem = parsed && requestShapeProblem(parsed.body);
        // Unsigned requests, and bodies that do not parse, get Bolt's own answers (401, 400).
        if (!signed(req, buffered.rawBody, options.signingSecret)) return bolt(req, res);
        if (!signatures.firstTime(String(req.headers['x-slack-signature']), Date.now())) {
          // Marked as a retry (a proxy's, say: the bot takes no Events API events, which Slack retries), it is said to be one.
          const retry = req.headers['x-slack-retry-num'];
          const what = retry === undefined ? 'a replay' : `a retry: X-Slack-Retry-Num ${String(retry).slice(0, 10)}`;
          options.logger.warn(`a signed request was sent again with the same signature (${what}): answered 200, not acted on`);
          answer(res, 200);
          options.onRefused(parsed ? senderOf(parsed.body) : '', `a signed request sent again, the same signature within five minutes (${what}): answered, not acted on`);
          return;
        }
        // A body that does not parse, sent as neither of Slack's types (a form sent as text/plain), is refused naming its
        // type: Bolt would read it as JSON, and say only that it is not valid JSON.
        const mediaType = mediaTypeOf(req);
        if (!parsed && !(mediaType && slacksMediaTypes.has(mediaType))) {
          const sentAs = mediaType ? `sent as ${mediaType}` : 'sent without a content type';
          options.logger.warn({ contentType: mediaType }, `a signed request ${sentAs} was refused (400)`);
          answer(res, 400);
          options.onRefused('unknown', `a signed request ${sentAs}, not as Slack sends one (a form, application/x-www-form-urlencoded, or JSON): answered 400`);
          return;
        }
        if (!problem) return bolt(req, res);
        options.logger.warn({ problem }, 'a signed request Slack would not send was refused (400)');
        answer(res, 400);
        options.onRefused(senderOf(parsed.body), `a signed request whose payload Slack would not send: ${problem} (answered 400)`);
      },
      (error: unknown) => {
        // As Bolt answers a body over its limit; any other failure to read it (the sender went away) is a bad request.
        const tooLarge = HTTPModuleFunctions.isRawBodyError(error) && (error.type === 'entity.too.large' || error.statusCode === 413);
        options.logger.warn({ err: error }, tooLarge ? 'a request body over the limit was refused (413)' : 'a request body could not be read');
        answer(res, tooLarge ? 413 : 400);
      },
    )
      // Whatever goes wrong past here is answered and logged, never left to end the process as an unhandled rejection.
      .catch((error: unknown) => {
        options.logger.error({ err: error }, 'a request to /slack/events failed before Bolt took it');
        if (!res.headersSent) answer(res, 500);
      });
  };
}
