// Whether two actors are one person: a name typed at a terminal counts under any spelling of it, and to the two-person rule a Slack user's ID typed as one is that user.

const terminalPrefix = 'terminal:';

/** A terminal name as the person it names: without case and without an @host or @domain part (ALICE, alice@laptop: alice). */
function terminalPerson(actor: string): string {
  return actor.slice(terminalPrefix.length).toLowerCase().split('@')[0] as string;
}

/**
 * Terminal names are typed, not vouched for, so `terminal:ALICE` and `terminal:alice@laptop` are `terminal:alice`.
 * A Slack user ID is compared as it is, and is never the same person as a terminal name: the two kinds of identity
 * cannot be matched to each other.
 */
export function samePerson(a: string, b: string): boolean {
  if (a === b) return true;
  return a.startsWith(terminalPrefix) && b.startsWith(terminalPrefix) && terminalPerson(a) === terminalPerson(b);
}

/**
 * For the two-person rule, which refuses on any doubt: samePerson, and also a terminal name that is a Slack user's ID
 * (typed in any case) as that user, so the requester of a plan made in Slack cannot approve it at a terminal by typing
 * their own ID. Not for what a name grants (a requester withdrawing their own plan): a typed name vouches for nobody.
 */
export function couldBeSamePerson(a: string, b: string): boolean {
  if (samePerson(a, b)) return true;
  const [typed, other] = a.startsWith(terminalPrefix) ? [a, b] : [b, a];
  return typed.startsWith(terminalPrefix) && !other.startsWith(terminalPrefix) && terminalPerson(typed) === other.toLowerCase();
}
