// A plan requested at one front end and approved at the other: the two-person rule cannot be checked across them.

/** The front end an actor acted at: a terminal's typed name, or a Slack user. */
function frontEndOf(actor: string): 'terminal' | 'Slack' {
  return actor.startsWith('terminal:') ? 'terminal' : 'Slack';
}

const at = { terminal: 'at a terminal', Slack: 'in Slack' } as const;

/**
 * What an approval's journal line says when the plan needed a teammate and its requester and approver were at
 * different front ends: a typed name and a Slack user are never the same person to the rule (same-person.ts), yet may
 * be one person. Undefined when the rule could be checked, or was not in force.
 */
export function frontEndsCrossed(run: { requestedBy: string; needsTeammate: boolean }, approver: string, allowSelfApproval: boolean): string | undefined {
  if (!run.needsTeammate || allowSelfApproval) return undefined;
  const requested = frontEndOf(run.requestedBy);
  const approved = frontEndOf(approver);
  if (requested === approved) return undefined;
  return `requested ${at[requested]}, approved ${at[approved]}: the bot cannot tell whether they are the same person`;
}
