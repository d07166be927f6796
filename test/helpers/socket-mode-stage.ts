// One test's own Slack and Socket Mode stand-ins, checkout and bot process, closed when the test ends: for Socket Mode tests that run at the same time.
import type { TestContext } from 'vitest';
import type { Checkout } from './databox-checkout.js';
import type { SlackStandIn } from './slack-stand-in.js';
import type { SocketModeBotProcess } from './socket-mode-bot-process.js';
import { SocketModeStandIn } from './socket-mode-stand-in.js';
import { closeStandIns, openStandIns } from './stand-ins.js';

/** Shares nothing with another test's: most of such a test is waiting out the bot's waits between tries. */
export interface SocketModeStage {
  slack: SlackStandIn;
  checkout: Checkout;
  socket: SocketModeStandIn;
  bot?: SocketModeBotProcess;
}

export async function socketModeStageFor({ onTestFinished }: TestContext): Promise<SocketModeStage> {
  const stage = { ...(await openStandIns()), socket: new SocketModeStandIn() } as SocketModeStage;
  onTestFinished(async () => {
    if (stage.bot?.process.exitCode === null) stage.bot.process.kill('SIGKILL');
    await stage.bot?.process;
    await stage.socket.stop();
    await closeStandIns(undefined, stage.slack, stage.checkout);
  });
  await stage.socket.start();
  stage.slack.socketUrl = stage.socket.url;
  return stage;
}
