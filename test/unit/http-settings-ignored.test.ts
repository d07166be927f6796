// Which settings make the start warn that Socket Mode ignores HTTP mode's: SLACK_APP_TOKEN set, and one of them set too.
import { describe, expect, it } from 'vitest';
import { httpSettingsIgnored } from '../../src/slack/http-settings-ignored.js';

describe('httpSettingsIgnored', () => {
  it('names only the HTTP mode settings that are set, with what to do for HTTP mode', () => {
    expect(httpSettingsIgnored({ SLACK_APP_TOKEN: 'xapp-1', PORT: '3111' })).toBe(
      'the bot runs in Socket Mode, as SLACK_APP_TOKEN is set: PORT is for HTTP mode and ignored; to use HTTP mode instead, leave SLACK_APP_TOKEN empty or remove it (README, "HTTP mode instead")',
    );
  });

  it('says nothing in HTTP mode, with SLACK_APP_TOKEN empty as .env.example leaves it, or with no HTTP setting beside the app token', () => {
    expect(httpSettingsIgnored({ SLACK_SIGNING_SECRET: 'abc', PORT: '3111' })).toBeUndefined();
    expect(httpSettingsIgnored({ SLACK_APP_TOKEN: '', SLACK_SIGNING_SECRET: 'abc', PORT: '3111' })).toBeUndefined();
    expect(httpSettingsIgnored({ SLACK_APP_TOKEN: 'xapp-1', SLACK_SIGNING_SECRET: '', PORT: '' })).toBeUndefined();
  });
});
