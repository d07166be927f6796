// The router's idle(): a request acknowledged a moment ago may not have queued its work yet; idle() waits for it.
import type { App } from '@slack/bolt';
import { expect, it } from 'vitest';
import { routeListeners } from '../../src/slack/listener-router.js';

it('resolves once every listener running has returned, not when its request was acknowledged', async () => {
  let middleware: ((args: unknown) => Promise<void>) | undefined;
  const app = { use: (fn: (args: unknown) => Promise<void>) => void (middleware = fn) } as unknown as App;
  const routes = routeListeners(app);
  const events: string[] = [];
  let release: () => void = () => {};
  routes.command('/databox', async ({ ack }: { ack: () => Promise<void> }) => {
    await ack();
    events.push('acked');
    await new Promise<void>((resolve) => (release = resolve));
    events.push('queued');
  });
  const request = middleware!({ body: { command: '/databox' }, ack: async () => undefined, next: async () => undefined });
  await new Promise((resolve) => setTimeout(resolve, 10));
  expect(events).toEqual(['acked']);
  const idle = routes.idle().then(() => events.push('idle'));
  await new Promise((resolve) => setTimeout(resolve, 10));
  expect(events).toEqual(['acked']);
  release();
  await Promise.all([request, idle]);
  expect(events).toEqual(['acked', 'queued', 'idle']);
  await routes.idle();
});
