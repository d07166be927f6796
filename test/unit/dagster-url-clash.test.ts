// DAGSTER_URL at the bot's own HTTP receiver is refused at start; anywhere else it is Dagster's.
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { dagsterUrlClash } from '../../src/dagster-url-clash.js';

const httpMode = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 's' };

function clash(env: Record<string, string>) {
  return dagsterUrlClash(loadConfig(env), env);
}

describe('dagsterUrlClash', () => {
  it.each([
    ['the default PORT', { DAGSTER_URL: 'http://127.0.0.1:3000' }, 'PORT (unset: 3000, its default)'],
    ['localhost', { PORT: '3177', DAGSTER_URL: 'http://localhost:3177/' }, 'PORT=3177'],
    ['0.0.0.0', { PORT: '3177', DAGSTER_URL: 'http://0.0.0.0:3177' }, 'PORT=3177'],
    ['IPv6 loopback', { PORT: '3177', DAGSTER_URL: 'http://[::1]:3177' }, 'PORT=3177'],
    ["the scheme's port", { PORT: '80', DAGSTER_URL: 'http://localhost' }, 'PORT=80'],
    ["this host's name", { PORT: '3177', DAGSTER_URL: `http://${os.hostname()}:3177` }, 'PORT=3177'],
  ])('refuses one at the bot itself in HTTP mode: %s', (_name, env, portSetting) => {
    expect(clash({ ...httpMode, ...env })).toBe(
      `invalid configuration: DAGSTER_URL=${env.DAGSTER_URL} is this bot's own address: ${portSetting} is where the bot itself listens in HTTP mode, ` +
        `so its watchers and scenario 4 would ask the bot, not Dagster. Port 3000 is both the bot's default PORT and Dagster's webserver's: ` +
        `set PORT to another port (such as 3001), or DAGSTER_URL to where the webserver listens (dagster-webserver -p <port>)`,
    );
  });

  it.each([
    ['another port', { ...httpMode, PORT: '3001', DAGSTER_URL: 'http://127.0.0.1:3000' }],
    ['another host', { ...httpMode, DAGSTER_URL: 'http://dagster.internal:3000' }],
    ['Socket Mode, which listens on no port', { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_APP_TOKEN: 'xapp-1-A0-1-abc', DAGSTER_URL: 'http://127.0.0.1:3000' }],
    ['PORT=0, any free port', { ...httpMode, PORT: '0', DAGSTER_URL: 'http://127.0.0.1:0' }],
    ['no DAGSTER_URL', { ...httpMode }],
  ])('lets %s be', (_name, env) => {
    expect(clash(env)).toBeUndefined();
  });
});
