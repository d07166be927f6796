// An excerpt of an output whose middle was never kept says how much of the whole it leaves out, not how much of what was kept.
import { describe, expect, it } from 'vitest';
import { excerpt } from '../../src/excerpt.js';
import { OutputCapture } from '../../src/process/run-command.js';

describe('excerpt of a long output', () => {
  it('counts the characters an earlier cut left out among those it leaves out', () => {
    const whole = Array.from({ length: 200_000 }, (_, i) => String(i + 1)).join('\n');
    const capture = new OutputCapture(undefined, { head: 4_000, tail: 12_000 });
    for (let at = 0; at < whole.length; at += 1_000) capture.push(whole.slice(at, at + 1_000));
    const kept = capture.finish();
    expect(capture.omitted).toBeGreaterThan(1_000_000);
    const shown = excerpt(kept, 1_200);
    const counted = Number(/\[… (\d+) characters omitted …\]/.exec(shown)?.[1]);
    const [head, tail] = shown.split(/\n\[… \d+ characters omitted …\]\n/) as [string, string];
    // What is shown plus what is said to be left out is the whole, line ends and all.
    expect(head.length + counted + tail.length).toBe(whole.length);
    expect(shown).not.toMatch(/omitted[\s\S]*omitted/);
  });
});
