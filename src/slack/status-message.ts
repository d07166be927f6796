// "/databox status" in Slack: the engine's status report as mrkdwn, people shown as mentions.
import path from 'node:path';
import { utcMinuteFrom } from '../timestamps.js';
import { goneRunnerHint, incidentOutcome, leftOutText, leftPartWayLine, noLongerApprovable, type StatusReport } from '../incidents/status.js';
import { approveAtTerminal, cli } from '../commands/terminal-commands.js';
import type { Run } from '../incidents/state.js';
import { slackMention } from './mentions.js';
import { slackFrontEnd } from './slack-refs.js';
import { escapeMrkdwn, escapeMrkdwnNames } from './mrkdwn.js';
import { postmortemToRead, type ThreadBehind } from './threads-behind.js';

/**
 * The most incidents the status lists. Slack cuts a message past about 40,000 characters, which 300 unfinished
 * incidents would reach, losing what follows (the Watchers and Slack sections); those past it are all unfinished (they
 * come first), counted instead, and the terminal's status lists them all.
 */
const shownIncidents = 20;

/** `threadBehind`: whether Slack has not taken all of an incident's thread messages, which the thread then lacks. */
export function statusText(report: StatusReport, threadBehind: ThreadBehind = () => false): string {
  const { holding, waiting, unsettled, recent } = report;
  const notApprovable = noLongerApprovable(report);
  const readFirst = (incidentId: string) => (threadBehind(incidentId) ? postmortemToRead(incidentId) : 'read its thread');
  return [
    ...unsettled.map((u) => `:warning: *Left part-way:* ${escapeMrkdwn(leftPartWayLine(u, readFirst(u.run.incidentId), path.basename(u.run.lockKey)))}.`),
    holding.length > 0
      ? `*Running:* ${holding
          .map((r) => {
            const gone = goneRunnerHint(r, `/databox unlock ${r.id}`);
            return `\`${r.id}\` ${escapeMrkdwnNames(r.title)} (${r.status}, requested by ${slackMention(r.requestedBy)}${r.decidedBy ? `, approved by ${slackMention(r.decidedBy)}` : ''}${gone ? `; ${gone}` : ''})`;
          })
          .join('; ')}`
      : '*Running:* nothing; no database is held by a plan.',
    waiting.length > 0
      ? `*Waiting for approval:* ${waiting.map((r) => `\`${r.id}\` ${escapeMrkdwnNames(r.title)}, expires ${utcMinuteFrom(r.expiresAt ?? '', r.proposedAt)}${neverShown(r)}`).join('; ')}`
      : '*Waiting for approval:* nothing.',
    ...(notApprovable.length > 0 ? [`*No longer approvable:* ${notApprovable.map((o) => `\`${o.run.id}\` ${escapeMrkdwnNames(o.run.title)}: ${escapeMrkdwn(o.reason)}`).join('; ')}`] : []),
    recent.length > 0
      ? `*Latest incidents* (unfinished ones first, however old):\n${recent.slice(0, shownIncidents).map((i) => `• \`${i.id}\` ${escapeMrkdwnNames(i.title)}, opened ${i.openedAt.slice(0, 16).replace('T', ' ')} UTC by ${slackMention(i.openedBy)}${incidentOutcome(i, escapeMrkdwn, report)}`).join('\n')}`
      : '*Latest incidents:* none yet.',
    ...(recent.length > shownIncidents ? [`_…and ${recent.length - shownIncidents} more unfinished incidents, not listed here: \`${cli} status\` at the bot's host lists them all._`] : []),
    ...(report.leftOut > 0 ? [`_${escapeMrkdwn(leftOutText(report.leftOut, '/databox postmortem <incident-id>'))}_`] : []),
  ].join('\n');
}

/** A waiting plan Slack never showed: nobody can click it, so how a terminal approves it is said beside it. */
function neverShown(run: Run): string {
  if (run.notShown?.frontEnd !== slackFrontEnd) return '';
  return `, *never shown in Slack* (${escapeMrkdwn(run.notShown.reason)}): a terminal approves it, \`${approveAtTerminal(run)}\``;
}
