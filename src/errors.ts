// The two kinds of error: a UserError is shown to the operator as is; anything else is logged and summarised.
import { randomBytes } from 'node:crypto';
import { renderSaid, type Said } from './said.js';

export class UserError extends Error {
  override readonly name = 'UserError';
  /** The message with the people it names as data, for a front end to render (Slack mentions them). */
  readonly said: Said;
  /** The message as Slack shows it: the same, unless it names what only the bot's host should show (its paths). */
  readonly slackSaid: Said;
  constructor(message: string | Said, readonly usage?: string, inSlack?: string) {
    super(typeof message === 'string' ? message : renderSaid(message));
    this.said = typeof message === 'string' ? [message] : message;
    this.slackSaid = inSlack === undefined ? this.said : [inSlack];
  }
}

/**
 * An incident given up as it opened: its first message could not be shown (`cause`, the front end's error), so
 * nothing of it ran, and it is on the record as abandoned.
 */
export class IncidentAbandoned extends UserError {
  constructor(
    readonly incidentId: string,
    override readonly cause: unknown,
    readonly reason: string,
  ) {
    super(`incident ${incidentId} could not be shown (${reason}); nothing of it ran, and it is on the record as abandoned`);
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
