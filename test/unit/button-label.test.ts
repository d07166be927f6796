// A path button's label: within Slack's 75 characters, cut at a word rather than mid-word, "…" when it opens a form.
import { describe, expect, it } from 'vitest';
import { buttonLabel } from '../../src/slack/blocks.js';

describe('buttonLabel', () => {
  it('keeps a short label whole, with "…" when the button opens a form', () => {
    expect(buttonLabel('Path B: Restore from a file backup', true)).toBe('Path B: Restore from a file backup…');
    expect(buttonLabel('Path A: Rebuild from raw dlt state', false)).toBe('Path A: Rebuild from raw dlt state');
  });

  it('cuts a long label at a word, never inside one, within 75 characters', () => {
    const label = buttonLabel('Path N: Clone a named snapshot and check it (then swap, after a second approval)', true);
    expect(label).toBe('Path N: Clone a named snapshot and check it (then swap, after a second…');
    expect(label.length).toBeLessThanOrEqual(75);
  });
});
