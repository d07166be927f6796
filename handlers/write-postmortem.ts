// What happens when someone clicks "Write postmortem" (or types /databox postmortem <id>): the postmortem is built from
// the journal, written under <state dir>/postmortems/<id>.md and uploaded into the incident's thread as a Markdown file.
import type { App, BlockButtonAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { UserError } from '../src/errors.js';
import { incidentIdPattern } from '../src/commands/parse.js';
import { writePostmortem } from '../src/postmortem/write-postmortem.js';
import { actionIds } from '../src/slack/blocks.js';
import { describeFailure, tellEphemeral } from '../src/slack/tell.js';
import type { EngineDeps, HandlerDeps } from './index.js';

export interface DeliveredPostmortem {
  file: string;
  /** Where it was uploaded: the incident's thread, or the channel it was asked for from when the incident has no thread. */
  channel?: string;
  threadTs?: string;
  problemLine?: number;
}

/** Builds, writes and uploads an incident's postmortem; `fallbackChannel` serves an incident opened at a terminal. */
export async function deliverPostmortem(deps: EngineDeps, client: WebClient, incidentId: string, fallbackChannel?: string): Promise<DeliveredPostmortem> {
  if (!incidentIdPattern.test(incidentId)) throw new UserError('this is not an incident id; nothing was written');
  const incident = deps.service.incident(incidentId);
  const { config } = deps.service;
  const runbooks = new Map(deps.service.scenarios().map((rb) => [rb.id, rb]));
  const written = writePostmortem({ stateDir: config.stateDir, runbooks, root: config.databoxRoot, incidentId, redact: deps.redact });
  const problem = written.journal.verify.problem;
  const channel = incident.thread?.channel ?? fallbackChannel;
  if (channel) {
    const comment =
      `Postmortem of incident ${incidentId}, built from the journal: timeline, verdict, recovery, validation and timings. ` +
      'The "Root cause" and "Follow-ups" sections are for you to fill in.' +
      (problem ? ` Warning: the journal failed verification at line ${problem.line}; the postmortem stops there.` : '');
    const common = {
      content: written.markdown,
      filename: `${incidentId}-postmortem.md`,
      title: `Postmortem ${incidentId}: ${incident.title}`,
      initial_comment: deps.redact(comment),
    };
    await client.files.uploadV2(incident.thread ? { ...common, channel_id: channel, thread_ts: incident.thread.ts } : { ...common, channel_id: channel });
  }
  return { file: written.file, channel, threadTs: incident.thread?.ts, problemLine: problem?.line };
}

export function registerWritePostmortem(app: App, deps: HandlerDeps): void {
  app.action<BlockButtonAction>(actionIds.postmortem, async ({ ack, body, action, client }) => {
    await ack();
    const audience = { channel: body.channel?.id ?? '', user: body.user.id, threadTs: body.message?.thread_ts ?? body.message?.ts };
    const fail = (error: unknown) => tellEphemeral(client, deps.redact, audience, describeFailure(error, deps.logger, { action: 'postmortem' }));
    try {
      const incidentId = String(action.value ?? '');
      deps.queue.push(`postmortem ${incidentId}`, async () => {
        try {
          await deliverPostmortem(deps, client, incidentId, body.channel?.id);
        } catch (error) {
          await fail(error);
        }
      });
    } catch (error) {
      await fail(error);
    }
  });
}
