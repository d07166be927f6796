// How a step's outcome is said: a guard's accepted status carries a note (good news it hopes for does not), and a run's steps are counted.
import { describe, expect, it } from 'vitest';
import { acceptedNote, passedCount } from '../../src/engine/step-passed.js';

describe('acceptedNote', () => {
  const notHeld = { guard: true, acceptStatuses: ['missing', 'corrupt', 'wal-damaged'] };

  it('notes a problem a guard lets pass, so a red-looking status is not read as the guard failing', () => {
    expect(acceptedNote(notHeld, 'corrupt')).toBe(' (accepted by this check)');
    expect(acceptedNote({ guard: true, acceptStatuses: ['wal-damaged'] }, 'wal-damaged')).toBe(' (accepted by this check)');
  });

  it('says nothing after good news a guard asks for (a restorable moment), after ok, or after a status it refused', () => {
    expect(acceptedNote({ guard: true, acceptStatuses: ['restorable'] }, 'restorable')).toBe('');
    expect(acceptedNote({ guard: true, acceptStatuses: ['healthy'] }, 'healthy')).toBe('');
    expect(acceptedNote(notHeld, 'ok')).toBe('');
    expect(acceptedNote(notHeld, 'locked')).toBe('');
  });

  it('says nothing after a step that is no guard: its accepted status is its goal', () => {
    expect(acceptedNote({ acceptStatuses: ['fresh'] }, 'fresh')).toBe('');
    expect(acceptedNote({ guard: false, acceptStatuses: ['corrupt'] }, 'corrupt')).toBe('');
  });
});

describe('passedCount', () => {
  it('counts a skipped step apart from those that passed, as a validation that stopped at its first step reads', () => {
    const steps = [{ id: 'freshness', acceptStatuses: [] }, { id: 'verify', acceptStatuses: [] }];
    expect(passedCount(steps, [{ stepId: 'freshness', status: 'stale' }, { stepId: 'verify', status: 'skipped' }])).toBe('0 steps passed, 1 skipped (each says why), 1 did not');
  });
});
