// One Bolt middleware in place of a Bolt listener per command, button and modal: a request runs only the listener its
// command name, action_id or callback_id names. Bolt runs every listener's matchers on every request, copying its
// arguments for each, which cost an ack more than everything else Bolt does for it.
import type { AnyMiddlewareArgs, App, Middleware, SlackAction, SlackActionMiddlewareArgs, SlackCommandMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';

type Listener = (args: any) => Promise<void>;

/** Registers listeners the way Bolt's App does (`command`, `action`, `view`), matched as Bolt matches them. */
export interface ListenerRouter {
  command(name: string, listener: Middleware<SlackCommandMiddlewareArgs>): void;
  action<A extends SlackAction = SlackAction>(actionId: string | RegExp, listener: Middleware<SlackActionMiddlewareArgs<A>>): void;
  /** A modal's submission (view_submission), by its callback_id. */
  view(callbackId: string, listener: Middleware<SlackViewMiddlewareArgs>): void;
  /**
   * Once every listener running now has returned: a listener acks first and queues its work after, so a request
   * acknowledged a moment ago may have queued nothing yet (a stop waits for it before it waits for the queue).
   */
  idle(): Promise<void>;
}

/**
 * Adds the router to the app's global middleware (after what is registered before it) and returns it. A request no
 * listener takes is offered to `unrouted`, which answers it (true) or leaves it to Bolt (false).
 */
export function routeListeners(app: App, unrouted?: (args: AnyMiddlewareArgs & { ack?: (answer?: unknown) => Promise<void> }) => Promise<boolean>): ListenerRouter {
  const commands = new Map<string, Listener>();
  const actions = new Map<string, Listener>();
  const actionPatterns: { pattern: RegExp; listener: Listener }[] = [];
  const views = new Map<string, Listener>();
  const running = new Set<Promise<void>>();

  const listenerFor = (body: Record<string, any>): Listener | undefined => {
    if (typeof body.command === 'string') return commands.get(body.command);
    if (body.type === 'block_actions') {
      const actionId = String(body.actions?.[0]?.action_id ?? '');
      return actions.get(actionId) ?? actionPatterns.find(({ pattern }) => pattern.test(actionId))?.listener;
    }
    if (body.type === 'view_submission') return views.get(String(body.view?.callback_id ?? ''));
    return undefined;
  };

  app.use(async (args) => {
    const { body, next } = args as AnyMiddlewareArgs & { next: () => Promise<void> };
    const listener = listenerFor(body as Record<string, any>);
    // Nothing of ours: answered by `unrouted` when it is a request Slack waits on, else Bolt goes on without the router.
    if (!listener) {
      if (!(await unrouted?.(args as AnyMiddlewareArgs & { ack?: (answer?: unknown) => Promise<void> }))) await next();
      return;
    }
    const run = listener({ ...args, next: async () => undefined });
    running.add(run);
    try {
      await run;
    } finally {
      running.delete(run);
    }
  });

  return {
    command: (name, listener) => void commands.set(name, listener as Listener),
    action: (actionId, listener) => {
      if (typeof actionId === 'string') actions.set(actionId, listener as Listener);
      else actionPatterns.push({ pattern: actionId, listener: listener as Listener });
    },
    view: (callbackId, listener) => void views.set(callbackId, listener as Listener),
    idle: async () => {
      // Those that start meanwhile too: a listener may hand on to another request's (a modal after a button).
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
