// Bolt's logger interface over our pino logger, so Bolt's own messages are redacted and JSON too.
import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../logger.js';
import { websocketErrorLine, type SocketModeTrouble } from './socket-mode-trouble.js';

/** Bolt answers a signed request whose body does not parse with a 400 and says so only in this warning. */
const malformedBody = /^Malformed request body/;
/** Bolt's only word on a request signed with another secret: most often, every request of Slack's, SLACK_SIGNING_SECRET wrong. */
const signatureMismatch = /Failed to verify authenticity: signature mismatch/;
/** How often the hint is logged: while the secret is wrong, every command and click fails alike. */
const hintEveryMs = 10 * 60_000;
const signingSecretHint =
  "a request to /slack/events was refused (401): its signature does not match SLACK_SIGNING_SECRET. If Slack's commands and clicks all fail so, " +
  "SLACK_SIGNING_SECRET is wrong: set it to the app's Basic Information → App Credentials → Signing Secret (not its client secret or verification token). Said at most every 10 minutes";

/** `trouble`, in Socket Mode: Bolt's bare WebSocket errors become one line saying why the connection fails. */
export function boltLogger(logger: Logger, onMalformedRequest?: (message: string) => void, trouble?: SocketModeTrouble): BoltLogger {
  const child = logger.child({ component: 'bolt' });
  const toText = (args: unknown[]) => args.map((arg) => (typeof arg === 'string' ? arg : arg instanceof Error ? arg.message : JSON.stringify(arg))).join(' ');
  let hintedAt: number | undefined;
  return {
    debug: (...args) => child.debug(toText(args)),
    info: (...args) => child.info(toText(args)),
    warn: (...args) => {
      const text = toText(args);
      child.warn(text);
      if (onMalformedRequest && malformedBody.test(text)) onMalformedRequest(text);
      if (signatureMismatch.test(text) && (hintedAt === undefined || Date.now() - hintedAt >= hintEveryMs)) {
        hintedAt = Date.now();
        logger.warn(signingSecretHint);
      }
    },
    error: (...args) => {
      const text = toText(args);
      if (!trouble || !websocketErrorLine.test(text)) {
        child.error(text);
        return;
      }
      // Kept for debugging; the operator is told once a minute, with the host and why.
      child.debug(text);
      trouble.failed(text);
    },
    setLevel: () => {},
    getLevel: () => (child.level as LogLevel) ?? LogLevel.INFO,
    setName: () => {},
  };
}
