// Whether DAGSTER_URL points at the bot's own HTTP receiver: 3000 is both Bolt's default PORT and Dagster webserver's.
import os from 'node:os';
import type { Config } from './config.js';

/** Names that reach this host itself, as the URL class writes them: the bot's receiver listens on every interface. */
function isThisHost(hostname: string): boolean {
  const name = hostname.toLowerCase();
  return (
    name === 'localhost' ||
    name.endsWith('.localhost') ||
    /^127\.\d+\.\d+\.\d+$/.test(name) ||
    name === '0.0.0.0' ||
    name === '[::1]' ||
    name === '[::]' ||
    /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(name) ||
    name === os.hostname().toLowerCase()
  );
}

/**
 * Why the bot may not start with this DAGSTER_URL, or undefined: in HTTP mode, one at this host on the bot's own PORT
 * would have the watchers and scenario 4 ask the bot itself, which answers 404, as if Dagster's webserver were broken.
 */
export function dagsterUrlClash(config: Config, env: Record<string, string | undefined>): string | undefined {
  const { url } = config.dagster;
  if (!url || config.slack.appToken || config.slack.port === 0) return undefined;
  const parsed = new URL(url);
  const port = Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80));
  if (port !== config.slack.port || !isThisHost(parsed.hostname)) return undefined;
  const portSetting = env.PORT ? `PORT=${env.PORT.trim()}` : `PORT (unset: ${config.slack.port}, its default)`;
  return (
    `invalid configuration: DAGSTER_URL=${url} is this bot's own address: ${portSetting} is where the bot itself listens in HTTP mode, ` +
    `so its watchers and scenario 4 would ask the bot, not Dagster. Port 3000 is both the bot's default PORT and Dagster's webserver's: ` +
    `set PORT to another port (such as 3001), or DAGSTER_URL to where the webserver listens (dagster-webserver -p <port>)`
  );
}
