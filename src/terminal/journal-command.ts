// `journal verify` checks the journal's hash chain without opening anything else (no runbooks, no DuckDB), so it is
// quick; `journal repair` is the way out of a journal that fails it: the damage is looked at, kept, and accepted by name.
import fs from 'node:fs';
import { ConfigError, loadRecordSettings } from '../config.js';
import { isUserError } from '../errors.js';
import { damageAcceptedType, digestOf, uncheckedWords, type AcceptedDamage, type DamageAcceptance } from '../journal/accepted-damage.js';
import { Journal } from '../journal/journal.js';
import { headPathBlocked } from '../journal/head.js';
import { journalWriteDenied, processUid } from '../journal/journal-read-only.js';
import type { VerifyProblem } from '../journal/record.js';
import { clockStepsBack, clockStepWords } from '../journal/clock-steps.js';
import { acknowledgedTornWords, unacknowledgedTornWords } from '../journal/torn-tail.js';
import { outOfOrderWords } from '../journal/out-of-order.js';
import { doubtfulLinesSaid, impossibleCountWords } from './doubtful-lines-said.js';
import { readJournal } from '../postmortem/write-postmortem.js';
import { lineList } from '../postmortem/unverified-rows.js';
import { compactTimestamp } from '../timestamps.js';
import { journalRepairCommand } from '../commands/paste-able.js';
import { untilRepairedWords } from '../journal/until-repaired.js';
import type { TerminalOutput } from './terminal-reporter.js';
import { warnOfUnreadSettings } from './unread-settings.js';

export interface JournalCommandIO {
  stdout: TerminalOutput;
  stderr: TerminalOutput;
  env: Record<string, string | undefined>;
}

const usage = 'databox: usage: npm run --silent cli -- journal verify | journal repair --approver <your name>\n';

/**
 * verify: exit 0 and one OK line on an intact journal (and a warning for each time the clock went back); 1 naming the
 * first bad line and why, or each line the bot could never have written, however well hashed; 2 on bad input, or when
 * the journal's path holds no journal that can be read (a directory).
 * repair: exit 0 once the journal verifies again, 1 if it still does not (a later damage: repair again), 2 on bad input
 * or a journal that cannot be read.
 */
export function journalCommand(args: readonly string[], io: JournalCommandIO, options: { approver?: string; clock?: () => Date } = {}): number {
  const verb = args[1];
  if (args.length !== 2 || args[0] !== 'journal' || (verb !== 'verify' && verb !== 'repair')) {
    io.stderr.write(usage);
    return 2;
  }
  if (verb === 'repair' && !options.approver) {
    io.stderr.write(`databox: journal repair accepts damage on the record in your name: give it with --approver, \`${journalRepairCommand}\`\n`);
    return 2;
  }
  let stateDir: string;
  try {
    // Only the state dir: a copy of it checked elsewhere needs no databox checkout, nor the rest of the bot's settings.
    stateDir = loadRecordSettings(io.env).stateDir;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr.write(`databox: ${error.message}\n`);
    return 2;
  }
  warnOfUnreadSettings(io.env, io.stderr);
  try {
    return verb === 'verify' ? verify(stateDir, io) : repair(stateDir, io, options.approver as string, options.clock ?? (() => new Date()));
  } catch (error) {
    // A journal that cannot be read (a directory in its place, a file this user may not read) is said in one line.
    if (!isUserError(error)) throw error;
    io.stderr.write(`databox: ${error.message}\n`);
    return 2;
  }
}

function verify(stateDir: string, io: JournalCommandIO): number {
  const journal = readJournal(stateDir);
  const { problem, records } = journal.verify;
  // A write cut short that nobody was told of: no damage, whatever else is found, and nothing for repair to accept.
  const tornNote = journal.tornTail ? `  note: ${unacknowledgedTornWords(journal.tornTail)}\n` : '';
  // A clock that went back is no damage (the chain holds), so it never changes the exit code: it is said beside it.
  // A keyless chain holds whoever wrote a line: those the bot could never have written fail it too, as the postmortem
  // names them (the same check, over the same lines); those it wrote only under a setting they do not record are warned of.
  const doubtful = doubtfulLinesSaid(journal.verify, stateDir);
  const warnings = () => {
    for (const step of clockStepsBack(records, journal.verify.lineOf)) {
      io.stdout.write(`  warning: ${clockStepWords(step)}: the clock went back (the host's clock stepped back, another host's clock behind, or the line edited); not damage, but times around it do not read in order\n`);
    }
    for (const line of doubtful.toCheck) io.stdout.write(`${line}\n`);
  };
  const alsoImpossible = () => {
    // Not "however well hashed": in a chain that fails, those read past the damage are unverified (each marked so).
    if (doubtful.impossibleCount > 0) io.stderr.write(`and ${impossibleCountWords(doubtful.impossibleCount)}:\n${doubtful.impossible.join('\n')}\n`);
  };
  if (problem && problem.headMissing && headPathBlocked(journal.file)) {
    // Its reason already says what to do, and repair alone would not do (it accepts nothing while the directory is there).
    io.stderr.write(`journal FAILED at line ${problem.line} of ${journal.file}${verifiedBefore(problem)}: ${problem.reason}\n`);
    alsoImpossible();
    warnings();
    return 1;
  }
  if (problem) {
    io.stderr.write(
      `journal FAILED at line ${problem.line} of ${journal.file}: ${problem.reason}${verifiedBefore(problem)}; ${untilRepairedWords('verify-report')}\n${tornNote}`,
    );
    alsoImpossible();
    warnings();
    return 1;
  }
  // Nothing there may be the wrong place as well as a new install: the path and the variable that sets it are named.
  const none = fs.existsSync(journal.file) ? ' (nothing recorded yet)' : ` (there is no journal there yet: nothing recorded, or DATABOX_STATE_DIR is not the bot's)`;
  // Lines accepted unverified are records, not verified ones: counted apart, and named under their acceptance.
  const { unverified } = journal.verify;
  const apart = unverified.size > 0 ? ` and ${unverified.size} accepted unverified (below)` : '';
  const verified = `${records.length - unverified.size} records verified${apart} in ${journal.file}${records.length === 0 ? none : ''}`;
  if (doubtful.impossibleCount > 0) io.stderr.write(`journal FAILED: ${impossibleCountWords(doubtful.impossibleCount)}, in a hash chain that holds (${verified}):\n${doubtful.impossible.join('\n')}\n`);
  else io.stdout.write(`journal OK: ${verified}\n`);
  io.stdout.write(tornNote);
  for (const damage of journal.verify.accepted) {
    const { line, reason, copy, by, acceptedAt } = damage;
    io.stdout.write(`  line ${line} failed verification (${reason}); ${by ?? 'someone'} accepted it at line ${acceptedAt}; the journal as it was is kept at ${copy}\n`);
    io.stdout.write(`    accepted on ${damage.acceptedOn}${acceptedLinesWords(damage)}\n`);
  }
  warnings();
  return doubtful.impossibleCount > 0 ? 1 : 0;
}

/** " (lines 1–9 verify)", or what can be said instead where the lines before the failure are not proven by it. */
function verifiedBefore(problem: VerifyProblem): string {
  if (problem.rewritten) return problem.line > 1 ? ` (no line before it is proven: lines 1–${problem.line - 1} link up, but could have been hashed again with it)` : '';
  return problem.line > 1 ? ` (lines 1–${problem.line - 1} verify)` : '';
}

/**
 * ": lines 5 and 6 are kept as they read, unverified (line 6 cannot be checked: …); lines were lost before line 9;
 * lines 12 and 13 are there but out of order (seq 13 before 12)", or nothing.
 */
function acceptedLinesWords(damage: AcceptedDamage): string {
  const said: string[] = [];
  const marked = damage.unverifiedLines;
  const why = damage.unchecked.length > 0 ? ` (${damage.unchecked.map(uncheckedWords).join('; ')})` : '';
  if (marked.length > 0) said.push(`${lineList(marked)} ${marked.length > 1 ? 'are kept as they read' : 'is kept as it reads'}, unverified${why}`);
  if (damage.lostBefore.length > 0) said.push(`lines were lost before ${lineList(damage.lostBefore)}`);
  // Accepted by the line after the cut itself: lines lost from the end, as said for lines lost in the middle.
  if (!damage.headMissing && damage.acceptedAt <= damage.line) said.push(`lines were lost from its end before line ${damage.line}`);
  // Recorded by the first writer to open the cut journal, before anything else it appended (end-cut.ts).
  if (damage.lostFromEndBefore.length > 0) said.push(`lines were lost from its end before ${lineList(damage.lostFromEndBefore)}`);
  if (damage.outOfOrder.length > 0) said.push(outOfOrderWords(damage.outOfOrder));
  return said.length > 0 ? `: ${said.join('; ')}` : '';
}

function repair(stateDir: string, io: JournalCommandIO, approver: string, clock: () => Date): number {
  const journal = new Journal(stateDir, clock);
  // A torn last line is set aside by the load itself, and said so in the journal.
  journal.load();
  for (const aside of journal.setAside) {
    const what = aside.acknowledged ? `${acknowledgedTornWords(aside.acknowledged)}; it` : "the journal's torn last line";
    io.stdout.write(`${what} was set aside to ${aside.file} (${aside.bytes} bytes)\n`);
  }
  const problem = journal.problem;
  if (!problem) {
    io.stdout.write(`journal OK: nothing to repair in ${journal.file}\n`);
    return 0;
  }
  // Nothing can be accepted in a journal this user may not write: said before anything is copied beside it.
  const denied = journalWriteDenied(journal.file);
  if (denied) {
    io.stderr.write(`databox: nothing accepted: ${denied}; run journal repair as the user the bot runs as, or give uid ${processUid()} write access to it\n`);
    return 2;
  }
  // An acceptance holds only with a head written after it: where none can be, accepting would only add lines that fail.
  const blocked = headPathBlocked(journal.file);
  if (blocked) {
    io.stderr.write(`databox: nothing accepted: ${blocked}\n`);
    return 2;
  }
  // Nothing is rewritten or deleted: the journal as it is now is copied beside it, and the acceptance pins its bytes.
  // Taken means anything there, a dangling link too (existsSync follows links), so nothing is ever written through one.
  const taken = (name: string) => fs.lstatSync(name, { throwIfNoEntry: false }) !== undefined;
  let copy = `${journal.file}.damaged-${compactTimestamp(clock())}`;
  for (let n = 1; taken(copy); n += 1) copy = `${journal.file}.damaged-${compactTimestamp(clock())}-${n}`;
  let acceptedAt = 0;
  journal.append(() => {
    // Under the journal's lock: the copy and the digest are of the same bytes, whatever a running bot writes meanwhile.
    const before = fs.existsSync(journal.file) ? fs.readFileSync(journal.file, 'utf8') : '';
    fs.writeFileSync(copy, before, { flag: 'wx' });
    acceptedAt = before === '' ? 1 : before.split('\n').length;
    const data: DamageAcceptance = { line: problem.line, reason: problem.reason, digest: digestOf(before), copy, ...(problem.headMissing ? { headMissing: true } : {}) };
    return { type: damageAcceptedType, incident: null, actor: `terminal:${approver}`, data: data as unknown as Record<string, unknown> };
  });
  const verified = readJournal(stateDir).verify;
  // Only the lines that cannot be verified are marked; the others of the stretch verify line by line.
  const judged = verified.accepted.find((damage) => damage.acceptedAt === acceptedAt);
  const marked = judged && judged.unverifiedLines.length > 0 ? `: ${lineList(judged.unverifiedLines)}` : '';
  const lost =
    (judged && judged.lostBefore.length > 0 ? `, and says lines were lost before ${lineList(judged.lostBefore)}` : '') +
    (judged && judged.lostFromEndBefore.length > 0 ? `, and says lines were lost from its end before ${lineList(judged.lostFromEndBefore)}` : '');
  const reordered = judged && judged.outOfOrder.length > 0 ? `, and says ${outOfOrderWords(judged.outOfOrder)}` : '';
  io.stdout.write(
    `line ${problem.line} failed verification (${problem.reason}); accepted by terminal:${approver} at line ${acceptedAt}. ` +
      `The journal as it was is kept at ${copy}. The lines from ${problem.line} on are kept as they read, and the postmortem marks unverified those that cannot be verified${marked}${lost}${reordered}.\n`,
  );
  // The head could not be written after the acceptance: the journal does not verify to its end, whatever is accepted.
  if (journal.headUnwritten) {
    io.stderr.write(`journal FAILED again: ${journal.headUnwritten}; journal repair cannot help until it can be written\n`);
    return 1;
  }
  const after = verified.problem;
  if (after) {
    io.stderr.write(`journal FAILED again at line ${after.line}: ${after.reason}; run journal repair again to accept that too\n`);
    return 1;
  }
  io.stdout.write('journal OK again: approvals go ahead (a running bot sees the acceptance at its next look at the journal)\n');
  return 0;
}
