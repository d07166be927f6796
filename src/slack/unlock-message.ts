// The messages of an unlock asked for in Slack: the request a second person approves, and what the unlock did.
import path from 'node:path';
import type { Run } from '../incidents/state.js';
import { leftRunningBy, nothingHeld } from '../incidents/unlock.js';
import { actionIds, section, type Rendered } from './blocks.js';
import { slackMention as mention } from './mentions.js';
import { escapeMrkdwn, escapeMrkdwnNames } from './mrkdwn.js';

/** With its date: a plan stuck since yesterday is the usual case. */
function utcDateTime(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

/** Who left the run holding its database, and since when. */
function leftBy(run: Run): string {
  if (run.status === 'approved') return `approved by ${mention(run.decidedBy)}${run.decidedAt ? ` at ${utcDateTime(run.decidedAt)}` : ''} and never started`;
  return `running${leftRunningBy(run)}${run.startedAt ? ` since ${utcDateTime(run.startedAt)}` : ''}`;
}

export function unlockRequestMessage(run: Run, requester: string): Rendered {
  const database = escapeMrkdwn(path.basename(run.lockKey));
  const text =
    `:unlock: ${mention(requester)} asks to unlock plan \`${run.id}\` (${escapeMrkdwnNames(run.title)}), left ${leftBy(run)}; it holds \`${database}\`.\n` +
    `Unlocking records the plan as interrupted so that \`${database}\` can be used again. What it left running is stopped only if it is provably the same process; ` +
    `if it is still at work in another container, stop it there first. Nothing changes until someone other than ${mention(requester)} approves.`;
  return {
    text: `${run.id}: unlock asked for, waiting for a second person`,
    blocks: [
      section(text),
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: actionIds.approveUnlock,
            style: 'danger',
            text: { type: 'plain_text', text: 'Approve unlock' },
            value: JSON.stringify({ run: run.id, requester, was: run.status }),
            confirm: {
              title: { type: 'plain_text', text: 'Unlock this plan?' },
              text: { type: 'plain_text', text: `${run.id} will be recorded as interrupted and ${path.basename(run.lockKey)} freed for other plans.`.slice(0, 300) },
              confirm: { type: 'plain_text', text: 'Unlock' },
              deny: { type: 'plain_text', text: 'Cancel' },
            },
          },
        ],
      },
    ],
  };
}

const sentence = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;

/** What the request reads once its button can do nothing more: the plan no longer holds its database. */
export function nothingToUnlockMessage(run: Run): Rendered {
  return { text: `${run.id}: nothing to unlock`, blocks: [section(`:unlock: ${escapeMrkdwn(sentence(nothingHeld(run)))} now, so there is nothing to unlock.`)] };
}

export function unlockedMessage(run: Run, requester: string, approver: string): Rendered {
  const stopped = run.stoppedAtUnlock?.length ? ` What it had left running was stopped: ${escapeMrkdwnNames(run.stoppedAtUnlock.join(', '))}.` : '';
  const text = `:unlock: Plan \`${run.id}\` unlocked: recorded as interrupted, asked by ${mention(requester)} and approved by ${mention(approver)}; \`${escapeMrkdwn(path.basename(run.lockKey))}\` is free for other plans (what the run changed stays as it left it).${stopped}`;
  return { text: `${run.id} unlocked`, blocks: [section(text)] };
}
