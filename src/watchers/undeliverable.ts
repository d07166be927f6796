// A watcher's message that Slack refuses for good (its channel archived or gone, the bot out of it): asking again changes nothing.

/** Thrown by an alert sink for a refusal no retry mends: the service records the step as done, saying why it was not posted. */
export class UndeliverableError extends Error {
  override readonly name = 'UndeliverableError';
}
