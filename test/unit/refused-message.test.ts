// Tests asPlainMessage (src/slack/refused-message.ts): a message Slack refused, in plain words, with what its buttons did as commands.
import { describe, expect, it } from 'vitest';
import { asPlainMessage } from '../../src/slack/refused-message.js';
import { actionIds, rollbackOfferMessage, section } from '../../src/slack/blocks.js';
import { cliArgsOfPasted } from '../helpers/paste-into-shell.js';

/** The terminal commands a plain message names, as written between backticks. */
const commandsIn = (text: string) => [...text.matchAll(/`(npm run --silent cli -- [^`]+)`/g)].map((match) => match[1] as string);

describe('a message Slack refused, in plain words', () => {
  it("gives a rollback offer's button as the terminal command that proposes it, with the recovery's run id", async () => {
    const plain = asPlainMessage(rollbackOfferMessage({ id: 'dbx-20261203-0a0a/2', title: 'Path A: Rebuild from raw dlt state', steps: [], results: [] } as never), 'invalid_blocks');
    expect(plain.text).toContain(
      'Its buttons (Roll back…) could not be shown: a terminal proposes the rollback, `npm run --silent cli -- rollback dbx-20261203-0a0a/2`.',
    );
    expect(plain.text).toContain('If this recovery (`dbx-20261203-0a0a/2`, Path A: Rebuild from raw dlt state) made things worse');
    expect(plain.blocks).toHaveLength(1);
    expect(await Promise.all(commandsIn(plain.text).map((command) => cliArgsOfPasted(command, 'bob')))).toEqual([['rollback', 'dbx-20261203-0a0a/2']]);
  });

  it("gives a plan's buttons as commands a shell reads as they are, the approval in the name of whoever pastes it", async () => {
    const value = JSON.stringify({ run: 'dbx-20261203-0a0a/3', hash: 'ab'.repeat(32) });
    const approve = { type: 'button' as const, action_id: actionIds.approve, text: { type: 'plain_text' as const, text: 'Approve' }, value };
    const plain = asPlainMessage({ text: 'Plan', blocks: [section('Plan dbx-20261203-0a0a/3'), { type: 'actions', elements: [approve] }] }, 'msg_too_long');
    expect(await Promise.all(commandsIn(plain.text).map((command) => cliArgsOfPasted(command, 'bob')))).toEqual([
      ['approve', 'dbx-20261203-0a0a/3', 'abababab', '--approver', 'bob'],
      ['reject', 'dbx-20261203-0a0a/3', 'abababab'],
    ]);
  });

  it('closes a code block the cut to fit left open, and stays within a section', () => {
    const plain = asPlainMessage({ text: 'Plan', blocks: [section(`Steps:\n\`\`\`${'x'.repeat(2_900)}\`\`\``), section('more')] }, 'msg_too_long');
    expect(plain.text.length).toBeLessThanOrEqual(3_000);
    expect((plain.text.match(/```/g) ?? []).length % 2).toBe(0);
    expect(plain.text).toMatch(/^:warning: Slack refused this message as the bot made it \(msg_too_long\)/);
  });
});
