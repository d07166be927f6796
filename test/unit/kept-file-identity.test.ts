// A kept file's digest is read off the event loop's back: a timer set as the hash starts fires before it ends, and the
// size and SHA-256 are those of the whole file read at once.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keptFileIdentity } from '../../src/engine/steps/kept-file-identity.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kept-identity-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("a kept file's identity", () => {
  it('is the size and SHA-256 of the whole file, and lets a timer run while it hashes a large one', async () => {
    // 24 MB of varied bytes: many pieces of the hash's megabyte, and a last one cut short.
    const contents = Buffer.alloc(24 * (1 << 20) + 12_345);
    for (let i = 0; i < contents.length; i += 4) contents.writeUInt32LE((i * 2_654_435_761) >>> 0, Math.min(i, contents.length - 4));
    const file = path.join(dir, 'kept.parquet');
    fs.writeFileSync(file, contents);

    const events: string[] = [];
    const hashed = keptFileIdentity(file).then((identity) => {
      events.push('hashed');
      return identity;
    });
    setTimeout(() => events.push('timer fired'), 0);
    const identity = await hashed;

    expect(events).toEqual(['timer fired', 'hashed']);
    expect(identity).toEqual({ bytes: contents.length, sha256: createHash('sha256').update(contents).digest('hex') });
  });

  it('of an empty file: no bytes, the digest of nothing', async () => {
    const file = path.join(dir, 'empty.parquet');
    fs.writeFileSync(file, '');
    expect(await keptFileIdentity(file)).toEqual({ bytes: 0, sha256: createHash('sha256').digest('hex') });
  });
});
