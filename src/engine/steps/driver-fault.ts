// A JavaScript fault (a TypeError in the bot or its database driver) told apart from an answer a database gave.
import { firstLine } from '../../excerpt.js';

/** Whether `error` is a fault of code on this side (the bot's, or a driver's), not an error a database answered with. */
export function isDriverFault(error: unknown): boolean {
  return error instanceof TypeError || error instanceof RangeError || error instanceof ReferenceError;
}

/** A fault said as one, so that nobody reads it as the database's answer: "Cannot read properties of undefined" is not. */
export function driverFaultSaid(error: Error, database: string): string {
  return `the bot failed inside (${error.name}: ${firstLine(error.message)}), a fault in the bot or its database driver to report, not an answer from ${database}`;
}
