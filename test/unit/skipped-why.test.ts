// Why a step was skipped on its condition: the condition in the operator's words, with how the steps it reads ended.
import { describe, expect, it } from 'vitest';
import { skippedOnCondition } from '../../src/engine/skipped-why.js';

const order = ['open', 'disk', 'wal_damaged', 'scan'];

describe('a step skipped on its condition', () => {
  it('names the step it reads by its number and id, the statuses it runs on, and how that step ended', () => {
    expect(skippedOnCondition({ step: 'open', status: ['ok', 'read-only'] }, order, new Map([['open', 'missing']]))).toBe(
      'runs only when step 1 (open) is ok or read-only; it was missing',
    );
    expect(skippedOnCondition({ step: 'wal_damaged', status: 'wal-damaged' }, order, new Map([['wal_damaged', 'ok']]))).toBe('runs only when step 3 (wal_damaged) is wal-damaged; it was ok');
  });

  it('says "and" and "or" as the condition groups them, and how each step it reads ended', () => {
    const condition = { any: [{ step: 'open', status: 'ok' }, { all: [{ step: 'disk', status: 'ok' }, { step: 'open', status: ['read-only', 'locked', 'busy'] }] }] };
    expect(skippedOnCondition(condition, order, new Map([['open', 'corrupt'], ['disk', 'full']]))).toBe(
      'runs only when step 1 (open) is ok, or (step 2 (disk) is ok, and step 1 (open) is read-only, locked or busy); step 1 (open) was corrupt, step 2 (disk) was full',
    );
  });

  it('says a step it reads had not run, rather than a status it never had', () => {
    expect(skippedOnCondition({ step: 'disk', status: 'ok' }, order, new Map())).toBe('runs only when step 2 (disk) is ok; it had not run');
  });
});
