// Every shape of the bot's button values is strict: a value with a key the bot never puts on that button is not one it gave.
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { alertButton, buttonValueIfAny, followUpButton, pathButton, planButton, planOfferButton, rollbackButton, silenceButton, unlockButton } from '../../src/slack/button-value.js';

const run = 'dbx-20261206-beef/1';
/** Each shape with a value the bot draws for it (as blocks.ts, alert-sink.ts and unlock-message.ts write them). */
const drawn: [string, z.ZodType, Record<string, unknown>][] = [
  ['plan', planButton, { run, hash: 'a'.repeat(64) }],
  ['path', pathButton, { incident: 'dbx-20261206-beef', path: 'a', diagnosis: run }],
  ['rollback', rollbackButton, { run }],
  ['alert', alertButton, { scenario: 'duckdb', watcher: 'database' }],
  ['silence', silenceButton, { watcher: 'disk' }],
  ['follow-up', followUpButton, { incident: 'dbx-20261206-beef', scenario: '2', params: { source: 'stripe' } }],
  ['plan offer', planOfferButton, { run, offer: 0 }],
  ['unlock', unlockButton, { run, requester: 'U0OPERATOR', was: 'running' }],
];

describe('button values', () => {
  it.each(drawn)('reads a %s button the bot draws', (_name, shape, value) => {
    expect(buttonValueIfAny(JSON.stringify(value), shape)).toEqual(value);
  });

  it.each(drawn)('refuses a %s button carrying a key the bot never gives it', (_name, shape, value) => {
    expect(buttonValueIfAny(JSON.stringify({ ...value, pad: 'AAAA' }), shape)).toBeUndefined();
  });
});
