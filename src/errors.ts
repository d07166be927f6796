// The two kinds of error: a UserError is shown to the operator as is; anything else is logged and summarised.
import { randomBytes } from 'node:crypto';
import { renderSaid, type Said } from './said.js';

export class UserError extends Error {
  override readonly name = 'UserError';
  /** The message with the people it names as data, for a front end to render (Slack mentions them). */
  readonly said: Said;
  constructor(message: string | Said, readonly usage?: string) {
    super(typeof message === 'string' ? message : renderSaid(message));
    this.said = typeof message === 'string' ? [message] : message;
  }
}

/** A run that was under way and was stopped (the bot stopping, Ctrl-C): said as is, but not a refusal of the command. */
export class StoppedError extends UserError {}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}

/** A short reference an operator can quote to find the logged cause of an internal error. */
export function newErrorReference(): string {
  return `ERR-${randomBytes(4).toString('hex')}`;
}
