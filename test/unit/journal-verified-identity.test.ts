// A repeated look at an unchanged journal (each /databox status rechecks it) is answered by the last verification
// instead of reading the whole file again; any change to the journal or its head since is still seen at the next look.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal } from '../../src/journal/journal.js';
import { useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('databox-journal-identity-');

/** A minute ahead: the files the test just wrote have settled by then (verified-identity.ts trusts no newer one). */
const aMinuteOn = () => new Date(Date.now() + 60_000);
const settled = (dir: string) => new Journal(dir, undefined, undefined, { filesSettledAt: aMinuteOn });

function journalWith(count: number, filesSettledAt = aMinuteOn): { journal: Journal; file: string } {
  const dir = tempDir();
  const journal = new Journal(dir, undefined, undefined, { filesSettledAt });
  journal.load();
  for (let n = 0; n < count; n += 1) journal.append({ type: 'command.received', incident: null, actor: 'U0OPERATOR', data: { text: `/databox status ${n}` } });
  return { journal, file: path.join(dir, 'journal.jsonl') };
}

/** Cuts the journal's last `count` lines under the running process, as the tester's `head -n -3` did. */
function cutEnd(file: string, count: number): void {
  const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
  fs.writeFileSync(file, `${lines.slice(0, -count).join('\n')}\n`);
}

describe('a journal looked at again unchanged', () => {
  it('is not read again while it still fails verification', () => {
    const { journal, file } = journalWith(20);
    cutEnd(file, 3);
    const before = journal.verifyReads;
    expect(() => journal.requireVerified()).toThrow(/lines were removed from its end/);
    expect(() => journal.requireVerified()).toThrow(/lines were removed from its end/);
    expect(journal.verifyReads - before).toBe(1);
  });

  it('is not read again while it verifies', () => {
    const { journal } = journalWith(20);
    journal.requireVerified();
    const before = journal.verifyReads;
    journal.requireVerified();
    journal.requireVerified();
    expect(journal.verifyReads).toBe(before);
  });

  it('is not read again by the first look after a load, failed or not (the terminal\'s status)', () => {
    const edited = journalWith(20);
    fs.writeFileSync(edited.file, fs.readFileSync(edited.file, 'utf8').replace('/databox status 7"', '/databox status 8"'));
    const intact = journalWith(5);
    for (const file of [edited.file, intact.file]) {
      const loaded = settled(path.dirname(file));
      loaded.load();
      loaded.recheck();
      expect(loaded.problem !== undefined).toBe(file === edited.file);
      expect(loaded.verifyReads).toBe(0);
    }
  });

  it('is read again when it changed too recently to tell a later change of the same size from it', () => {
    const { journal } = journalWith(5, () => new Date());
    journal.requireVerified();
    const before = journal.verifyReads;
    journal.requireVerified();
    expect(journal.verifyReads - before).toBe(1);
  });
});

describe('a journal changed between two looks', () => {
  it('is seen edited in place, its size kept', () => {
    const { journal, file } = journalWith(20);
    journal.requireVerified();
    journal.requireVerified();
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('/databox status 7"', '/databox status 8"'));
    expect(() => journal.requireVerified()).toThrow(/failed verification at line 8/);
  });

  it('is seen cut, and seen replaced by a copy of itself after it failed', () => {
    const { journal, file } = journalWith(20);
    journal.requireVerified();
    cutEnd(file, 3);
    expect(() => journal.requireVerified()).toThrow(/lines were removed from its end/);
    const reads = journal.verifyReads;
    fs.copyFileSync(file, `${file}.copy`);
    fs.renameSync(`${file}.copy`, file);
    expect(() => journal.requireVerified()).toThrow(/lines were removed from its end/);
    expect(journal.verifyReads - reads).toBe(1);
  });

  it('is seen when only its head changed', () => {
    const { journal, file } = journalWith(20);
    journal.requireVerified();
    const head = `${file}.head`;
    expect(fs.existsSync(head)).toBe(true);
    const text = fs.readFileSync(head, 'utf8');
    const seq = (JSON.parse(text) as { seq: number }).seq;
    fs.writeFileSync(head, text.replace(`"seq":${seq}`, `"seq":${seq + 5}`));
    expect(() => journal.requireVerified()).toThrow(/failed verification/);
  });
});
