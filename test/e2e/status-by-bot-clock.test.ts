// "/databox status" judges plans by the bot's own clock (the one that stamped them), not the host's: under a clock set
// months before the host's, a plan proposed a minute ago is still waiting for approval, not expired.
import { expect, it } from 'vitest';
import { startBot } from '../helpers/bot-harness.js';
import { writeGarbage } from '../helpers/databox-checkout.js';
import { blockNetwork } from '../helpers/no-network.js';
import { useStandIns } from '../helpers/stand-ins.js';

blockNetwork();
const stage = useStandIns();

it("lists a plan proposed a minute ago by the bot's clock as waiting, however far the host's clock is from it", async () => {
  let now = Date.parse('2026-04-21T09:00:00Z');
  const clock = () => new Date(now);
  writeGarbage(stage.checkout.databasePath);
  const quiet = { DATABOX_WATCH_INTERVAL: '1h', DATABOX_WATCH_DATABASE: 'false', DATABOX_WATCH_DISK: 'false', DATABOX_WATCH_MARTS: 'false' };
  const harness = (stage.harness = await startBot(stage.checkout, stage.slack, quiet, clock));
  const { slack } = stage;
  await harness.command('diagnose duckdb', 'U0ONCALL', 'C0INCIDENT');
  await harness.settle();
  await harness.click(slack.buttons('choose_path_a').at(-1)!, 'U0ONCALL');
  await harness.settle();
  expect(slack.buttons('approve_plan')).toHaveLength(1);
  now += 60_000;

  const text = String((await harness.command('status', 'U0ONCALL')).json?.text ?? '');
  expect(text).toMatch(/; now: a plan waiting for approval \(dbx-\d{8}-[0-9a-f]{4}\/\d+\)$/m);
});
