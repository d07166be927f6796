// The Slack front end's own references, kept by the engine without reading them: an incident's thread, a plan's message.
import type { FrontEndOrigin, FrontEndRef, Incident, Run } from '../incidents/state.js';

/** The name Slack's references are kept under in the journal and in incidents and runs. */
export const slackFrontEnd = 'slack';

/** A Slack message: the channel it is in and its time stamp. */
export interface SlackMessage {
  channel: string;
  ts: string;
}

function asMessage(ref: FrontEndRef | undefined): SlackMessage | undefined {
  return ref && typeof ref.channel === 'string' && typeof ref.ts === 'string' ? { channel: ref.channel, ts: ref.ts } : undefined;
}

export function toRef(message: SlackMessage): FrontEndRef {
  return { channel: message.channel, ts: message.ts };
}

/** The incident's root message in Slack, under which everything about it goes. */
export function incidentThread(incident: Incident): SlackMessage | undefined {
  return asMessage(incident.refs[slackFrontEnd]);
}

/** The message that shows a run (a plan with its buttons). */
export function runMessage(run: Run): SlackMessage | undefined {
  return asMessage(run.refs[slackFrontEnd]);
}

/** Where a run's offer is (a diagnosis' verdict, a recovery's rollback offer), as journaled when it was posted. */
export function offerMessage(run: Run): SlackMessage | undefined {
  return asMessage(run.offerRefs?.[slackFrontEnd]);
}

/** The diagnosis whose verdict is the message at `ts`, as journaled when it was posted (run.offer-ref). */
export function verdictShownAt(incident: Incident, ts: string | undefined): Run | undefined {
  return ts === undefined ? undefined : incident.runs.find((run) => run.kind === 'diagnosis' && offerMessage(run)?.ts === ts);
}

/** The channel an incident was opened from in Slack, where its root message goes. */
export function openedInChannel(incident: Incident): string | undefined {
  return incident.openedFrom?.frontEnd === slackFrontEnd ? incident.openedFrom.ref.channel : undefined;
}

/** A command typed in a Slack channel: the incident it opens gets its root message there. */
export function fromChannel(channel: string): FrontEndOrigin {
  return { frontEnd: slackFrontEnd, ref: { channel } };
}

/** Where to follow an incident, as mrkdwn: a link to its thread when the workspace's address is known. */
export function followItIn(incident: Incident, messageLink: (channel: string, ts: string) => string | undefined): string {
  const thread = incidentThread(incident);
  const link = thread ? messageLink(thread.channel, thread.ts) : undefined;
  return link ? `<${link}|follow it in its thread>` : thread ? `follow it in its thread in <#${thread.channel}>` : 'follow it with `/databox status`';
}
