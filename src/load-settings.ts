// Reads the bot's settings as its entry points do: the environment, then ./.env, so the bot and its healthcheck agree.
import { type Config, ConfigError, loadConfig } from './config.js';
import { loadDotEnv } from './env-file.js';

/** The settings, or the operator's mistake in them (returned, not thrown, so each entry point says it its own way). */
export function loadSettings(): Config | ConfigError {
  try {
    loadDotEnv();
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
}
