// Whether an incident's Slack thread is behind (one of its messages failing, or refused for good), and what to read
// meanwhile: "read its thread" would send an operator to a thread that lacks the failure.
import { cli } from '../commands/terminal-commands.js';
import type { IncidentState } from '../incidents/state.js';
import type { LastingTrouble } from './lasting-trouble.js';
import type { SlackOutbox } from './outbox.js';
import { incidentThread } from './slack-refs.js';

/**
 * Whether Slack has not taken all of an incident's thread messages, judged by that thread alone: one of its messages (or
 * an update of one) Slack fails to take as the outbox retries it, or one Slack refused for good (kept to show again, as
 * the journal says after a restart too, or refused in its channel). Another incident's failing messages, or this one's
 * merely queued, are no thread behind.
 */
export type ThreadBehind = (incidentId: string) => boolean;

export function threadsBehind(
  outbox: Pick<SlackOutbox, 'threadBehind'>,
  lasting: Pick<LastingTrouble, 'refusedMessagesOf'>,
  state: Pick<IncidentState, 'incidents'>,
): ThreadBehind {
  return (incidentId) => {
    if (outbox.threadBehind(incidentId)) return true;
    const incident = state.incidents.get(incidentId);
    if ((incident?.undelivered ?? []).length > 0) return true;
    const thread = incident && incidentThread(incident);
    return thread !== undefined && lasting.refusedMessagesOf(incidentId, thread.channel);
  };
}

/** What to read first of an incident whose thread is behind: its postmortem, built from the journal, at a terminal. */
export function postmortemToRead(incidentId: string): string {
  return `read \`${cli} postmortem ${incidentId}\` (Slack has not taken all of its thread's messages)`;
}
