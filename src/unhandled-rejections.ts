// Keeps the bot up when a promise fails with nothing to handle it: logged with its cause and a reference, as an internal error is.
import { newErrorReference } from './errors.js';
import type { Logger } from './logger.js';

/**
 * Node ends the process on an unhandled rejection. For an on-call bot that is the worse outcome: one lost message (a
 * reply link refused, say) would end every diagnosis and plan in flight and leave the channel without the bot until it
 * is restarted. Every known fire-and-forget promise ends in a handler that cannot fail; one that slips through is a bug,
 * logged at error with a reference to find it by, and the bot stays up. Thrown exceptions still end the process.
 */
export function logUnhandledRejections(logger: Logger, processToWatch: NodeJS.EventEmitter = process): void {
  processToWatch.on('unhandledRejection', (reason: unknown) => {
    logger.error({ err: reason, reference: newErrorReference() }, 'a promise failed with nothing to handle it (a bug): logged, and the bot stays up; the work it belonged to may not have finished or been said');
  });
}
