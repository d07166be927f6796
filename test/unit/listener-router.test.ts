// The listener router (src/slack/listener-router.ts) inside a real Bolt app: each payload reaches the one listener its
// command, action_id (a name or a pattern) or callback_id names, and anything else goes on through Bolt untouched.
import fs from 'node:fs';
import path from 'node:path';
import { App, type ReceiverEvent } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { routeListeners } from '../../src/slack/listener-router.js';
import { projectRoot } from '../support/fixtures.js';

const fixture = (name: string) => JSON.parse(fs.readFileSync(path.join(projectRoot, 'test', 'fixtures', 'slack', name), 'utf8')) as Record<string, any>;

function appWithRoutes() {
  const app = new App({ signingSecret: 'unused', authorize: async () => ({ botToken: 'xoxb-test', botId: 'B1', botUserId: 'U0BOT' }) });
  const heard: string[] = [];
  let fellThrough = 0;
  const routes = routeListeners(app);
  app.use(async ({ next }) => {
    fellThrough += 1;
    await next();
  });
  routes.command('/databox', async ({ command, ack }) => {
    heard.push(`command ${command.text}`);
    await ack();
  });
  routes.action('approve_plan', async ({ action, ack }) => {
    heard.push(`approve ${(action as { value: string }).value.length > 0}`);
    await ack();
  });
  routes.action(/^choose_path_[a-z]$/, async ({ action, ack }) => {
    heard.push(`path ${(action as { action_id: string }).action_id}`);
    await ack();
  });
  routes.view('path_parameters', async ({ view, ack }) => {
    heard.push(`view ${view.callback_id}`);
    await ack();
  });
  const send = async (body: Record<string, any>) => {
    let acked = false;
    const event: ReceiverEvent = { body, ack: async () => void (acked = true) };
    await app.processEvent(event);
    return acked;
  };
  return { heard, send, fellThrough: () => fellThrough };
}

describe('routeListeners', () => {
  it("hands each payload to its one listener, by command, action_id (name or pattern) and callback_id", async () => {
    const { heard, send, fellThrough } = appWithRoutes();
    const command = fixture('slash-command.json');
    const actions = fixture('block-actions.json');
    const view = fixture('view-submission.json');
    expect(await send({ ...command, text: 'help' })).toBe(true);
    expect(await send({ ...actions, actions: [{ ...actions.actions[0], action_id: 'approve_plan', value: '{}' }] })).toBe(true);
    expect(await send({ ...actions, actions: [{ ...actions.actions[0], action_id: 'choose_path_b' }] })).toBe(true);
    expect(await send({ ...view, view: { ...view.view, callback_id: 'path_parameters' } })).toBe(true);
    expect(heard).toEqual(['command help', 'approve true', 'path choose_path_b', 'view path_parameters']);
    expect(fellThrough(), 'routed payloads go no further').toBe(0);
  });

  it("hands a listener's error to the app's error handler, as Bolt does for its own listeners", async () => {
    const app = new App({ signingSecret: 'unused', authorize: async () => ({ botToken: 'xoxb-test', botId: 'B1', botUserId: 'U0BOT' }) });
    const caught: string[] = [];
    app.error(async (error) => void caught.push(error.message));
    routeListeners(app).command('/databox', async ({ ack }) => {
      await ack();
      throw new Error('the listener failed');
    });
    await app.processEvent({ body: fixture('slash-command.json'), ack: async () => undefined });
    expect(caught).toEqual(['the listener failed']);
  });

  it('lets what no listener names go on through Bolt, unanswered by the router', async () => {
    const { heard, send, fellThrough } = appWithRoutes();
    const actions = fixture('block-actions.json');
    expect(await send({ ...fixture('slash-command.json'), command: '/other' })).toBe(false);
    expect(await send({ ...actions, actions: [{ ...actions.actions[0], action_id: 'choose_path_bb' }] })).toBe(false);
    expect(await send({ ...fixture('view-submission.json'), view: { ...fixture('view-submission.json').view, callback_id: 'someone_elses' } })).toBe(false);
    expect(heard).toEqual([]);
    expect(fellThrough()).toBe(3);
  });
});
