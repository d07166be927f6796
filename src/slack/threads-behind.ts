// Whether an incident's Slack thread is behind (messages queued, or refused in its channel), and what to read meanwhile:
// "read its thread" would send an operator to a thread that lacks the failure.
import { cli } from '../commands/terminal-commands.js';
import type { IncidentState } from '../incidents/state.js';
import type { LastingTrouble } from './lasting-trouble.js';
import type { SlackOutbox } from './outbox.js';
import { incidentThread } from './slack-refs.js';

/**
 * Whether Slack has not taken all of an incident's thread messages: some wait in the outbox while Slack fails to take
 * thread messages (a message merely on its way, Slack answering, is no thread behind), or its channel refuses them.
 */
export type ThreadBehind = (incidentId: string) => boolean;

export function threadsBehind(
  outbox: Pick<SlackOutbox, 'messagesWaitFor' | 'backlog'>,
  lasting: Pick<LastingTrouble, 'refusesMessagesIn'>,
  state: Pick<IncidentState, 'incidents'>,
): ThreadBehind {
  return (incidentId) => {
    if (outbox.messagesWaitFor(incidentId) && outbox.backlog().failingSince !== undefined) return true;
    const incident = state.incidents.get(incidentId);
    const thread = incident && incidentThread(incident);
    return thread !== undefined && lasting.refusesMessagesIn(thread.channel);
  };
}

/** What to read first of an incident whose thread is behind: its postmortem, built from the journal, at a terminal. */
export function postmortemToRead(incidentId: string): string {
  return `read \`${cli} postmortem ${incidentId}\` (Slack has not taken all of its thread's messages)`;
}
