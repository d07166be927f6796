// The built bot as its own process in Socket Mode, against the Slack and WebSocket stand-ins: its output as it comes,
// its JSON log lines, and waits on what it says.
import { execa, type ResultPromise } from 'execa';
import { botProcessEnv } from './bot-harness.js';
import type { Checkout } from './databox-checkout.js';
import { mainArgs } from './main-process.js';
import type { SlackStandIn } from './slack-stand-in.js';

export interface SocketModeBotProcess {
  process: ResultPromise<{ reject: false }>;
  /** All it wrote, stdout and stderr together. */
  output(): string;
  /** Its JSON log lines. */
  logLines(): { level: number; msg: string }[];
  /** Waits until `predicate` holds, failing with what the bot said after `timeoutMs`. */
  until(what: string, predicate: () => boolean, timeoutMs?: number): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `extraEnv`: settings of the test's own (HEALTH_PORT), added to the bot's environment. */
export function startSocketModeBot(checkout: Checkout, slack: SlackStandIn, extraEnv: Record<string, string> = {}): SocketModeBotProcess {
  const { SLACK_SIGNING_SECRET: _httpOnly, PORT: _noPort, ...env } = botProcessEnv(checkout, slack, 0);
  const started = execa(process.execPath, mainArgs, {
    cwd: checkout.root,
    env: { ...env, SLACK_APP_TOKEN: 'xapp-1-A0DATABOXBOT-1234-apptokensecret', ...extraEnv },
    extendEnv: false,
    reject: false,
  });
  let output = '';
  started.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  started.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return {
    process: started,
    output: () => output,
    logLines: () =>
      output
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { level: number; msg: string }),
    async until(what, predicate, timeoutMs = 60_000) {
      for (const deadline = Date.now() + timeoutMs; !predicate(); await sleep(100)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the bot said:\n${output}`);
      }
    },
  };
}
