// A rollback putting back what a recovery journaled before the bot recorded what it set aside (restore-rows' keptAs,
// move's movedAs, empty): it is put back as before, and the plan says it could not be checked; recorded, another file refuses it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stepKind } from '../../src/engine/steps/index.js';
import { keptFileIdentity } from '../../src/engine/steps/kept-file-identity.js';
import { movedIdentity } from '../../src/disk/moved-file-identity.js';
import type { ResolvedStep } from '../../src/engine/types.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'put-back-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const restoreRows = (from: string, keptAs: { rows: string; bytes: string; sha256: string }) =>
  ({ id: 'restore_rows', title: 'Put the rows back', kind: 'restore-rows', target: 'backend', table: 'raw.t', from, key: '', keptAs, mutates: true, destructive: true, timeoutMs: 60_000 }) as unknown as ResolvedStep;
const putBack = (from: string, movedAs: string) =>
  ({ id: 'restore_db', title: 'Put the original file back', kind: 'move', from, to: path.join(dir, 'databox.duckdb'), ifMissing: 'fail', ifTaken: 'fail', movedAs, mutates: true, destructive: true, timeoutMs: 60_000 }) as unknown as ResolvedStep;

describe('a put-back of what a recovery set aside', () => {
  it('of kept rows the recovery recorded nothing of: not refused, and the plan says the file could not be checked', async () => {
    const kept = path.join(dir, 'kept.parquet');
    fs.writeFileSync(kept, 'rows');
    const step = restoreRows(kept, { rows: '', bytes: '', sha256: '' });
    expect(await stepKind('restore-rows').refusal?.(step as never)).toBeUndefined();
    expect(stepKind('restore-rows').planWarning?.(step as never)).toContain(`The recovery recorded no digest of ${kept}: it ran before the bot recorded one, so this plan could not check that the file there now is the one it kept the rows in`);
  });

  it('of kept rows recorded: the same file passes, another of the same size is refused for its digest', async () => {
    const kept = path.join(dir, 'kept.parquet');
    fs.writeFileSync(kept, 'rows');
    const { bytes, sha256 } = await keptFileIdentity(kept);
    const step = restoreRows(kept, { rows: '4', bytes: String(bytes), sha256 });
    expect(await stepKind('restore-rows').refusal?.(step as never)).toBeUndefined();
    expect(stepKind('restore-rows').planWarning?.(step as never)).toBeUndefined();
    fs.writeFileSync(kept, 'rowz');
    expect(await stepKind('restore-rows').refusal?.(step as never)).toContain(`${kept} is not the file the recovery kept its 4 rows in: it recorded 4 bytes, sha256 ${sha256.slice(0, 12)}…, when it kept them; the file there now is 4 bytes too, but sha256 `);
  });

  it('of a moved file the recovery recorded nothing of: not refused, and the plan says it could not be checked; a directory is not pinned', () => {
    const broken = path.join(dir, 'databox.duckdb.broken');
    fs.writeFileSync(broken, 'broken');
    expect(stepKind('move').refusal?.(putBack(broken, '') as never)).toBeUndefined();
    expect(stepKind('move').planWarning?.(putBack(broken, '') as never)).toBe(
      `The recovery recorded nothing of what it moved to ${broken} (it ran before the bot recorded it), so this plan could not check that what is there now is what it set aside`,
    );
    expect(movedIdentity(dir)).toBe('a directory');
    expect(stepKind('move').planWarning?.(putBack(broken, movedIdentity(broken)!) as never)).toBeUndefined();
  });
});
