// Calls given a time to answer: one that never does is answered as not answering, and its key is not called again beside it.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UnansweredCalls } from '../../src/unanswered-calls.js';

describe('UnansweredCalls', () => {
  afterEach(() => vi.useRealTimers());

  it('answers a call that does not answer in time as not answering, answers its key so at once until it does, then calls again', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const calls = new UnansweredCalls(20_000);
    let answer: ((value: string) => void) | undefined;
    let sent = 0;
    const hangs = () => ((sent += 1), new Promise<string>((resolve) => (answer = resolve)));
    const notAnswering = (since: number) => `not answering since ${new Date(since).toISOString()}`;
    const started = new Date().toISOString();

    const first = calls.run('a', hangs, notAnswering);
    await vi.advanceTimersByTimeAsync(5_000);
    // Within the time, a second call of the key is sent, given what is left of the first's time.
    const second = calls.run('a', async () => ((sent += 1), 'second'), notAnswering);
    expect(calls.overdue()).toEqual([]);
    await vi.advanceTimersByTimeAsync(15_000);
    expect(await first).toBe(`not answering since ${started}`);
    expect(await second).toBe('second');
    expect(calls.overdue()).toEqual([{ key: 'a', since: Date.parse(started) }]);

    // Overdue: answered at once, nothing sent; another key is not held by it.
    expect(await calls.run('a', async () => ((sent += 1), 'never sent'), notAnswering)).toBe(`not answering since ${started}`);
    expect(await calls.run('b', async () => 'b answers', notAnswering)).toBe('b answers');
    expect(sent).toBe(2);

    answer?.('late');
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.overdue()).toEqual([]);
    expect(await calls.run('a', async () => ((sent += 1), 'again'), notAnswering)).toBe('again');
    expect(sent).toBe(3);
  });

  it('passes a failure through, and forgets the call', async () => {
    const calls = new UnansweredCalls(20_000);
    await expect(calls.run('a', async () => Promise.reject(new Error('no such file')), () => 'x')).rejects.toThrow('no such file');
    expect(calls.overdue()).toEqual([]);
  });
});
