// Socket Mode, the default deployment: the real bot connects over a WebSocket, acks envelopes and runs scenario 1 from them.
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBot, type Bot } from '../../src/bot.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createRedactor } from '../../src/redact.js';
import { botToken, withStandinPath } from '../helpers/bot-harness.js';
import { Checkout, writeGarbage } from '../helpers/databox-checkout.js';
import { blockNetwork } from '../helpers/no-network.js';
import { fixture } from '../helpers/signed-request.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';
import { SocketModeStandIn } from '../helpers/socket-mode-stand-in.js';
import { journalRecordsOf } from '../helpers/stand-ins.js';

blockNetwork();

let slack: SlackStandIn;
let socket: SocketModeStandIn;
let checkout: Checkout;
let bot: Bot;

beforeEach(async () => {
  withStandinPath();
  slack = new SlackStandIn();
  socket = new SocketModeStandIn();
  await Promise.all([slack.start(), socket.start()]);
  slack.socketUrl = socket.url;
  checkout = new Checkout();
  writeGarbage(checkout.databasePath);
  const config = loadConfig({
    SLACK_BOT_TOKEN: botToken,
    SLACK_APP_TOKEN: 'xapp-1-A0DATABOXBOT-1234-apptokensecret',
    SLACK_API_URL: slack.apiUrl,
    DATABOX_ROOT: checkout.root,
    DATABOX_STATE_DIR: checkout.stateDir,
  });
  const logger = createLogger('warn', createRedactor(config.secrets), new Writable({ write: (_chunk, _encoding, done) => done() }));
  bot = createBot({ config, logger, clientOptions: { retryConfig: { retries: 0 } } });
  await bot.start();
  await slack.waitFor('the WebSocket connection', () => socket.connected);
});

afterEach(async () => {
  await bot.stop();
  await Promise.all([slack.stop(), socket.stop()]);
  checkout.remove();
});

async function settle(): Promise<void> {
  for (let i = 0; i < 3; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    await bot.queue.idle();
    await bot.outbox.idle();
  }
}

/** What a click on the latest `actionId` button by `user` sends. */
function clickPayload(actionId: string, user: string): Record<string, any> {
  const button = slack.buttons(actionId).at(-1);
  expect(button, `a ${actionId} button`).toBeDefined();
  const payload = fixture('block-actions.json');
  payload.user = { ...payload.user, id: user };
  payload.container = { ...payload.container, message_ts: button?.ts, thread_ts: button?.threadTs };
  payload.message = { ...payload.message, ts: button?.ts, thread_ts: button?.threadTs };
  payload.actions = [{ ...payload.actions[0], action_id: actionId, value: button?.value }];
  return payload;
}

function click(actionId: string, user: string): string {
  return socket.deliver('interactive', clickPayload(actionId, user));
}

describe('Socket Mode', () => {
  it('connects with the app token through SLACK_API_URL, acks each envelope, and runs diagnose → approve → recover', async () => {
    // Once by the bot's start to check the app token (the URL it is given goes unused), once by Bolt to connect.
    expect(slack.callsTo('apps.connections.open')).toHaveLength(2);
    const command = socket.deliver('slash_commands', { ...fixture('slash-command.json'), text: 'diagnose duckdb' });
    await slack.waitFor('the ack of the slash command', () => socket.acknowledged(command) !== undefined);
    await settle();
    expect(slack.callsTo('chat.postMessage').find((p) => String(p.text).startsWith('Verdict: File corrupt'))).toBeDefined();

    const choose = click('choose_path_a', 'U0OPERATOR');
    await slack.waitFor('the ack of the path button', () => socket.acknowledged(choose) !== undefined);
    await settle();
    const approve = click('approve_plan', 'U0TEAMMATE');
    await slack.waitFor('the ack of Approve', () => socket.acknowledged(approve) !== undefined);
    await settle();
    expect(checkout.calls()[0]?.command).toBe('task full-refresh');
    expect(checkout.listData()).toContain('databox.duckdb.broken');
  });

  it('acks an envelope Slack sends again (same id, or a retry with an id of its own) and does not act on it twice', async () => {
    const typed = { ...fixture('slash-command.json'), text: 'diagnose duckdb', response_url: slack.responseUrl() };
    const command = socket.deliver('slash_commands', typed);
    socket.deliverAgain(command, 'slash_commands', typed, 1);
    const renamed = socket.deliverAgain(command, 'slash_commands', typed, 2, 'envelope-renamed');
    await slack.waitFor('the acks of the command and its copies', () => socket.acks(command) === 2 && socket.acks(renamed) === 1);
    await settle();
    expect(slack.callsTo('chat.postMessage').filter((p) => !p.thread_ts)).toHaveLength(1);

    const choose = click('choose_path_a', 'U0OPERATOR');
    await slack.waitFor('the ack of the path button', () => socket.acknowledged(choose) !== undefined);
    await settle();
    const approval = clickPayload('approve_plan', 'U0TEAMMATE');
    const approve = socket.deliver('interactive', approval);
    socket.deliverAgain(approve, 'interactive', approval, 1);
    await slack.waitFor('the acks of Approve and its copy', () => socket.acks(approve) === 2);
    await settle();
    expect(checkout.calls().filter((c) => c.command === 'task full-refresh')).toHaveLength(1);
    // Neither copy was answered as a second request.
    expect([...slack.ephemerals(), ...slack.responses.map((r) => String(r.body.text))].join('\n')).not.toMatch(/already waits|already approved/);

    await bot.journal.flushed();
    const records = journalRecordsOf(checkout);
    expect(records.filter((r) => r.type === 'command.received').map((r) => r.data.text)).toEqual(['/databox diagnose duckdb']);
    expect(records.filter((r) => r.type === 'approval.refused')).toEqual([]);
    const copies = records.filter((r) => r.type === 'request.refused');
    expect(copies.map((r) => [r.actor, r.data.reason])).toEqual([
      ['U0OPERATOR', expect.stringMatching(/^a Socket Mode envelope delivered again within ten minutes \(its envelope id seen before, retry_attempt 1, timeout\): acknowledged, not acted on$/)],
      ['U0TEAMMATE', expect.stringMatching(/^a Socket Mode envelope delivered again within ten minutes \(its envelope id seen before, retry_attempt 1, timeout\): acknowledged, not acted on$/)],
    ]);
  });

  it('acts on a retry of an envelope that never reached the bot: it is the only delivery', async () => {
    const retried = socket.deliverAgain('envelope-lost-while-away', 'slash_commands', { ...fixture('slash-command.json'), text: 'status', response_url: slack.responseUrl() }, 1);
    await slack.waitFor('the ack', () => socket.acknowledged(retried) !== undefined);
    expect(socket.acknowledged(retried)?.payload).toMatchObject({ response_type: 'ephemeral', text: expect.any(String) });
  });

  it('answers a malformed command in the ack itself', async () => {
    const command = socket.deliver('slash_commands', { ...fixture('slash-command.json'), text: 'recover duckdb path=c' });
    await slack.waitFor('the ack', () => socket.acknowledged(command) !== undefined);
    expect(socket.acknowledged(command)?.payload).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('path=c is not a recovery path of duckdb') });
    expect(slack.callsTo('chat.postMessage')).toEqual([]);
  });
});
