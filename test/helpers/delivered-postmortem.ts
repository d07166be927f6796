// An incident's postmortem built, written and uploaded in one go, as the bot's job and then its upload outside the
// workers do it (src/slack/postmortem-upload.ts).
import type { WebClient } from '@slack/web-api';
import { preparePostmortem, type DeliveredPostmortem } from '../../src/slack/postmortem-upload.js';

export async function deliverPostmortem(deps: Parameters<typeof preparePostmortem>[0], client: WebClient, incidentId: string, fallbackChannel?: string): Promise<DeliveredPostmortem> {
  const { delivered, upload } = preparePostmortem(deps, incidentId, fallbackChannel);
  await upload?.(client);
  return delivered;
}
