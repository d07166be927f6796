// Runs before every listener while the bot stops (a restart, a deploy): a request is answered at once with why nothing
// starts, journaled, and goes no further, instead of finding the port closed (Slack's "dispatch_failed").
import type { AnyMiddlewareArgs, App } from '@slack/bolt';
import { answerRefusal, requestKind, requestSender } from './answer-refusal.js';
import type { HandlerDeps } from './index.js';

const stoppingText = ':hourglass: databox-bot is stopping (a restart or a deploy), so nothing was started. Try again in a minute, once it is back: `/databox status` then shows what ran.';
const stoppingInForm = 'databox-bot is stopping (a restart or a deploy): nothing was started. Submit again in a minute.';

export function registerRefuseWhileStopping(app: App, deps: HandlerDeps): void {
  app.use(async (args) => {
    const { body, next } = args as AnyMiddlewareArgs & { next: () => Promise<void> };
    if (!deps.service.isStopping) {
      await next();
      return;
    }
    const payload = body as Record<string, any>;
    void deps.service.recordRefusal(requestSender(payload), {
      reason: 'the bot was stopping',
      kind: requestKind(payload),
      action: payload.command ?? payload.actions?.[0]?.action_id ?? payload.view?.callback_id ?? null,
    });
    await answerRefusal(args, deps, stoppingText, stoppingInForm);
  });
}
