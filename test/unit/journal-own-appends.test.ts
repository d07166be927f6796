// A status after the bot's own lines (each /databox status writes one) is answered by the verification carried over
// them, not by reading the whole journal again; a change another process makes after the bot's own write is seen at
// the next look, one racing the write once the carried trust ends; and a change is never approved on a carried one.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { carriedTrustMs, Journal, type WriteFn } from '../../src/journal/journal.js';
import { useTempDirs } from '../support/fixtures.js';
import { cliArgs, cliEnv } from '../helpers/cli-process.js';

const tempDir = useTempDirs('databox-journal-own-appends-');

/** A minute ahead: the files the test just wrote have settled by then (verified-identity.ts trusts no newer one). */
const aMinuteOn = () => new Date(Date.now() + 60_000);

const command = (text: string) => ({ type: 'command.received', incident: null, actor: 'U0OPERATOR', data: { text } });

/** The journal's trust clock (a minute ahead, see aMinuteOn), moved on past `carriedTrustMs` when the test says. */
function trustClock(): { now: () => Date; passCarriedTrust: () => void } {
  let ahead = 60_000;
  return {
    now: () => new Date(Date.now() + ahead),
    passCarriedTrust: () => {
      ahead += carriedTrustMs;
    },
  };
}

/** A journal of `count` lines, loaded and verified (settled), as a bot has it after its start; `write`: its writes. */
function botJournal(count: number, filesSettledAt = aMinuteOn, write?: WriteFn): { journal: Journal; file: string; dir: string } {
  const dir = tempDir();
  const writer = new Journal(dir);
  writer.load();
  for (let n = 0; n < count; n += 1) writer.append(command(`/databox status ${n}`));
  const journal = new Journal(dir, undefined, undefined, { filesSettledAt, write });
  journal.load();
  return { journal, file: path.join(dir, 'journal.jsonl'), dir };
}

/** The bot's own line of a status, written as the Slack command's is (a background group commit), its head after it. */
async function ownLine(journal: Journal, text: string): Promise<void> {
  await journal.commit(command(text), { background: true });
  await journal.flushed();
}

/** Overwrites bytes in place (no truncation, the size kept), as `dd conv=notrunc` would. */
function overwriteInPlace(file: string, from: string, to: string): void {
  const text = fs.readFileSync(file, 'utf8');
  const at = Buffer.byteLength(text.slice(0, text.indexOf(from)));
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, Buffer.from(to), 0, Buffer.byteLength(to), at);
  fs.closeSync(fd);
}

describe("a status after the bot's own lines", () => {
  it('does not read the journal again, its own lines written by append or by group commit, its head rewritten after them', async () => {
    const { journal } = botJournal(50);
    journal.recheck('status');
    const reads = journal.verifyReads;
    for (let n = 0; n < 5; n += 1) {
      journal.append(command(`/databox status again ${n}`));
      journal.recheck('status');
      await ownLine(journal, `/databox status later ${n}`);
      journal.recheck('status');
      expect(journal.problem).toBeUndefined();
    }
    expect(journal.verifyReads - reads).toBe(0);
  });

  it("leaves the journal's modification time as its write set it: a backup by modification time sees the line", async () => {
    const { journal, file } = botJournal(10);
    journal.recheck('status');
    // No earlier than the write, less twice the coarsest tick a kernel stamps files with (10 ms); set back, it was 1 s early.
    const writtenFromMs = Date.now() - 20;
    journal.append(command('/databox status mine'));
    await ownLine(journal, '/databox status mine too');
    journal.recheck('status');
    expect(fs.statSync(file).mtimeMs).toBeGreaterThanOrEqual(writtenFromMs);
  });

  it('is read again before a change is proposed or approved: that look trusts no verification carried over them', async () => {
    const { journal } = botJournal(10);
    await ownLine(journal, '/databox status');
    const reads = journal.verifyReads;
    journal.requireVerified();
    expect(journal.verifyReads - reads).toBe(1);
  });
});

describe("a same-size edit by another process racing the bot's own write", () => {
  // Landing after the bot's look before its write and before the identity it takes after (here: inside the write, as
  // JournalOptions.write lets a test), the edit is in the identity carried on; statuses may miss it for so long.
  const editLine7 = (file: string) => overwriteInPlace(file, '/databox status 7"', '/databox status 8"');
  const edits: [string, (file: string, write: () => number) => number][] = [
    [
      'between the look before the write and the write',
      (file, write) => {
        editLine7(file);
        return write();
      },
    ],
    [
      'between the write and the identity taken after it',
      (file, write) => {
        const written = write();
        editLine7(file);
        return written;
      },
    ],
  ];

  for (const [when, edit] of edits) {
    it(`is said by the first status once the carried trust ends, however many own lines came after it: an edit ${when}`, async () => {
      const clock = trustClock();
      let racing = false;
      let file = '';
      const write: WriteFn = (fd, buffer) => {
        const real = () => fs.writeSync(fd, buffer);
        if (!racing) return real();
        racing = false;
        return edit(file, real);
      };
      const bot = botJournal(50, clock.now, write);
      const { journal } = bot;
      file = bot.file;
      journal.recheck('status');
      racing = true;
      journal.append(command('/databox status raced'));
      const reads = journal.verifyReads;
      for (let n = 0; n < 5; n += 1) {
        await ownLine(journal, `/databox status after the race ${n}`);
        journal.recheck('status');
      }
      // Within the carried trust: not read, so not seen (what the README owns to).
      expect(journal.verifyReads - reads).toBe(0);
      expect(journal.problem).toBeUndefined();
      clock.passCarriedTrust();
      journal.recheck('status');
      expect(journal.verifyReads - reads).toBe(1);
      expect(journal.problem?.line).toBe(8);
    });
  }

  it('costs a status one read of the journal per carriedTrustMs, the own lines after it carried again', async () => {
    const clock = trustClock();
    const { journal } = botJournal(20, clock.now);
    journal.recheck('status');
    const reads = journal.verifyReads;
    for (let round = 1; round <= 3; round += 1) {
      for (let n = 0; n < 3; n += 1) {
        await ownLine(journal, `/databox status ${round}.${n}`);
        journal.recheck('status');
      }
      expect(journal.verifyReads - reads).toBe(round - 1);
      clock.passCarriedTrust();
      await ownLine(journal, `/databox status ${round} later`);
      journal.recheck('status');
      expect(journal.verifyReads - reads).toBe(round);
    }
    expect(journal.problem).toBeUndefined();
  });
});

describe("a change by another process right after the bot's own line", () => {
  const changes: [string, (file: string) => void, RegExp][] = [
    ['an earlier line overwritten in place, the size kept', (file) => overwriteInPlace(file, '/databox status 7"', '/databox status 8"'), /at line 8 /],
    ['the file written again whole, the size kept', (file) => fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('/databox status 7"', '/databox status 8"')), /at line 8 /],
    ['its last lines cut', (file) => fs.truncateSync(file, fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(0, -2).join('\n').length + 1), /lines were removed from its end/],
    [
      'another file put in its place',
      (file) => {
        fs.writeFileSync(`${file}.new`, fs.readFileSync(file, 'utf8').replace('/databox status 7"', '/databox status 8"'));
        fs.renameSync(`${file}.new`, file);
      },
      /at line 8 /,
    ],
    ['a line appended by hand', (file) => fs.appendFileSync(file, '{"seq":99}\n'), /at line 53 /],
    [
      'its head rewritten to name a later line',
      (file) => {
        const head = JSON.parse(fs.readFileSync(`${file}.head`, 'utf8')) as { seq: number; hash: string };
        fs.writeFileSync(`${file}.head`, JSON.stringify({ ...head, seq: head.seq + 5 }));
      },
      /lines were removed from its end/,
    ],
  ];

  for (const [what, change, said] of changes) {
    it(`is seen by the next status: ${what}`, async () => {
      const { journal, file } = botJournal(50);
      journal.recheck('status');
      journal.append(command('/databox status mine'));
      await ownLine(journal, '/databox status mine too');
      change(file);
      journal.recheck('status');
      expect(journal.problem?.reason).toBeDefined();
      expect(`at line ${journal.problem?.line} ${journal.problem?.reason}`).toMatch(said);
    });
  }

  it('made with no time for the clock to move on after the write, is seen at once or, on coarse file times, once the carried trust ends', () => {
    const clock = trustClock();
    const { journal, file } = botJournal(50, clock.now);
    journal.recheck('status');
    for (let n = 0; n < 20; n += 1) {
      journal.append(command(`/databox status ${n} mine`));
      const swap = n % 2 === 0 ? ['/databox status 7"', '/databox status 8"'] : ['/databox status 8"', '/databox status 7"'];
      overwriteInPlace(file, swap[0] as string, swap[1] as string);
      journal.recheck('status');
      // A kernel before 6.13 stamps both within the same timer tick alike: the identity can stay, for carriedTrustMs.
      if (!journal.problem) {
        clock.passCarriedTrust();
        journal.recheck('status');
      }
      expect(journal.problem, `after own line ${n}`).toBeDefined();
      overwriteInPlace(file, swap[1] as string, swap[0] as string);
      journal.recheck('status');
    }
  });

  it("is read once when the terminal appends a line (its own process, under the journal's lock), and verifies", async () => {
    const { journal, dir, file } = botJournal(20);
    journal.recheck('status');
    await ownLine(journal, '/databox status');
    const reads = journal.verifyReads;
    const lines = () => fs.readFileSync(file, 'utf8').trimEnd().split('\n').length;
    const before = lines();
    // Refused (no such plan), and journaled so: a line of the terminal's own, written under the journal's lock.
    const result = await execa(process.execPath, [...cliArgs, 'unlock', 'dbx-20260101-0000/1'], { cwd: dir, env: cliEnv({ DATABOX_ROOT: dir, DATABOX_STATE_DIR: dir }), extendEnv: false, reject: false, timeout: 45_000 });
    expect(String(result.stderr)).toContain('no plan "dbx-20260101-0000/1"');
    expect(lines()).toBe(before + 1);
    journal.recheck('status');
    expect(journal.verifyReads - reads).toBe(1);
    expect(journal.problem).toBeUndefined();
    // Its line was read and checked: the bot's next lines carry the verification on from it.
    await ownLine(journal, '/databox status after the terminal');
    journal.recheck('status');
    expect(journal.verifyReads - reads).toBe(1);
  });
});
