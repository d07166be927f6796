// Call at the top of a test file: nothing may leave the machine; only loopback (the stand-ins, the bot) is reachable.
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
