// Reads ./.env when there is one, so `npm start` after filling in a copy of .env.example just works.
import fs from 'node:fs';
import path from 'node:path';

/** Variables already set in the environment win over the file, as with `node --env-file`. */
export function loadDotEnv(dir = process.cwd()): string | undefined {
  const file = path.join(dir, '.env');
  if (!fs.existsSync(file)) return undefined;
  process.loadEnvFile(file);
  return file;
}
