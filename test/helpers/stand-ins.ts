// The per-test pair every end-to-end test needs (a Slack stand-in on loopback and a fresh databox checkout), and its journal read back.
import fs from 'node:fs';
import { afterEach, beforeEach } from 'vitest';
import type { Harness } from './bot-harness.js';
import { withStandinPath } from './bot-harness.js';
import { Checkout } from './databox-checkout.js';
import { SlackStandIn } from './slack-stand-in.js';

export async function openStandIns(): Promise<{ slack: SlackStandIn; checkout: Checkout }> {
  withStandinPath();
  const slack = new SlackStandIn();
  await slack.start();
  return { slack, checkout: new Checkout() };
}

/** Stops the bot (if the test started one), the stand-in, and removes the checkout. */
export async function closeStandIns(harness: Harness | undefined, slack: SlackStandIn, checkout: Checkout): Promise<void> {
  await harness?.stop();
  await slack.stop();
  checkout.remove();
}

/** Every record of the checkout's journal, parsed, in order. */
export function journalRecordsOf(checkout: Checkout): Record<string, any>[] {
  return fs.readFileSync(`${checkout.stateDir}/journal.jsonl`, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

/** The verdict message the bot posted, its text and blocks together, for searching. */
export function verdictTextOf(slack: SlackStandIn): string {
  const verdict = slack.callsTo('chat.postMessage').find((a) => String(a.text).startsWith('Verdict:'));
  if (!verdict) throw new Error('no verdict message was posted');
  return `${verdict.text}\n${verdict.blocks}`;
}

/** Clicks a path's button on the verdict and submits the modal it opens with `values`: the plan is then posted. */
export async function choosePathWith(harness: Harness, slack: SlackStandIn, actionId: string, user: string, values: Record<string, string>): Promise<void> {
  await harness.click(slack.buttons(actionId)[0]!, user);
  await harness.settle();
  const modal = slack.lastForm();
  await harness.submitModal(user, modal, values);
  await harness.settle();
}

/** What a test file's tests share: the stand-ins made fresh before each test, and the bot a test starts, if any. */
export interface Stage {
  slack: SlackStandIn;
  checkout: Checkout;
  harness?: Harness;
}

/** Makes fresh stand-ins before each test and closes them (and the bot the test set on the stage) after it. */
export function useStandIns(): Stage {
  const stage = {} as Stage;
  beforeEach(async () => {
    Object.assign(stage, await openStandIns(), { harness: undefined });
  });
  afterEach(() => closeStandIns(stage.harness, stage.slack, stage.checkout));
  return stage;
}
