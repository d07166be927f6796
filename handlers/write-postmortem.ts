// What happens when someone clicks "Write postmortem": the postmortem is built and written in a worker, then uploaded
// into the thread outside the workers.
import type { BlockButtonAction } from '@slack/bolt';
import type { ListenerRouter } from '../src/slack/listener-router.js';
import { actionIds } from '../src/slack/blocks.js';
import { keptInMemory, notUploadedNote, queuePostmortem, unchangedSinceText, type DeliveredPostmortem } from '../src/slack/postmortem-upload.js';
import { escapeMrkdwn } from '../src/slack/mrkdwn.js';
import { describeFailure } from '../src/slack/tell.js';
import { tellClicker } from '../src/slack/tell-or-log.js';
import { recordIfRefused, refusedClick } from '../src/slack/refused-click.js';
import type { HandlerDeps } from './index.js';

export function registerWritePostmortem(routes: ListenerRouter, deps: HandlerDeps): void {
  routes.action<BlockButtonAction>(actionIds.postmortem, async ({ ack, body, action, client, respond }) => {
    await ack();
    const audience = { channel: body.channel?.id ?? '', user: body.user.id, threadTs: body.message?.thread_ts ?? body.message?.ts, respond };
    const incidentId = String(action.value ?? '');
    // On the record like the typed command (and like it, not in the postmortem it asks for, which would then never be
    // the same twice): the journal says who asked for each upload.
    const typed = `postmortem button: postmortem ${incidentId.slice(0, 100)}`;
    deps.service.recordCommand(typed, body.user.id, `slack:${audience.channel}`);
    // Never fails: Slack refusing chat.postEphemeral, the click's reply link is tried, then the log.
    const tell = (text: string) => tellClicker(client, deps.redact, deps.logger, audience, text, { action: 'postmortem', incident: incidentId.slice(0, 100) });
    const fail = (error: unknown, written?: DeliveredPostmortem) => {
      recordIfRefused(deps.service, { ...refusedClick(body.user.id, action, incidentId.slice(0, 100)), command: typed }, error);
      // Clicked where the upload did not go (the incident's channel archived since), it is said of that channel.
      const elsewhere = written ? { channel: audience.channel, refusedIn: written.channel, elsewhereNote: notUploadedNote(incidentId, written) } : {};
      return tell(describeFailure(error, deps.logger, { action: 'postmortem', ...elsewhere }));
    };
    const told = async (delivered: DeliveredPostmortem) => {
      const again = unchangedSinceText(delivered);
      // Said to the one who clicked, as the typed command says it: the thread has it, the bot's disk does not.
      const disk = delivered.unwritten ? ` It could not be written on the bot's disk: ${escapeMrkdwn(delivered.unwritten)}.${stopsEarly(deps.service, incidentId)}` : '';
      // The postmortem written before, set aside on the bot's disk (a root cause filled in there by hand): said where.
      const kept = delivered.earlier ? ` On the bot's disk, ${escapeMrkdwn(delivered.earlier)}.` : '';
      const where = delivered.uploadingSince ? 'will be in the thread once Slack takes it' : 'is in the thread';
      if (again) await tell(`:memo: The postmortem ${again}: it ${where}.${disk}${kept}`);
      else if (disk || kept) await tell(`:memo: The postmortem ${where}.${disk}${kept}`);
    };
    try {
      queuePostmortem(deps, client, incidentId, body.channel?.id, told, fail);
    } catch (error) {
      await fail(error);
    }
  });
}

/** What a postmortem built from the journal's file lacks while some of the incident's events are kept in memory. */
function stopsEarly(service: HandlerDeps['service'], incidentId: string): string {
  return keptInMemory(service, incidentId) ? " It stops at what the journal's file holds: the incident's later events wait in the bot's memory until the state dir takes writes again." : '';
}
