// Bolt's logger interface over our pino logger, so Bolt's own messages are redacted and JSON too.
import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../logger.js';

export function boltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: 'bolt' });
  const toText = (args: unknown[]) => args.map((arg) => (typeof arg === 'string' ? arg : arg instanceof Error ? arg.message : JSON.stringify(arg))).join(' ');
  return {
    debug: (...args) => child.debug(toText(args)),
    info: (...args) => child.info(toText(args)),
    warn: (...args) => child.warn(toText(args)),
    error: (...args) => child.error(toText(args)),
    setLevel: () => {},
    getLevel: () => (child.level as LogLevel) ?? LogLevel.INFO,
    setName: () => {},
  };
}
