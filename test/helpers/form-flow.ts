// A person clicking a path button under a verdict and sending its form as it opened, prefilled from the diagnosis.
import type { Harness } from './bot-harness.js';
import { prefilledValues, type SlackStandIn } from './slack-stand-in.js';

export async function acceptPathForm(harness: Harness, slack: SlackStandIn, path: string, user: string): Promise<{ prefilled: Record<string, string | null>; submitted: { status: number; json?: any } }> {
  await harness.click(slack.buttons(`choose_path_${path}`)[0]!, user);
  await harness.settle();
  const form = slack.lastForm();
  const prefilled = prefilledValues(form);
  const submitted = await harness.submitModal(user, form, prefilled);
  await harness.settle();
  return { prefilled, submitted };
}
