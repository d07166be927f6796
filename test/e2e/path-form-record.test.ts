// A path's form as the record keeps it: each submission as the form it was, and one sent again while its plan waits as proposing nothing.
import { describe, expect, it } from 'vitest';
import { writePostmortem } from '../../src/postmortem/write-postmortem.js';
import { loadRunbooks } from '../../src/runbook/load.js';
import { bundledRunbooksDir } from '../../src/config.js';
import { createHealthyDatabase, writeGarbage } from '../helpers/databox-checkout.js';
import { startBot } from '../helpers/bot-harness.js';
import { journalRecordsOf, useStandIns } from '../helpers/stand-ins.js';
import { blockNetwork } from '../helpers/no-network.js';

const operator = 'U0OPERATOR';

blockNetwork();
const stage = useStandIns();

describe("a path's form in the postmortem", () => {
  it('says which form was sent with what, and a second sending while its plan waits proposed nothing', async () => {
    const { slack, checkout } = stage;
    writeGarbage(checkout.databasePath);
    const harness = (stage.harness = await startBot(checkout, slack));
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    await harness.click(slack.buttons('choose_path_b')[0]!, operator);
    await harness.settle();
    const form = slack.lastForm();
    const backup = checkout.path('good backup.duckdb');
    await createHealthyDatabase(backup, 1_000);
    for (const value of ['', '   ', `"${backup}"`, backup, backup, backup]) {
      await harness.submitModal(operator, form, { backup: value });
      await harness.settle();
    }
    expect(slack.buttons('approve_plan')).toHaveLength(1);
    const incident = journalRecordsOf(checkout).find((r) => r.type === 'incident.opened')?.incident as string;
    const plan = `${incident}/2`;
    const { markdown } = writePostmortem({ stateDir: checkout.stateDir, incidentId: incident, runbooks: loadRunbooks(bundledRunbooksDir), root: checkout.root });
    const lines = markdown.split('\n').filter((line) => line.includes('U0OPERATOR') && line.includes('form'));
    expect(lines.map((line) => line.replace(/^- `[\d:]+` /, ''))).toEqual([
      expect.stringMatching(/^\*\*U0OPERATOR\*\* sent the path B form \(backup left empty\) in Slack: refused: missing backup=/),
      expect.stringMatching(/^\*\*U0OPERATOR\*\* sent the path B form \(backup of only blank space, 3 characters\) in Slack: refused: missing backup=/),
      expect.stringMatching(new RegExp(`^\\*\\*U0OPERATOR\\*\\* sent the path B form \\(backup \`"${backup}"\`\\) in Slack: refused: backup: remove the quotes`)),
      `**U0OPERATOR** sent the path B form (backup \`${backup}\`) in Slack`,
      `**U0OPERATOR** sent the path B form (backup \`${backup}\`) in Slack: refused: the same plan already waits for approval (${plan}); nothing new was proposed`,
      `**U0OPERATOR** sent the path B form (backup \`${backup}\`) in Slack: refused: the same plan already waits for approval (${plan}); nothing new was proposed`,
    ]);
    expect(markdown).not.toContain('modal: ');
  }, 120_000);
});
