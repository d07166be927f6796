// A form sent from Slack as the postmortem tells it: which form, each field once as typed, empty and blank told apart.
import { describe, expect, it } from 'vitest';
import { sentFormOf } from '../../src/commands/sent-form.js';
import { sentFormWords } from '../../src/postmortem/sent-form-words.js';

describe('a sent form in the postmortem', () => {
  it("names the rollback's form by the plan it rolls back, each field as typed", () => {
    const form = sentFormOf({ text: 'modal: rollback dbx-20261205-0a1b/2 plan_id=p1', form: { of: 'rollback', run: 'dbx-20261205-0a1b/2', values: { plan_id: 'p1', note: ' ', other: '' } } });
    expect(form && sentFormWords(form)).toBe('sent the rollback form of `dbx-20261205-0a1b/2` (plan_id `p1`, note of only blank space, 1 character, other left empty)');
  });

  it('takes a record without a form the bot wrote as none', () => {
    expect(sentFormOf({ text: 'modal: recover duckdb path=b' })).toBeUndefined();
    expect(sentFormOf({ form: { of: 'path', values: {} } })).toBeUndefined();
  });
});
