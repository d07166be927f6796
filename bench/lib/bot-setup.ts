// What a bench bot needs around it: a databox checkout with stand-in tools, the loopback Slack stand-in, the environment.
import fs from 'node:fs';
import path from 'node:path';
import { Checkout, standinBin } from '../../test/helpers/databox-checkout.js';
import { signingSecret } from '../../test/helpers/signed-request.js';
import { SlackStandIn } from '../../test/helpers/slack-stand-in.js';

export const botToken = 'xoxb-1111-2222-benchbottokensecret';

export interface Stage {
  slack: SlackStandIn;
  checkout: Checkout;
  env: Record<string, string>;
  journal(): Record<string, any>[];
  close(): Promise<void>;
}

export async function openStage(extraEnv: Record<string, string> = {}): Promise<Stage> {
  const slack = new SlackStandIn();
  await slack.start();
  const checkout = new Checkout();
  const env = {
    SLACK_BOT_TOKEN: botToken,
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: slack.apiUrl,
    DATABOX_ROOT: checkout.root,
    DATABOX_STATE_DIR: checkout.stateDir,
    PATH: `${standinBin}:${process.env.PATH ?? ''}`,
    ...extraEnv,
  };
  return {
    slack,
    checkout,
    env,
    journal: () => {
      const file = path.join(checkout.stateDir, 'journal.jsonl');
      if (!fs.existsSync(file)) return [];
      return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, any>);
    },
    async close() {
      await slack.stop();
      checkout.remove();
    },
  };
}
