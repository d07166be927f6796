// What the reporter remembers of its messages' contents: an update that changes nothing is told apart, and only so many
// messages are remembered.
import { describe, expect, it } from 'vitest';
import { section, type Rendered } from '../../src/slack/blocks.js';
import { MessageContents } from '../../src/slack/message-contents.js';

const message = (ts: string) => ({ channel: 'C0INCIDENT', ts });

describe('MessageContents', () => {
  it('knows what Slack last took for a message, text and blocks alike', () => {
    const contents = new MessageContents();
    const running: Rendered = { text: 'Recovery running', blocks: [section('step 1 of 3')] };
    expect(contents.shows(message('1.1'), running)).toBe(false);
    contents.took(message('1.1'), running);
    expect(contents.shows(message('1.1'), { ...running })).toBe(true);
    expect(contents.shows(message('1.1'), { ...running, text: 'Recovery succeeded' })).toBe(false);
    expect(contents.shows(message('1.1'), { ...running, blocks: [] })).toBe(false);
    expect(contents.shows(message('1.2'), running)).toBe(false);
    expect(contents.shows({ channel: 'C0OTHER', ts: '1.1' }, running)).toBe(false);
    contents.took(message('1.1'), { ...running, text: 'Recovery succeeded' });
    expect(contents.shows(message('1.1'), running)).toBe(false);
  });

  it('forgets the message it heard of longest ago once it knows a thousand, not one it has just updated', () => {
    const contents = new MessageContents();
    const shown: Rendered = { text: 'x', blocks: [] };
    for (let i = 0; i < 1_000; i += 1) contents.took(message(`1.${i}`), shown);
    contents.took(message('1.0'), shown);
    contents.took(message('2.0'), shown);
    expect(contents.shows(message('1.0'), shown)).toBe(true);
    expect(contents.shows(message('1.1'), shown)).toBe(false);
    expect(contents.shows(message('1.2'), shown)).toBe(true);
    expect(contents.shows(message('2.0'), shown)).toBe(true);
  });
});
