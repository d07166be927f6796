// How a request refused before any listener (from another workspace, while the bot stops) is answered: a slash command
// in its ack, a form kept open with the reason under its first field, a click with a note only its sender sees.
import type { AnyMiddlewareArgs, SlackActionMiddlewareArgs, SlackCommandMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import { shownInForm } from '../src/slack/modal-values.js';
import type { HandlerDeps } from './index.js';

/** The kind of request, as the journal records it: slash_command, block_actions, view_submission … */
export function requestKind(payload: Record<string, any>): string {
  return typeof payload.command === 'string' ? 'slash_command' : String(payload.type ?? 'unknown');
}

/** Who sent it, wherever its kind of payload puts them. */
export function requestSender(payload: Record<string, any>): string {
  return String(payload.user_id ?? payload.user?.id ?? 'unknown');
}

/** `formText` is what a form shows under a field: plain, and short enough not to be cut. */
export async function answerRefusal(args: AnyMiddlewareArgs, deps: Pick<HandlerDeps, 'logger' | 'redact'>, reply: string, formReply: string): Promise<void> {
  // What the request carried (a callback id, an action id) may be in the reason: redacted as every reply is.
  const [text, formText] = [deps.redact(reply), deps.redact(formReply)];
  const payload = args.body as Record<string, any>;
  const kind = requestKind(payload);
  if (kind === 'slash_command') {
    await (args as unknown as SlackCommandMiddlewareArgs).ack({ response_type: 'ephemeral', text });
    return;
  }
  if (kind === 'view_submission') {
    // The form stays open with the reason under its first field, so what was typed is not lost.
    const field = Object.keys(payload.view?.state?.values ?? {})[0];
    const { ack } = args as unknown as SlackViewMiddlewareArgs;
    await (field ? ack({ response_action: 'errors', errors: shownInForm({ [field]: formText }).errors }) : ack());
    return;
  }
  const { ack, respond } = args as unknown as SlackActionMiddlewareArgs & { ack?: () => Promise<void> };
  if (ack) await ack();
  if (respond && payload.response_url) {
    await respond({ response_type: 'ephemeral', replace_original: false, text }).catch((error: unknown) => deps.logger.warn({ err: error }, 'could not tell the sender of a refused request'));
  }
}
