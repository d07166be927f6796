// Tests the one rule of whether a step that ended a given way has no value for an output (runbook/step-outputs.ts), which
// the load checks of verdicts, follow-ups and rollbacks all read: left out, skipped on its condition, the engine's
// endings, its kind's own statuses; and a rollback's reading of it for a recovery step that may end without an output.
import { describe, expect, it } from 'vitest';
import { mayEndWithoutOutput } from '../../src/runbook/recovery-outputs-read.js';
import { step as stepSchema } from '../../src/runbook/schema.js';
import { leftOut, skippedOnItsCondition, unsetWhenEnding } from '../../src/runbook/step-outputs.js';

const parse = (step: Record<string, unknown>) => stepSchema.parse(step);

/** A command that ends "partial" on exit 3, with its exit code, and a listing of the bot's snapshots kept on the backend. */
const partial = parse({ id: 'rebuild', kind: 'command', title: 'Rebuild', argv: ['task', 'rebuild'], classify: [{ status: 'partial', exit: 3 }], mutates: true });
const snapshots = parse({ id: 'snapshots', kind: 'bot-snapshots', title: 'The bot\'s snapshots', database: 'analytics', target: 'backend' });

describe('whether a step that ended so has no value for an output', () => {
  it('has none at all when left out of its plan, not even its status', () => {
    expect(unsetWhenEnding(partial, 'exitCode', leftOut)).toBe(true);
    expect(unsetWhenEnding(partial, 'status', leftOut)).toBe(true);
  });

  it("skipped on its condition, has its status and summary but none of its kind's outputs, even one its kind's own skip sets", () => {
    expect(unsetWhenEnding(snapshots, 'snapshots', 'skipped')).toBe(false);
    expect(unsetWhenEnding(snapshots, 'snapshots', skippedOnItsCondition)).toBe(true);
    expect(unsetWhenEnding(snapshots, 'status', skippedOnItsCondition)).toBe(false);
    expect(unsetWhenEnding(snapshots, 'summary', skippedOnItsCondition)).toBe(false);
  });

  it("leaves unset what its kind says for the kind's statuses, and every output for an ending only the engine gives", () => {
    expect(unsetWhenEnding(partial, 'exitCode', 'ok')).toBe(false);
    expect(unsetWhenEnding(partial, 'exitCode', 'partial')).toBe(false);
    expect(unsetWhenEnding(partial, 'exitCode', 'timeout')).toBe(true);
    expect(unsetWhenEnding(snapshots, 'snapshots', 'unreachable')).toBe(true);
    expect(unsetWhenEnding(snapshots, 'snapshots', 'timeout')).toBe(true);
    expect(unsetWhenEnding(snapshots, 'status', 'timeout')).toBe(false);
  });
});

describe('a recovery step a rollback reads, ending with its plan going on without the output read', () => {
  it('is said so, with why, for each way it may: skipped, on its condition, left out, or a status it accepts that leaves the output unset', () => {
    const move = parse({ id: 'move_wal', kind: 'move', title: 'Move the log aside', from: 'a.wal', to: 'b.wal', ifMissing: 'skip', mutates: true, destructive: true });
    expect(mayEndWithoutOutput(move, 'to')).toBe('it has ifMissing: skip, so it is skipped when there is nothing to move');
    expect(mayEndWithoutOutput({ ...partial, onlyIf: { step: 'move_wal', status: 'ok' } }, 'exitCode')).toBe('it has an onlyIf, so it is skipped when that does not hold');
    expect(mayEndWithoutOutput({ ...partial, onlyIfGiven: 'from' }, 'status')).toBe('it has onlyIfGiven: from, so it is left out when that is not given');
    expect(mayEndWithoutOutput({ ...partial, acceptStatuses: ['failed'] }, 'exitCode')).toBe('it accepts "failed" as well as "ok"');
  });

  it('is not, where every way it may end sets the output: a status it accepts that sets it, a skip that leaves its status', () => {
    expect(mayEndWithoutOutput({ ...partial, acceptStatuses: ['partial'] }, 'exitCode')).toBeUndefined();
    expect(mayEndWithoutOutput({ ...partial, onlyIf: { step: 'move_wal', status: 'ok' } }, 'status')).toBeUndefined();
    expect(mayEndWithoutOutput(partial, 'exitCode')).toBeUndefined();
  });
});
