// Reads and verifies the journal on disk, builds an incident's postmortem and writes it under <state dir>/postmortems/.
import { journalNamed } from '../incidents/journal-named.js';
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { compactTimestamp } from '../timestamps.js';
import { moveWithoutOverwriting } from '../engine/steps/move-without-overwriting.js';
import { checkHead, readHead } from '../journal/head.js';
import { verifyJournal, type JournalVerification } from '../journal/accepted-damage.js';
import { unacknowledgedTornTail, withAcknowledgedTorn, type UnacknowledgedTorn } from '../journal/torn-tail.js';
import { requireReadableJournal } from '../journal/journal-unreadable.js';
import type { Runbook } from '../runbook/schema.js';
import { buildPostmortem } from './build-postmortem.js';
import { keptLookedAt } from './kept-looked-at.js';
import { sameButWhereWritten } from './same-but-where-written.js';
import { withHumansPart } from './humans-part.js';
import { withLinesPastTheDamage } from './past-the-damage.js';

import { incidentIdPattern } from '../commands/parse.js';

export interface JournalOnDisk {
  file: string;
  text: string;
  verify: JournalVerification;
  /** Lines in the file, verified or not. */
  lineCount: number;
  /** Its last line, cut short while it was written and never acknowledged: not verified, and no damage (see torn-tail.ts). */
  tornTail?: UnacknowledgedTorn;
}

export function journalFile(stateDir: string): string {
  return path.join(stateDir, 'journal.jsonl');
}

/** Reads the journal without creating anything: a missing journal is an empty one; one that cannot be read is refused. */
export function readJournal(stateDir: string): JournalOnDisk {
  const file = journalFile(stateDir);
  requireReadableJournal(file);
  // The head first: lines are written before their head, so a bot appending meanwhile never reads as lines removed.
  const head = readHead(file);
  const bytes = fs.existsSync(file) ? fs.readFileSync(file) : Buffer.alloc(0);
  const text = bytes.toString('utf8');
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  // A write cut short that nobody was told of is left for the next writer to set aside, as no damage: the lines before it are verified.
  const tornTail = unacknowledgedTornTail(bytes, head);
  const whole = tornTail ? bytes.subarray(0, bytes.length - tornTail.bytes).toString('utf8') : text;
  const verify = withAcknowledgedTorn(checkHead(verifyJournal(whole), head, file), text, head);
  return { file, text, verify, lineCount: lines.length, ...(tornTail ? { tornTail } : {}) };
}

export interface WritePostmortemOptions {
  stateDir: string;
  runbooks: ReadonlyMap<string, Runbook>;
  /** The checkout on this machine; runs recorded without theirs (journals from before) are shown relative to it. */
  root: string;
  /**
   * Null where DATABOX_ROOT is not set (a terminal reading a state dir copied elsewhere), so `root` is only a guess and
   * no file the plans kept is looked at; otherwise they are, where `root` is their plan's checkout.
   */
  checkoutHere?: null;
  incidentId: string;
  /** Applied to the document before it is written or shown: a secret that reached the journal goes no further. */
  redact?: (text: string) => string;
  /** When it is written, by the caller's clock (now by default): plans waiting past their deadline have expired by then. */
  writtenAt?: Date;
}

export interface WrittenPostmortem {
  markdown: string;
  /** Where it is written (or would have been, when `unwritten` says why not). */
  file: string;
  journal: JournalOnDisk;
  /** Why it could not be written (a full disk, a read-only state dir): the document is still built, and shown. */
  unwritten?: string;
  /** Where the postmortem written before was kept, as it differed from this one (edited by hand, or older). */
  keptAside?: string;
  /** Whether this one has the earlier one's Root cause and Follow-ups, which someone had filled in. */
  carried?: boolean;
}

export function writePostmortem(options: WritePostmortemOptions): WrittenPostmortem {
  const { stateDir, incidentId } = options;
  if (!incidentIdPattern.test(incidentId)) {
    throw new UserError(`"${incidentId.slice(0, 60)}" is not an incident id (they look like dbx-20260420-3fa2)`);
  }
  const journal = readJournal(stateDir);
  const built = buildPostmortem({
    incidentId,
    verify: withLinesPastTheDamage(journal.verify),
    runbooks: options.runbooks,
    root: options.root,
    journalFile: journal.file,
    tornTail: journal.tornTail,
    writtenAt: options.writtenAt ?? new Date(),
    keptNow: keptLookedAt(options.checkoutHere === null ? undefined : options.root),
  });
  // A journal that fails verification still yields a postmortem, as long as the incident is in it at all.
  if (!built.found && !(journal.verify.problem && journal.text.includes(`"incident":"${incidentId}"`))) {
    throw new UserError(`no incident ${incidentId} in ${journalNamed(journal.file)}`, undefined, `no incident ${incidentId} in ${journalNamed(journal.file, "the bot's journal")}`);
  }
  const dir = path.join(stateDir, 'postmortems');
  const file = path.join(dir, `${incidentId}.md`);
  // The humans' Root cause and Follow-ups, which the journal does not hold, stay in the postmortem written again.
  const humans = withHumansPart(built.markdown, readIfThere(file));
  const markdown = options.redact ? options.redact(humans.markdown) : humans.markdown;
  const { unwritten, keptAside } = writeInPlace(file, markdown, stateDir);
  return { markdown, file, journal, ...(unwritten ? { unwritten } : {}), ...(keptAside ? { keptAside } : {}), ...(humans.carried ? { carried: true } : {}) };
}

/** Where the postmortem written before went, when it was set aside, and what of it this one keeps; undefined otherwise. */
export function earlierKeptWords(written: Pick<WrittenPostmortem, 'keptAside' | 'carried'>): string | undefined {
  if (!written.keptAside) return undefined;
  return written.carried
    ? `the one written before differed (later events, or edits above its Root cause) and was kept as ${written.keptAside}; its Root cause and Follow-ups are carried into this one`
    : `the one written before differed (later events, or edits by hand) and was kept as ${written.keptAside}`;
}

/** The postmortem written before, if there is one to read. */
function readIfThere(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    // None yet, or one that cannot be read: then nothing is carried, and the write says what it meets there.
    return undefined;
  }
}

/**
 * Writes the document whole beside `file`, then puts it in place: an earlier postmortem, which may hold the humans' root
 * cause and follow-ups, is first kept under a timestamped name. A write the disk refuses (full, read-only) leaves
 * everything as it was, no empty file and nothing set aside, and says why.
 */
function writeInPlace(file: string, markdown: string, stateDir: string): { unwritten?: string; keptAside?: string } {
  const writing = path.join(path.dirname(file), `.${path.basename(file)}.writing`);
  try {
    // One level, in the state dir made at start: a recursive mkdir on a read-only volume says ENOENT, not EROFS.
    try {
      fs.mkdirSync(path.dirname(file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    fs.writeFileSync(writing, markdown);
    let keptAside: string | undefined;
    const before = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
    if (before !== undefined && before !== markdown && !sameButWhereWritten(before, markdown, stateDir)) {
      keptAside = moveWithoutOverwriting(file, `${file}.${compactTimestamp(new Date())}`, 'suffix', new Date());
    }
    fs.renameSync(writing, file);
    return keptAside ? { keptAside } : {};
  } catch (error) {
    // The part written, if any; nothing else (what stands at that name was not this write's), and never a second error.
    try {
      fs.unlinkSync(writing);
    } catch {
      // Nothing written there, or the disk refuses even that: the write's own error is the one to tell.
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    return { unwritten: `${(error as Error).message.split('\n')[0]} (writing under ${path.dirname(file)}); the postmortem written before, if any, is left as it was` };
  }
}
