// An incident worked on before it had a Slack thread (at a terminal, say): what ran in it, one line a run in the
// journal's order with its outcome and its rollback's standing, posted as one message when the thread opens.
import type { KnownBlock } from '@slack/types';
import { utcTime } from '../incidents/approval-policy.js';
import { endedWords, runLabel } from '../incidents/run-label.js';
import type { Incident, Run } from '../incidents/state.js';
import { plural } from '../plural.js';
import { context, section } from './blocks.js';
import { slackMention } from './mentions.js';
import { escapeMrkdwn } from './mrkdwn.js';

export interface Rendered {
  text: string;
  blocks: KnownBlock[];
}

/**
 * `rollbackGone` says why a recovery's rollback would be refused now (IncidentService.rollbackOfferGone): said on its
 * line, as the offers that follow are only those a click takes. Undefined when nothing in the incident has run yet.
 */
export function doneBeforeThreadMessage(incident: Incident, rollbackGone: (recovery: Run) => string | undefined): Rendered | undefined {
  const ran = incident.runs.filter((run) => run.startedAt !== undefined);
  if (ran.length === 0) return undefined;
  const lines = ran.map((run) => `• ${runLine(run)}${rollbackSaid(run, rollbackGone)}`);
  return {
    text: `Before this thread, ${plural(ran.length, 'run', 'runs')} in this incident`,
    blocks: [
      section(`:clipboard: *Before this thread* (Slack was not following this incident), in order:\n${lines.join('\n')}`),
      context('Anything still waiting for approval, and each rollback that can still be asked for, follows below.'),
    ],
  };
}

function runLine(run: Run): string {
  // A diagnosis' or validation's title starts with its kind already; a recovery's is its path's.
  const label = runLabel(run);
  const name = run.title.startsWith(label) ? run.title : `${label} ${run.title}`;
  const when = run.finishedAt ? ` at ${utcTime(run.finishedAt)}` : '';
  const outcome = run.status === 'running' ? 'still running' : endedWords(run);
  const verdict = run.verdict ? `, verdict: ${escapeMrkdwn(run.verdict.title)}` : '';
  const approved = run.decidedBy ? `, approved by ${slackMention(run.decidedBy)}` : '';
  return `\`${escapeMrkdwn(run.id)}\` ${escapeMrkdwn(name)}: *${outcome}*${when}${verdict} (asked for by ${slackMention(run.requestedBy)}${approved})`;
}

function rollbackSaid(run: Run, rollbackGone: (recovery: Run) => string | undefined): string {
  if (!run.rollbackOffered) return '';
  const gone = rollbackGone(run);
  return gone ? `; rollback not offered: ${escapeMrkdwn(gone)}` : '; its rollback is offered below';
}
