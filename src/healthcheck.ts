// The Docker image's HEALTHCHECK: reads the settings as the bot does (the environment, then ./.env) and asks its /healthz.
import { ConfigError, loadConfig } from './config.js';
import { loadDotEnv } from './env-file.js';

/** Exits 0 when the bot answers, else 1 with one line on stderr, which `docker inspect` shows. */
async function healthcheck(): Promise<number> {
  let config;
  try {
    loadDotEnv();
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`databox-bot healthcheck: ${error.message}`);
      return 1;
    }
    throw error;
  }
  // Socket Mode has no HTTP listener to ask: the check passes while the container runs, which it does while the bot does.
  if (config.slack.appToken) return 0;
  const url = `http://127.0.0.1:${config.slack.port}/healthz`;
  try {
    const answer = await fetch(url, { signal: AbortSignal.timeout(4_000) });
    if (answer.ok) return 0;
    console.error(`databox-bot healthcheck: ${url} answered HTTP ${answer.status}`);
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause ?? (error as Error);
    console.error(`databox-bot healthcheck: ${url} did not answer: ${cause.message}`);
  }
  return 1;
}

healthcheck().then((code) => process.exit(code));
