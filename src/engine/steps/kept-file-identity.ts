// What a kept Parquet file was when its rows were kept (its size and SHA-256), and why the file at that name now is not it.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { rowsSaid } from '../../plural.js';

/** What an export-rows step records of the file it wrote, so a rollback can tell that file from another of its name. */
export interface KeptFileIdentity {
  bytes: number;
  sha256: string;
}

/**
 * Read in pieces of a megabyte from a read stream: a window's kept rows may be hundreds of megabytes, never held whole,
 * and hashing them in one go would hold the event loop (Slack's acks) for about a second per 500 MB; between pieces it
 * is free.
 */
export async function keptFileIdentity(file: string): Promise<KeptFileIdentity> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const piece of fs.createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    hash.update(piece);
    bytes += piece.length;
  }
  return { bytes, sha256: hash.digest('hex') };
}

/** What the recovery recorded of its kept file, as a rollback step reads it ({{recovery.<keep>.…?}}: empty when not recorded). */
export interface KeptAsRecorded {
  rows: string;
  bytes: string;
  sha256: string;
}

const short = (sha256: string) => sha256.slice(0, 12);

/**
 * Why the file at `file` is not the one the recovery kept its rows in (another file put under its name: cut short, a
 * copy of other rows), or undefined when it is, or when the recovery recorded nothing to tell it by (keptUnchecked says
 * that). The size is compared first: the digest is read only when the sizes agree.
 */
export async function notTheKeptFile(file: string, recorded: KeptAsRecorded): Promise<string | undefined> {
  if (!recorded.sha256) return undefined;
  const size = fs.statSync(file).size;
  const now = String(size) === recorded.bytes ? await keptFileIdentity(file) : undefined;
  if (now && now.sha256 === recorded.sha256) return undefined;
  const rows = recorded.rows ? ` its ${rowsSaid(Number(recorded.rows))} in` : ' its rows in';
  const nowSaid = now ? `${size} bytes too, but sha256 ${short(now.sha256)}…: other contents` : `${size} bytes`;
  return (
    `${file} is not the file the recovery kept${rows}: it recorded ${recorded.bytes} bytes, sha256 ${short(recorded.sha256)}…, when it kept them; the file there now is ${nowSaid}. ` +
    'Nothing was changed: another file was put under its name since (cut short, or other rows), and putting it back would replace the window with rows that are not the ones kept. Put the file the recovery kept back there to roll back, or put the rows back by hand'
  );
}

/** The approver's warning when the recovery recorded nothing to check its file by (it ran before the bot recorded one). */
export function keptUnchecked(file: string, recorded: KeptAsRecorded): string | undefined {
  if (recorded.sha256) return undefined;
  const rows = recorded.rows ? ` (it recorded ${rowsSaid(Number(recorded.rows))} kept)` : '';
  return `The recovery recorded no digest of ${file}${rows}: it ran before the bot recorded one, so this plan could not check that the file there now is the one it kept the rows in. The counts above are of the file as it is now`;
}
