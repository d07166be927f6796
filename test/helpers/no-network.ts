// Call at the top of a test file: nothing may leave the machine; only loopback (the stand-ins, the bot) is reachable.
// nock sees this thread's requests only: the bot's calls to Slack leave from its fetch thread (fetch-off-thread.ts),
// so bot tests point SLACK_API_URL at the loopback stand-in (bot-harness.ts does), and CI has no network besides.
import nock from 'nock';
import { afterAll, beforeAll } from 'vitest';

export function blockNetwork(): void {
  beforeAll(() => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  afterAll(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });
}
