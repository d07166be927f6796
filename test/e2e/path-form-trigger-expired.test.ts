// A path's form Slack would not open because the click's trigger expired: click again first, the typed command after.
import { describe, expect, it } from 'vitest';
import { writeGarbage } from '../helpers/databox-checkout.js';
import { startBot } from '../helpers/bot-harness.js';
import { useStandIns } from '../helpers/stand-ins.js';
import { blockNetwork } from '../helpers/no-network.js';

const operator = 'U0OPERATOR';

blockNetwork();
const stage = useStandIns();

describe("a path's form whose trigger expired before Slack opened it", () => {
  it('says to click the button again first, then the typed command, and the second click opens it', async () => {
    const { slack, checkout } = stage;
    writeGarbage(checkout.databasePath);
    const harness = (stage.harness = await startBot(checkout, slack));
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    slack.failures.set('views.open', 'expired_trigger_id');
    await harness.click(slack.buttons('choose_path_b')[0]!, operator);
    await harness.settle();
    const told = [...slack.ephemerals(operator), ...slack.responses.map((r) => String(r.body.text))].join('\n');
    expect(told).toMatch(
      /Slack's 3-second window to open this path's form passed before it opened \(expired_trigger_id\), so nothing was run: click the button again\. If it keeps happening, type the path's command from the verdict's "Or type" line instead \(it names incident=dbx-\d{8}-[0-9a-f]{4}\)/,
    );
    slack.failures.delete('views.open');
    await harness.click(slack.buttons('choose_path_b')[0]!, operator);
    await harness.settle();
    expect(slack.lastForm()).toBeDefined();
  }, 120_000);
});
