// A start while Slack is down (no connection, 5xx, rate limits past the client's retries): waited out, said as an outage
// (the bot token's check here; Socket Mode's first connection in socket-mode-reconnect.ts, in the same words).
import { setTimeout as sleep } from 'node:timers/promises';
import { formatDuration } from '../format-duration.js';
import type { Logger } from '../logger.js';
import { slackTrouble } from './slack-trouble.js';

/** Slack did not answer the start's check of the bot token, or answered as only an outage does: not the configuration's fault. */
export class SlackUnreachable extends Error {
  override readonly name = 'SlackUnreachable';
}

/** What the operator can do meanwhile: README, "From a terminal (Slack down)". */
export const terminalMeanwhile = 'the terminal works meanwhile, from the bot\'s folder: `npm run --silent cli -- status` (README, "From a terminal (Slack down)")';

/** Wrapped when `error` is an outage (slack-trouble.ts: no answer, 5xx, rate limited, Slack's own trouble codes); else undefined. */
export function slackUnreachable(error: unknown, asked: string): SlackUnreachable | undefined {
  const trouble = slackTrouble(error);
  return trouble ? new SlackUnreachable(`Slack could not be reached to check the bot token: ${trouble} (asked ${asked}: ${(error as Error).message})`) : undefined;
}

/**
 * The wait after the start's `tries`-th failed check: 5 s, doubling up to a minute. Each check already holds the Web API
 * client's own 3 retries (1 s to 10 s apart), so an outage costs Slack a few calls a minute, and the bot is up within a
 * minute of Slack's return.
 */
export function waitAfterTry(tries: number): number {
  return Math.min(60_000, 5_000 * 2 ** (tries - 1));
}

/** While the start waits for Slack: since when, and how many checks failed, for /healthz. */
export interface SlackWait {
  since: Date;
  tries: number;
  last: string;
}

/** /healthz's reason (503) while the start waits for Slack. */
export function waitingForSlackReason(wait: SlackWait): string {
  return `waiting for Slack, which could not be reached since ${wait.since.toISOString()} (${wait.tries} ${wait.tries === 1 ? 'try' : 'tries'}; last: ${wait.last}): the bot takes no command or click until Slack answers; ${terminalMeanwhile}`;
}

/** The wait after one more failed try: since the first, `last` why. */
export function nextSlackWait(previous: SlackWait | undefined, last: string): SlackWait {
  return { since: previous?.since ?? new Date(), tries: (previous?.tries ?? 0) + 1, last };
}

/** Says a failed try as an outage: `failure` (what could not be done, and why), and that the start waits `ms` for Slack. */
export function sayWaitingForSlack(logger: Logger, failure: string, wait: SlackWait, ms: number): void {
  logger.warn(
    { tries: wait.tries, since: wait.since.toISOString(), nextTryMs: ms },
    `${failure}. Slack is down or unreachable from this host, so the bot waits for it and tries again in ${formatDuration(ms)} (try ${wait.tries} failed; it tries until Slack answers, and takes no command or click until then); ${terminalMeanwhile}. If Slack itself is up, check this host's network, proxy and SLACK_API_URL`,
  );
}

/** Says Slack answered again after the start waited for it. */
export function saySlackAnswersAgain(logger: Logger, wait: SlackWait): void {
  logger.info({ tries: wait.tries, since: wait.since.toISOString() }, `Slack answers again after ${formatDuration(Date.now() - wait.since.getTime())} (${wait.tries} failed ${wait.tries === 1 ? 'try' : 'tries'}): the bot starts`);
}

/**
 * Runs `check` until it stops throwing SlackUnreachable, waiting between tries and logging each failed one; any other
 * error (the token refused, not Slack at that address) is thrown at once. `onWait` follows the wait for /healthz (undefined
 * once Slack answered); `signal` (a stop) ends the wait, and the start then ends at its next step.
 */
export async function untilSlackAnswers(check: () => Promise<void>, logger: Logger, signal: AbortSignal, onWait: (wait: SlackWait | undefined) => void): Promise<void> {
  let wait: SlackWait | undefined;
  for (;;) {
    try {
      await check();
      if (wait) saySlackAnswersAgain(logger, wait);
      onWait(undefined);
      return;
    } catch (error) {
      if (!(error instanceof SlackUnreachable)) throw error;
      wait = nextSlackWait(wait, error.message);
      onWait(wait);
      const ms = waitAfterTry(wait.tries);
      sayWaitingForSlack(logger, error.message, wait, ms);
      try {
        await sleep(ms, undefined, { signal });
      } catch {
        return;
      }
    }
  }
}
