// The Docker image's HEALTHCHECK: reads the settings as the bot does (the environment, then ./.env) and asks its /healthz.
import { ConfigError } from './config.js';
import { loadSettings } from './load-settings.js';

/** Exits 0 when the bot answers, else 1 with one line on stderr, which `docker inspect` shows. */
async function healthcheck(): Promise<number> {
  const config = loadSettings();
  if (config instanceof ConfigError) {
    console.error(`databox-bot healthcheck: ${config.message}`);
    return 1;
  }
  // Socket Mode: Bolt listens on no port, so the bot serves /healthz on loopback, on HEALTH_PORT (health-listener.ts).
  const url = `http://127.0.0.1:${config.slack.appToken ? config.slack.healthPort : config.slack.port}/healthz`;
  try {
    const answer = await fetch(url, { signal: AbortSignal.timeout(4_000) });
    if (answer.ok) return 0;
    console.error(`databox-bot healthcheck: ${url} answered HTTP ${answer.status}${reasonIn(await answer.text())}`);
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause ?? (error as Error);
    console.error(`databox-bot healthcheck: ${url} did not answer: ${cause.message}`);
  }
  return 1;
}

/** The bot's one-line reason in its 503 (`{ ok: false, reason }`), after a colon; nothing for another body. */
function reasonIn(body: string): string {
  try {
    const { reason } = JSON.parse(body) as { reason?: unknown };
    return typeof reason === 'string' ? `: ${reason}` : '';
  } catch {
    return '';
  }
}

// Anything else (a mounted .env it cannot read) is one line too: `docker inspect` shows it, where a stack is noise.
healthcheck().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`databox-bot healthcheck: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
