// How a guard's accepted status is said: a problem it lets pass carries a note, good news it hopes for does not.
import { describe, expect, it } from 'vitest';
import { acceptedNote } from '../../src/engine/step-passed.js';

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
