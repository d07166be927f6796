// Bolt's logger interface over our pino logger, so Bolt's own messages are redacted and JSON too.
import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../logger.js';

/** Bolt answers a signed request whose body does not parse with a 400 and says so only in this warning. */
const malformedBody = /^Malformed request body/;

export function boltLogger(logger: Logger, onMalformedRequest?: (message: string) => void): BoltLogger {
  const child = logger.child({ component: 'bolt' });
  const toText = (args: unknown[]) => args.map((arg) => (typeof arg === 'string' ? arg : arg instanceof Error ? arg.message : JSON.stringify(arg))).join(' ');
  return {
    debug: (...args) => child.debug(toText(args)),
    info: (...args) => child.info(toText(args)),
    warn: (...args) => {
      const text = toText(args);
      child.warn(text);
      if (onMalformedRequest && malformedBody.test(text)) onMalformedRequest(text);
    },
    error: (...args) => child.error(toText(args)),
    setLevel: () => {},
    getLevel: () => (child.level as LogLevel) ?? LogLevel.INFO,
    setName: () => {},
  };
}
