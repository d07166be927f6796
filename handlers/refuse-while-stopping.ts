// Runs before every listener while the bot stops (a restart, a deploy): a request is answered at once with why nothing
// starts, journaled, and goes no further, instead of finding the port closed (Slack's "dispatch_failed").
import type { AnyMiddlewareArgs, App, SlackActionMiddlewareArgs, SlackCommandMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import { shownInForm } from '../src/slack/modal-values.js';
import type { HandlerDeps } from './index.js';

const stoppingText = ':hourglass: databox-bot is stopping (a restart or a deploy), so nothing was started. Try again in a minute, once it is back: `/databox status` then shows what ran.';

export function registerRefuseWhileStopping(app: App, deps: HandlerDeps): void {
  app.use(async (args) => {
    const { body, next } = args as AnyMiddlewareArgs & { next: () => Promise<void> };
    if (!deps.service.isStopping) {
      await next();
      return;
    }
    const payload = body as Record<string, any>;
    const kind = typeof payload.command === 'string' ? 'slash_command' : String(payload.type ?? 'unknown');
    const user = String(payload.user_id ?? payload.user?.id ?? 'unknown');
    void deps.service.recordRefusal(user, { reason: 'the bot was stopping', kind, action: payload.command ?? payload.actions?.[0]?.action_id ?? payload.view?.callback_id ?? null });
    if (kind === 'slash_command') {
      await (args as unknown as SlackCommandMiddlewareArgs).ack({ response_type: 'ephemeral', text: stoppingText });
      return;
    }
    if (kind === 'view_submission') {
      // The form stays open with the reason under its first field, so what was typed is not lost.
      const field = Object.keys(payload.view?.state?.values ?? {})[0];
      const { ack } = args as unknown as SlackViewMiddlewareArgs;
      await (field ? ack({ response_action: 'errors', errors: shownInForm({ [field]: stoppingText }).errors }) : ack());
      return;
    }
    const { ack, respond } = args as unknown as SlackActionMiddlewareArgs & { ack?: () => Promise<void> };
    if (ack) await ack();
    if (respond && payload.response_url) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: stoppingText }).catch((error: unknown) => deps.logger.warn({ err: error }, 'could not tell the sender of a request refused while stopping'));
    }
  });
}
