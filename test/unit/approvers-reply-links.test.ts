// An approving click's reply link is used for a refused rollback offer only while Slack takes it: 30 minutes, 5 uses; else the log says it.
import { Writable } from 'node:stream';
import type { RespondFn } from '@slack/bolt';
import { expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { ApproversReplyLinks } from '../../src/slack/approvers-reply-links.js';
import { tellRollbackOfferRefused } from '../../src/slack/rollback-offer-refused.js';

const minute = 60_000;

function told() {
  const sent: unknown[] = [];
  const respond = (async (message: unknown) => (sent.push(message), {})) as unknown as RespondFn;
  return { sent, respond };
}

function logged() {
  const lines: { msg: string; runId?: string; reason?: string }[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as { msg: string });
      done();
    },
  });
  return { lines, logger: createLogger('info', (text) => text, destination) };
}

it("gives an approver's link once, within Slack's 30 minutes and 5 uses, counting what the click's handler said through it", async () => {
  let now = 0;
  const links = new ApproversReplyLinks(() => now);
  const fresh = told();
  links.keep('dbx-1/2', links.counted(fresh.respond));
  now = 29 * minute;
  expect(links.take('dbx-1/2')).toBeDefined();
  expect(links.take('dbx-1/2'), 'given once').toBeUndefined();

  links.keep('dbx-1/3', links.counted(told().respond));
  now += 30 * minute;
  expect(links.take('dbx-1/3'), 'Slack takes it for 30 minutes').toBeUndefined();

  const spent = links.counted(told().respond);
  for (let use = 0; use < 5; use += 1) await spent.respond({ text: 'said by the click' });
  links.keep('dbx-1/4', spent);
  expect(links.take('dbx-1/4'), 'Slack takes it 5 times').toBeUndefined();
});

it('logs a refused rollback offer nobody could be told of: the recovery approved at a terminal left no link', async () => {
  const { lines, logger } = logged();
  await tellRollbackOfferRefused(new ApproversReplyLinks(), (text) => text, logger, { id: 'dbx-1/2', incidentId: 'dbx-1' }, 'Slack refused it (is_archived): the channel is archived');
  expect(lines).toEqual([expect.objectContaining({ runId: 'dbx-1/2', reason: 'Slack refused it (is_archived): the channel is archived', msg: expect.stringContaining('told to nobody') })]);
});
