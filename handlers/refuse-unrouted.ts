// What happens to a signed request no listener takes (a form of an older version, a shortcut, another slash command):
// answered at once and journaled as refused, never left to Slack's 3-second timeout.
import type { AnyMiddlewareArgs } from '@slack/bolt';
import { answerRefusal, requestKind, requestSender } from './answer-refusal.js';
import type { HandlerDeps } from './index.js';

/** The kinds of request Slack waits for an answer to; anything else (an event) is left to Bolt. */
const answered = new Set(['view_submission', 'view_closed', 'shortcut', 'message_action', 'block_actions', 'block_suggestion']);

export function refuseUnrouted(deps: HandlerDeps): (args: AnyMiddlewareArgs & { ack?: (answer?: unknown) => Promise<void> }) => Promise<boolean> {
  return async (args) => {
    const payload = args.body as Record<string, any>;
    const kind = requestKind(payload);
    if (!args.ack || (kind !== 'slash_command' && !answered.has(kind))) return false;
    const what =
      kind === 'slash_command'
        ? `the command ${String(payload.command).slice(0, 40)} is not one databox-bot answers (it answers /databox)`
        : kind === 'view_submission'
          ? `this form ("${String(payload.view?.callback_id ?? '').slice(0, 60)}") is not one this version of the bot opens; open it again from the thread`
          : `databox-bot has nothing to do for a ${kind.replace(/_/g, ' ')}`;
    // A slash command gets the reason in its ack, a form keeps it under its first field (what was typed is not lost), a
    // click is told through its response URL; anything else is acked.
    if (kind === 'slash_command' || kind === 'view_submission' || kind === 'block_actions') {
      await answerRefusal(args, deps, `:no_entry_sign: Refused: ${what}. Nothing was run.`, `Refused: ${what}.`);
    } else {
      await args.ack();
    }
    void deps.service.recordRefusal(requestSender(payload), { reason: what, kind, action: payload.command ?? payload.callback_id ?? payload.view?.callback_id ?? null });
    return true;
  };
}
