// The two kinds of error: a UserError is shown to the operator as is; anything else is logged and summarised.
import { randomBytes } from 'node:crypto';

export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(message: string, readonly usage?: string) {
    super(message);
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}

/** A short reference an operator can quote to find the logged cause of an internal error. */
export function newErrorReference(): string {
  return `ERR-${randomBytes(4).toString('hex')}`;
}
