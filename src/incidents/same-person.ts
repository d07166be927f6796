// Whether two actors are one person to the two-person rule: a name typed at a terminal counts under any spelling of it.

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
