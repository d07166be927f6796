// Reads ./.env when there is one, so `npm start` after filling in a copy of .env.example just works.
import fs from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError } from './config.js';

/**
 * Variables already set in the environment win over the file, as with `node --env-file`. A value that would be read
 * as a comment stops the start (ConfigError) before anything is set.
 */
export function loadDotEnv(dir = process.cwd()): string | undefined {
  const file = path.join(dir, '.env');
  if (!fs.existsSync(file)) return undefined;
  if (fs.statSync(file).isDirectory()) {
    throw new ConfigError(
      `invalid configuration: ${file} is a folder, not a file of settings (Docker makes one where it bind-mounts a file missing on the host): remove it and put the .env file there, or mount the file that exists`,
    );
  }
  // An editor's "UTF-8 with BOM" puts U+FEFF before the first name, which Node's reader keeps as part of it: the first
  // setting (DATABOX_APPROVERS, say) would be left unset without a word.
  const text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const commented = valueReadAsComment(text);
  if (commented) {
    const advice =
      commented.name === 'DATABOX_ALERT_CHANNEL'
        ? "give the channel's ID (such as C012ABCDEF, at the bottom of the channel's details), not its name"
        : `quote the value (${commented.name}="#…") if the # is part of it`;
    throw new ConfigError(
      `invalid configuration: ${file} line ${commented.line}: the value of ${commented.name} starts with #, which a .env file reads as the start of a comment, so ${commented.name} would be empty: ${advice}`,
    );
  }
  for (const [name, value] of Object.entries(parseEnv(text))) process.env[name] ??= value;
  return file;
}

/**
 * KEY=#x, and KEY= #x too when a word follows the # at once (a channel's name, #incidents): a comment after a space
 * reads "# note", so KEY= # note stays what it looks like, a value left empty.
 */
const startsWithHash = /^(\s*(?:export\s+)?([\w.-]+)\s*=)(?:#| +#(?=[^\s#]))/;

/**
 * The first assignment whose unquoted value starts with # (KEY=#incidents) and which Node's reader sets empty, taking
 * the # for a comment's. A line that only looks like one may sit inside a quoted value of several lines, so Node's own
 * parser decides: each such line's value is replaced by a mark of its own and a comment, and a variable read as its
 * line's mark was assigned on that line (and by no later one, which would win).
 */
function valueReadAsComment(text: string): { line: number; name: string } | undefined {
  const lines = text.split('\n');
  const mark = (line: number) => `databox-line-${line}`;
  const candidates = lines.flatMap((line, i) => {
    const found = startsWithHash.exec(line);
    return found ? [{ line: i + 1, name: found[2] as string }] : [];
  });
  if (candidates.length === 0) return undefined;
  const read = parseEnv(text);
  const marked = parseEnv(lines.map((line, i) => line.replace(startsWithHash, `$1${mark(i + 1)} #`)).join('\n'));
  return candidates.find(({ line, name }) => marked[name] === mark(line) && read[name] === '');
}
