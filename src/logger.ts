// The pino logger, with secrets redacted by path and by value.
import pino, { type DestinationStream, type Logger } from 'pino';
import { redactDeep, type Redactor } from './redact.js';

export type { Logger };

export function createLogger(level: string, redact: Redactor, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: {
        paths: ['*.token', '*.botToken', '*.appToken', '*.signingSecret', '*.secrets', 'headers.authorization', '*.headers.authorization'],
        censor: '[REDACTED]',
      },
      hooks: {
        // Values are redacted too, so a secret echoed by a failing command never reaches the log.
        logMethod(args, method) {
          method.apply(this, args.map((arg) => (typeof arg === 'string' ? redact(arg) : arg)) as Parameters<typeof method>);
        },
      },
      formatters: {
        // String values are redacted one by one: redacting the serialised JSON could cut into numbers or break escaping.
        log: (object) => redactDeep(JSON.parse(JSON.stringify(object, errorReplacer)) as Record<string, unknown>, redact),
      },
    },
    destination,
  );
}

/**
 * Writes out what the logger holds, before returning. Its stdout stream writes asynchronously, as the event loop turns:
 * a line logged in the middle of long synchronous work (the journal's read at start) would otherwise come out only
 * after that work, all at once. A logger without such a stream (a test's) is left as it is.
 */
export function flushLogNow(logger: object): void {
  const stream = (logger as Record<symbol, unknown>)[pino.symbols.streamSym] as { flushSync?: () => void } | undefined;
  try {
    stream?.flushSync?.();
  } catch {
    // Not open yet, or closed: its lines are written when it can, as any other.
  }
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    return { type: value.name, message: value.message, stack: value.stack, cause: value.cause };
  }
  return typeof value === 'bigint' ? value.toString() : value;
}
