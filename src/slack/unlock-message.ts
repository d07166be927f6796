// The messages of an unlock asked for in Slack: the request a second person approves, and what the unlock did.
import path from 'node:path';
import type { Run } from '../incidents/state.js';
import { describeIdentity } from '../process/identity.js';
import { actionIds, section, type Rendered } from './blocks.js';
import { slackMention as mention } from './mentions.js';
import { escapeMrkdwn } from './mrkdwn.js';

/** Who left the run holding its database, and how long ago it started or was approved. */
function leftBy(run: Run): string {
  if (run.status === 'approved') return `approved by ${mention(run.decidedBy ?? 'unknown')}${run.decidedAt ? ` at ${run.decidedAt.slice(0, 16).replace('T', ' ')} UTC` : ''} and never started`;
  const by = run.runner ? ` by ${describeIdentity(run.runner)}` : run.pid ? ` by PID ${run.pid}` : '';
  return `running${by}${run.startedAt ? ` since ${run.startedAt.slice(0, 16).replace('T', ' ')} UTC` : ''}`;
}

export function unlockRequestMessage(run: Run, requester: string): Rendered {
  const database = escapeMrkdwn(path.basename(run.lockKey));
  const text =
    `:unlock: ${mention(requester)} asks to unlock plan \`${run.id}\` (${escapeMrkdwn(run.title)}), left ${leftBy(run)}; it holds \`${database}\`.\n` +
    `Unlocking records the plan as interrupted so that \`${database}\` can be used again. What it left running is stopped only if it is provably the same process; ` +
    `if it is still at work in another container, stop it there first. Nothing changes until someone other than ${mention(requester)} approves.`;
  return {
    text: `${run.id}: unlock asked for by ${requester}, waiting for a second person`,
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
            value: JSON.stringify({ run: run.id, requester }),
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

export function unlockedMessage(run: Run, requester: string, approver: string): Rendered {
  const text = `:unlock: Plan \`${run.id}\` unlocked: recorded as interrupted, asked by ${mention(requester)} and approved by ${mention(approver)}; \`${escapeMrkdwn(path.basename(run.lockKey))}\` can be used again.`;
  return { text: `${run.id} unlocked by ${approver}`, blocks: [section(text)] };
}
