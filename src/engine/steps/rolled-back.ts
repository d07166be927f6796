// Whether a statement that failed inside its own transaction is known to have changed nothing, and how that is said.
import { driverFaultSaid, isDriverFault } from './driver-fault.js';
import { firstLine } from '../../excerpt.js';

/** Errors after which nobody can tell whether a statement sent was applied: the connection went while it ran. */
export const connectionLost = /connection (to \S+ )?(was )?(lost|closed|reset)|lost connection|broken pipe|ECONNRESET|EPIPE|socket hang up|network error/i;

/**
 * inTransaction's `rolledBack`: a statement that failed in its transaction, rolled back, changed nothing; a connection
 * lost mid-statement is no such proof: MotherDuck may have applied it before the answer was lost, and the ROLLBACK that
 * answered may be a new connection's.
 */
export const rolledBackWords = (error: Error): string | undefined =>
  connectionLost.test(error.message) ? undefined : `${isDriverFault(error) ? driverFaultSaid(error, 'the database') : firstLine(error.message)}: the statement ran in a transaction, rolled back, so nothing was changed`;
