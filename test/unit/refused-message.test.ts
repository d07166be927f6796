// Tests asPlainMessage (src/slack/refused-message.ts): a message Slack refused, in plain words, with what its buttons did as commands.
import { describe, expect, it } from 'vitest';
import { asPlainMessage } from '../../src/slack/refused-message.js';
import { rollbackOfferMessage, section } from '../../src/slack/blocks.js';

describe('a message Slack refused, in plain words', () => {
  it("gives a rollback offer's button as the terminal command that proposes it, with the recovery's run id", () => {
    const plain = asPlainMessage(rollbackOfferMessage({ id: 'dbx-20261203-0a0a/2' } as never), 'invalid_blocks');
    expect(plain.text).toContain(
      'Its buttons (Roll back…) could not be shown: a terminal proposes the rollback, `npm run --silent cli -- rollback dbx-20261203-0a0a/2 --approver &lt;your name&gt;`.',
    );
    expect(plain.text).toContain('If this recovery made things worse');
    expect(plain.blocks).toHaveLength(1);
  });

  it('closes a code block the cut to fit left open, and stays within a section', () => {
    const plain = asPlainMessage({ text: 'Plan', blocks: [section(`Steps:\n\`\`\`${'x'.repeat(2_900)}\`\`\``), section('more')] }, 'msg_too_long');
    expect(plain.text.length).toBeLessThanOrEqual(3_000);
    expect((plain.text.match(/```/g) ?? []).length % 2).toBe(0);
    expect(plain.text).toMatch(/^:warning: Slack refused this message as the bot made it \(msg_too_long\)/);
  });
});
