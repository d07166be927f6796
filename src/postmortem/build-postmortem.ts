// Builds an incident's postmortem in Markdown from journal records alone: a pure function, so the same records give the same document.
import path from 'node:path';
import type { AcceptedDamage } from '../journal/accepted-damage.js';
import { interruptedValidationSaid } from '../incidents/interrupted-validation.js';
import { clockStepsBack, clockStepWords } from '../journal/clock-steps.js';
import { outOfOrderWords } from '../journal/out-of-order.js';
import { describeStep } from '../engine/describe.js';
import { previewValueSaid } from '../engine/previews.js';
import { shortHash } from '../engine/resolve.js';
import type { ResolvedStep, StepRecord } from '../engine/types.js';
import { cliActor, IncidentState, type Diagnosis, type Incident, type Run } from '../incidents/state.js';
import type { JournalRecord, VerifyResult } from '../journal/record.js';
import { unacknowledgedTornWords, type UnacknowledgedTorn } from '../journal/torn-tail.js';
import type { Runbook } from '../runbook/schema.js';
import { rollbackReads } from '../runbook/unused-path-parameters.js';
import { runDuration, runElapsed, stepDuration } from '../format-duration.js';
import { sentFormOf } from '../commands/sent-form.js';
import { sentFormWords } from './sent-form-words.js';
import { lateDeliveries, undeliveredEntry } from './undelivered-messages.js';
import { heldEntry, heldOnce } from './held-messages.js';
import { between, cell, code, commentsInline, fence, formatDuration, fromSlackText, plain, shortExcerpt, utcClock, utcClockFrom, utcDay, utcStamp } from './markdown.js';
import { acceptedNote, changedBeforeStopping, failedAtWords, passedCount, statusSaid, stepPassed } from '../engine/step-passed.js';
import { diagnosedLeftOut } from '../incidents/diagnosed-window.js';
import { leftoverClonesLines } from './leftover-clones.js';
import { keptOnDisk, keptOnDiskLines, uncheckedWords, type KeptNow } from './kept-on-disk.js';
import { recordedCheckouts } from './recorded-checkout.js';
import { stepFindingsLines } from './step-findings.js';
import { lineList, recordsOfRuns, unverifiedEntryMark, unverifiedMark } from './unverified-rows.js';
import { impossibleLines, impossibleNote, lineDoubts } from './impossible-lines.js';
import type { PastTheDamage } from './past-the-damage.js';
import { missingFromLine } from './senseless-lines.js';
import { noteRestart, restartAt, restartOrFailedStartEntry, restartsOf, type Restart } from './restarts.js';
import { otherIncidentsChanges, otherIncidentsLines, watcherLineNames } from './other-incidents.js';
import { endLostBefore, endLostWords, linesLostFromEndBefore } from './end-lost.js';
import { journalRepairCommand } from '../commands/paste-able.js';
import { landedBeforeStoppingLines } from './landed-before-stopping.js';
import { advisedNextLines, offeredWithAdvice, whereAdvised } from './advised-next.js';
import { pairRefusals, refusalAbout, refusalReason, type Refusals } from './refused-commands.js';
import { overtakesWarning } from '../incidents/approval-policy.js';
import { leftOutLine } from '../incidents/left-out.js';
import { stepCount } from '../step-count.js';
import { endedWords, outcomeUnknownWords } from '../incidents/run-label.js';
import { orStoppedByGuard, stoppedByGuard } from './stopped-by-guard.js';
import { changedByPlanOf } from '../incidents/changed-by-plan.js';
import { orNoLongerApprovable } from './no-longer-approvable.js';
import { olderVerdictBlocking, olderVerdictShort } from '../incidents/older-diagnosis-plan.js';
import { recoveredElsewhere } from '../incidents/recovered-elsewhere.js';
import { partOfWindow } from '../incidents/part-of-window.js';
import { readOnlyWords } from '../engine/scratch-writes.js';
import { stepKind } from '../engine/steps/index.js';
import { expiredAt, expirePastDeadline } from './expired-by-deadline.js';
import { runbookChangedAtApproval, runbookVersionRow, takenFromNowNote, waitingRunbookChangedEntry } from './runbook-versions.js';
import { waitingRunbookChangedType } from '../incidents/waiting-runbook-changed.js';
import { roomCheckedType } from '../incidents/room-marks.js';
import { followUpVerdicts, verdictOfRecord } from '../incidents/verdict-of-record.js';

export interface PostmortemInput {
  incidentId: string;
  /** The journal as verified by verifyJournal: only its verified records are used, and a problem is shown at the top. */
  verify: Pick<VerifyResult, 'records' | 'problem' | 'lineOf'> & { accepted?: AcceptedDamage[]; unverified?: ReadonlySet<JournalRecord>; pastTheDamage?: PastTheDamage };
  runbooks: ReadonlyMap<string, Runbook>;
  /**
   * The databox checkout here, for runs the journal tells no checkout of (neither recorded, as journals from before did
   * not, nor to be read back from their commands): commands read relative to it.
   */
  root: string;
  /** How to name the journal in the document (a path). */
  journalFile?: string;
  /** When the document is written: a plan still waiting in the journal past its deadline has expired by then. */
  writtenAt: Date;
  /** The journal's last line, cut short while it was written and never acknowledged: said in the Record row, no damage. */
  tornTail?: UnacknowledgedTorn;
  /**
   * Whether a file the journal has kept on disk (by a run) is still there as the document is written, or cannot be looked
   * at from here (writePostmortem looks); without it, built from the journal alone, each is taken to be.
   */
  keptNow?: (file: string, run: Run) => KeptNow;
}

export interface Postmortem {
  markdown: string;
  /** False when the incident does not appear in the verified part of the journal. */
  found: boolean;
}


/** The records that tell this incident's story, in journal order, with their line numbers. */
function incidentRecords(records: readonly JournalRecord[], id: string, refusals: Refusals): JournalRecord[] {
  const opened = records.findIndex((r) => r.type === 'incident.opened' && r.incident === id);
  // The command that opened an incident is journaled before the incident has an id: it is the opener's last command before it.
  let opener = -1;
  if (opened > 0) {
    const actor = records[opened]?.actor;
    for (let i = opened - 1; i >= 0; i -= 1) {
      const r = records[i] as JournalRecord;
      if (r.type === 'incident.opened') break;
      // A refused command opened nothing.
      if (r.type === 'command.received' && r.incident === null && r.actor === actor && !refusals.ofCommand.has(r)) {
        opener = i;
        break;
      }
    }
  }
  return records.filter((r, i) => {
    if (r.incident === id || watcherLineNames(r, id)) return true;
    if (r.incident !== null) return false;
    const data = r.data as Record<string, unknown>;
    if (r.type === 'command.received') {
      const refusal = refusals.ofCommand.get(r);
      return i === opener || (typeof data.text === 'string' && data.text.includes(`incident=${id}`)) || (refusal !== undefined && refusalAbout(refusal, id));
    }
    if (r.type === 'request.refused') return refusalAbout(r, id);
    if (r.type === 'approval.refused') return typeof data.runId === 'string' && data.runId.startsWith(`${id}/`);
    return false;
  });
}

function where(origin: unknown): string {
  const text = typeof origin === 'string' ? origin : '';
  if (text.startsWith('slack:')) return ` in Slack (channel ${text.slice(6)})`;
  if (text === 'slack') return ' in Slack';
  if (text.startsWith('terminal')) return ' at a terminal';
  return text ? ` (${plain(text)})` : '';
}

function who(actor: string | null | undefined): string {
  return `**${plain(actor ?? 'unknown')}**`;
}

/**
 * Whether an acceptance is of lines lost from the journal's end and nothing else: accepted by the line after the cut
 * itself, or by one after the record of the cut a writer journaled first (end-cut.ts).
 */
function lostFromEndOnly(damage: AcceptedDamage): boolean {
  if (damage.acceptedAt <= damage.line) return true;
  const onlyTheCut = damage.unverifiedLines.length === 0 && damage.lostBefore.length === 0 && damage.outOfOrder.length === 0;
  return onlyTheCut && damage.lostFromEndBefore.length === 1 && damage.lostFromEndBefore[0] === damage.line;
}

/** What an acceptance left, for the Record row: "the damaged line 5", "lines lost before line 8", "lines 12 and 13 out of order". */
function damagedLines(damage: AcceptedDamage): string {
  // Lines out of order are damaged only in their place: said so, not as lines lost or changed.
  const moved = new Set(damage.outOfOrder.flatMap(({ line }) => [line - 1, line]));
  const damaged = damage.unverifiedLines.filter((line) => !moved.has(line));
  const parts = [
    damaged.length > 0 ? `the damaged ${lineList(damaged)}` : '',
    damage.lostBefore.length > 0 ? `lines lost before ${lineList(damage.lostBefore)}` : '',
    damage.lostFromEndBefore.length > 0 ? `lines lost from its end before ${lineList(damage.lostFromEndBefore)}` : '',
    moved.size > 0 ? `${lineList([...moved].sort((a, b) => a - b))} out of order` : '',
  ];
  return parts.filter(Boolean).join(' and ') || `the damaged lines ${damage.line}–${damage.acceptedAt - 1}`;
}

/**
 * What an acceptance left, for the note at the top: the lines that cannot be verified, shown as they read and marked;
 * the others it covers, verified line by line (each followed by the next), shown as they are; lines lost, if any.
 */
function acceptedStretchWords(damage: AcceptedDamage): string {
  const marked = damage.unverifiedLines;
  const said: string[] = [];
  if (marked.length > 0) said.push(`${lineList(marked)} ${marked.length > 1 ? 'are shown as they read' : 'is shown as it reads'}, unverified`);
  const others = damage.acceptedAt - damage.line - marked.filter((line) => line >= damage.line).length;
  const stretch = damage.acceptedAt - 1 === damage.line ? `line ${damage.line}` : `lines ${damage.line}–${damage.acceptedAt - 1}`;
  const verify = others === 1 ? 'verifies on its own and is followed by the next' : 'verify line by line, each followed by the next';
  if (others > 0) said.push(`${marked.some((line) => line >= damage.line) ? `the rest of ${stretch}` : stretch} ${verify}`);
  if (damage.lostBefore.length > 0) said.push(`lines were lost before ${lineList(damage.lostBefore)}: what they held cannot be shown`);
  if (damage.lostFromEndBefore.length > 0) said.push(`lines were lost from the journal's end before ${lineList(damage.lostFromEndBefore)}, as the record there says: what they held cannot be shown`);
  if (damage.outOfOrder.length > 0) said.push(`${outOfOrderWords(damage.outOfOrder)}: nothing was lost there, but the timeline shows them in the order they stand`);
  return said.join('; ');
}

function runLabel(run: Run): string {
  if (run.kind === 'diagnosis') return 'Diagnosis';
  if (run.kind === 'validation') return 'Validation';
  return plain(run.title);
}

/** Who a step belongs to, short: "Diagnosis", "Path A", "Rollback of path A". */
function stepOwner(run: Run): string {
  if (run.kind === 'recovery' && run.pathId) return `Path ${run.pathId.toUpperCase()}`;
  if (run.kind === 'rollback' && run.pathId) return `Rollback of path ${run.pathId.toUpperCase()}`;
  return runLabel(run);
}

function stepMarks(step: ResolvedStep): string {
  const marks = [step.guard ? 'guard' : undefined, step.destructive ? 'destructive' : step.mutates ? 'changes data' : undefined].filter(Boolean);
  return marks.length > 0 ? ` (${marks.join(', ')})` : '';
}

/** A status as the run's message shows it: one its step accepts (a guard's "corrupt") is said to be, not read as a failure. */
function statusWords(step: ResolvedStep | undefined, status: string): string {
  return `${statusSaid(status)}${acceptedNote(step, status)}`;
}

function resultFacts(record: StepRecord, step: ResolvedStep | undefined): string {
  return [
    `**${statusWords(step, record.status)}**`,
    record.exitCode !== undefined && record.exitCode !== null ? `exit ${record.exitCode}` : undefined,
    stepDuration(record),
  ]
    .filter(Boolean)
    .join(', ');
}

function isPassing(run: Run, record: StepRecord): boolean {
  return stepPassed(run.steps.find((s) => s.id === record.stepId), record.status);
}

class Document {
  readonly lines: string[] = [];

  add(...lines: string[]): void {
    this.lines.push(...lines);
  }

  heading(text: string): void {
    if (this.lines.length > 0 && this.lines.at(-1) !== '') this.lines.push('');
    this.lines.push(`## ${text}`, '');
  }

  text(): string {
    while (this.lines.at(-1) === '') this.lines.pop();
    return `${this.lines.join('\n')}\n`;
  }
}

export function buildPostmortem(input: PostmortemInput): Postmortem {
  const { incidentId, verify, runbooks, root } = input;
  const state = new IncidentState();
  const restarts: Restart[] = [];
  for (const record of verify.records) {
    noteRestart(record, state, restarts);
    state.apply(record);
  }
  const incident = state.incident(incidentId);
  const refusals = pairRefusals(verify.records);
  const records = incidentRecords(verify.records, incidentId, refusals);
  const rb = incident ? runbooks.get(incident.scenario) : undefined;
  const shown: ShownParams = (run) => paramsShown(run, rb);
  // Commands read relative to the checkout each run was made in, wherever this is written; DATABOX_ROOT here only where
  // the journal tells none.
  const checkouts = recordedCheckouts(incident?.runs ?? [], rb);
  const rootOf: RootOf = (run) => checkouts.get(run.id) ?? root;
  // Past a line that failed verification, a plan may have been decided in what cannot be read: it is left as it reads.
  const expiredUnrecorded = incident && !verify.problem ? expirePastDeadline(incident, state, input.writtenAt) : [];
  const doc = new Document();

  doc.add(`# Postmortem ${incidentId}${incident ? `: ${plain(incident.title)}` : ''}`, '');
  const past = verify.pastTheDamage;
  if (verify.problem && past) {
    const last = verify.problem.line - 1;
    const stretch = past.to === past.from ? `line ${past.from} is` : `lines ${past.from}–${past.to} are`;
    doc.add(
      `> **Warning: the journal failed verification at line ${verify.problem.line}**: ${plain(verify.problem.reason)}.`,
      verify.problem.rewritten
        ? `> No line of it is proven (lines 1–${last} link up, but could have been hashed again with it): every line is shown as it reads, and each row and time built from one is marked unverified.`
        : `> ${last === 0 ? 'No line verifies' : last === 1 ? 'Line 1 verifies' : `Lines 1–${last} verify`}; ${stretch} shown as ${past.to === past.from ? 'it reads' : 'they read'}, and each row and time built from ${past.to === past.from ? 'it' : 'them'} is marked unverified: nothing vouches for ${past.to === past.from ? 'it' : 'them'} (lines that link up among themselves may have been rewritten together).`,
      `> Once someone has looked at the damage, \`${journalRepairCommand}\` keeps a copy of the journal, accepts the damage on the record and verifies the lines after it again; \`npm run --silent cli -- journal verify\` checks it.`,
      '',
    );
  } else if (verify.problem) {
    const last = verify.problem.line - 1;
    doc.add(
      `> **Warning: the journal failed verification at line ${verify.problem.line}**: ${plain(verify.problem.reason)}.`,
      verify.problem.rewritten
        ? `> No line before it is proven (lines 1–${last} link up, but could have been hashed again with it); this postmortem and its timeline stop at line ${last}: nothing recorded from line ${verify.problem.line} on is shown.`
        : `> Only lines 1–${last} verify, so this postmortem and its timeline stop at line ${last}: nothing recorded from line ${verify.problem.line} on is shown.`,
      '> Run `npm run --silent cli -- journal verify` to check the journal again.',
      '',
    );
  }
  // A keyless hash chain holds whoever wrote a line; lines no code path of the bot writes are named, wherever they are.
  const { impossible, toCheck } = impossibleLines(verify.records);
  const impossibleHere = [...impossible].filter(([record]) => record.incident === incidentId);
  if (impossibleHere.length > 0) {
    const lineOfRecord = (record: JournalRecord) => verify.lineOf?.get(record) ?? record.seq;
    doc.add(
      `> **Warning: ${impossibleHere.length === 1 ? 'a line the bot could never have written' : 'lines the bot could never have written'}**: ${impossibleHere.map(([record, why]) => `line ${lineOfRecord(record)}, ${plain(why)}`).join('; ')}: ${impossibleNote} The hash chain holds whoever wrote a line; compare with the incident's thread.`,
      '',
    );
  }
  for (const damage of verify.accepted ?? []) {
    const by = cell(who(damage.by ?? 'someone'));
    doc.add(
      // Accepted by the bad line itself: lines lost before it (a cut from the end), none left to show unverified.
      damage.headMissing
        ? `> **The journal's head file was missing before line ${damage.line}**, so lines cut from its end before then could not be told, and ${by} accepted that at line ${damage.acceptedAt}. The journal as it was then is kept at ${code(damage.copy)}.`
        : lostFromEndOnly(damage)
        ? `> **Lines were lost from the journal before line ${damage.line}** (${plain(damage.reason)}), and ${by} accepted the loss at line ${damage.acceptedAt}: what they held cannot be shown. The journal as it was then is kept at ${code(damage.copy)}.`
        : `> **The journal was damaged at line ${damage.line}** (${plain(damage.reason)}), and ${by} accepted it at line ${damage.acceptedAt}: ${acceptedStretchWords(damage)}. The journal as it was then is kept at ${code(damage.copy)}.`,
      '',
    );
  }
  if (!incident) {
    doc.add(
      `Incident \`${incidentId}\` is not in the ${verify.problem ? 'verified part of the ' : ''}journal${input.journalFile ? ` (${code(input.journalFile)})` : ''}, so there is nothing to tell.`,
    );
    return { markdown: doc.text(), found: false };
  }

  const recoveries = incident.runs.filter((r) => r.kind === 'recovery');
  const validations = incident.runs.filter((r) => r.kind === 'validation');
  const rollbacks = incident.runs.filter((r) => r.kind === 'rollback');
  const ranRecoveries = recoveries.filter((r) => r.startedAt);
  const lineOf = (record: JournalRecord | undefined) => (record ? (verify.lineOf?.get(record) ?? record.seq) : undefined);
  const firstLine = lineOf(records[0]);
  const lastLine = lineOf(records.at(-1));

  // The facts at a glance. Past a line that failed verification nothing is known: a row says where its facts stop,
  // so "none ran" or "running" is not read as the present.
  const outcome = recoveryOutcome(incident, rb, state);
  const othersChanged = otherIncidentsChanges(incident, state);
  const othersNote = othersChanged.length > 0 ? `; since it opened, ${othersChanged.length === 1 ? 'a plan' : `${othersChanged.length} plans`} of ${new Set(othersChanged.map((run) => run.incidentId)).size > 1 ? 'other incidents' : 'another incident'} changed its database (see *Other incidents' changes to its database*)` : '';
  // Files moved aside or rows kept first: named at a glance too, so "Rollbacks: none" is not read as nothing left behind.
  const keptNow = input.keptNow;
  const kept = keptOnDisk(records, state, keptNow && ((file, run) => keptNow(file, { ...run, root: checkouts.get(run.id) })));
  // Those not known gone: there, or not looked at from here.
  const keptThere = kept.filter((f) => !f.gone);
  const keptGone = kept.length - keptThere.length;
  const keptUnchecked = keptThere.filter((f) => f.unchecked).length;
  const uncheckedNote = keptUnchecked === 0 ? '' : `; ${keptUnchecked === keptThere.length ? '' : `${keptUnchecked} of them `}${uncheckedWords}`;
  const asOf = past
    ? ` (as ${verify.problem?.rewritten ? 'every line' : `lines ${past.from}–${past.to}`} read${past.to === past.from && !verify.problem?.rewritten ? 's' : ''}, unverified)`
    : verify.problem
      ? ` (as of line ${verify.problem.line - 1}; unknown after it)`
      : '';
  // As `journal verify` says them, where they fall among this incident's lines: its timeline and times rest on those times.
  const clockSteps = clockStepsBack(verify.records, verify.lineOf).filter((s) => s.line >= (firstLine ?? Infinity) && s.line <= (lastLine ?? -Infinity));
  // A row built from a line accepted unverified says so: its facts (a status, a count, a time) rest on that line.
  const unverified = verify.unverified ?? new Set<JournalRecord>();
  const opening = records.filter((r) => r.type === 'incident.opened');
  const verdicts = records.filter((r) => r.type === 'diagnosis.verdict');
  const mark = (from: Iterable<JournalRecord>) => unverifiedMark(from, unverified, lineOf, past);
  const ofRuns = (runs: readonly Run[]) => recordsOfRuns(records, runs);
  const restsOn = (runs: readonly Run[], ...more: JournalRecord[][]) => mark([...ofRuns(runs), ...more.flat()]);
  const lostBefore = linesLostFromEndBefore(verify);
  const endLost: EndLost = (run) => endLostBefore(run, ofRuns([run]), lineOf, lostBefore);
  const runMark: RunMark = (run, types, stepId) => mark(ofRuns([run]).filter((r) => types.includes(r.type) && (stepId === undefined || stepIdOf(r) === stepId)));
  const clockNote = clockSteps.length > 0 ? `; **the clock went back**: ${plain(clockSteps.map(clockStepWords).join('; '))} (not damage, but the times around ${clockSteps.length > 1 ? 'them' : 'it'} do not read in order)` : '';
  doc.add(
    '| | |',
    '| --- | --- |',
    `| Incident | \`${incident.id}\` |`,
    `| Scenario | ${cell(plain(incident.title))} (\`${incident.scenario}\`${rb ? `, section ${rb.section} of the incident runbook` : ''})${restsOn([], opening)} |`,
    `| Runbook | ${cell(runbookVersionRow(incident.scenario, incident.runs, rb))}${mark(ofRuns(incident.runs).filter((r) => r.type === 'run.proposed'))} |`,
    `| Opened | ${utcStamp(incident.openedAt)} by ${cell(who(incident.openedBy))}${cell(where(incident.origin))}${restsOn([], opening)} |`,
    `| Verdict | ${verdictRow(incident)}${restsOn([], verdicts)} |`,
    `| Recovery | ${ranRecoveries.some((r) => !r.cleanup) ? cell(ranRecoveries.filter((r) => !r.cleanup).map((r) => `${plain(r.title)}: ${orStoppedByGuard(r, endedWords(r))}`).join('; ')) : 'none ran'}${asOf}${restsOn(recoveries.filter((r) => !r.cleanup))} |`,
    ...(ranRecoveries.some((r) => r.cleanup) ? [`| Cleanup | ${cell(ranRecoveries.filter((r) => r.cleanup).map((r) => `${plain(r.title)}: ${orStoppedByGuard(r, endedWords(r))}`).join('; '))}${restsOn(recoveries.filter((r) => r.cleanup))} |`] : []),
    `| Validation | ${validations.length > 0 ? cell(validations.map((r) => validationSummary(r)).join('; ')) : 'none ran'}${asOf}${restsOn(validations)} |`,
    `| Rollbacks | ${rollbacks.length > 0 ? cell(rollbacks.map((r) => `${plain(r.title)}: ${orNoLongerApprovable(r, state, orStoppedByGuard(r, r.startedAt ? endedWords(r) : r.status))} (${rollbackWhen(r, incident.openedAt)})`).join('; ')) : 'none'}${asOf}${restsOn(rollbacks)} |`,
    ...(kept.length > 0
      ? [`| Kept on disk | ${keptThere.length > 0 ? cell(keptThere.map((f) => code(f.path)).join(', ')) : 'nothing still there'}${uncheckedNote}${keptGone > 0 ? `${keptThere.length > 0 ? ';' : ':'} ${keptGone} gone when this was written` : ''} (see *Kept on disk*)${asOf}${restsOn([...recoveries, ...rollbacks])} |`]
      : []),
    `| Outcome | ${cell(`${outcome.text}${othersNote}`)}${asOf}${restsOn(incident.runs, verdicts)} |`,
    `| Record | ${records.length} journal records of this incident, lines ${firstLine}–${lastLine}${input.journalFile ? ` of ${cell(code(input.journalFile))}` : ''}, ${verify.problem ? (verify.problem.rewritten ? `rewritten at or before line ${verify.problem.line}, no line proven` : `verified up to line ${verify.problem.line - 1}${past ? `, ${past.to === past.from ? `line ${past.from}` : `lines ${past.from}–${past.to}`} read unverified` : ''}`) : `hash chain verified${verify.accepted?.length ? `, but for ${verify.accepted.map((d) => (d.headMissing ? `an end unchecked before line ${d.line} (no head file)` : lostFromEndOnly(d) ? `lines lost before line ${d.line}` : damagedLines(d))).join(', ')}, accepted` : ''}`}${input.tornTail ? `; ${unacknowledgedTornWords(input.tornTail)}` : ''}${cell(clockNote)} |`,
  );

  doc.heading('Symptoms the runbook names');
  // Read from the runbook as loaded now, which may not be the one the incident ran with: said so when it is not known to be.
  const fromNow = takenFromNowNote(incident.runs, rb);
  if (rb && fromNow) doc.add(fromNow, '');
  if (rb) doc.add(...rb.symptoms.map((s) => `- ${plain(s)}`));
  else doc.add(`_The runbook \`${incident.scenario}\` is not loaded, so its symptoms cannot be listed._`);

  doc.heading('Timeline (UTC)');
  const endsLost = incident.runs.flatMap((run) => {
    const before = endLost(run);
    const at = ofRuns([run]).at(-1)?.at;
    return before !== undefined && at ? [{ at, text: `- \`${utcClock(at)}\` ${runLabel(run)} (\`${run.id}\`): **${endLostWords(before)}**: nothing of it after this is on record` }] : [];
  });
  const restartEntries = restartsOf(restarts, incidentId, firstLine, lastLine, lineOf).map((restart) => {
    const doubted = [restart.record, restart.failed].find((record) => record !== undefined && unverified.has(record));
    return { at: restartAt(restart), text: `${restartOrFailedStartEntry(restart)}${doubted ? unverifiedEntryMark(doubted, lineOf(doubted), past) : ''}` };
  });
  timeline(doc, records, state, rootOf, refusals, shown, expiredUnrecorded, verify.unverified, (record) => unverifiedEntryMark(record, lineOf(record), past), [...endsLost, ...restartEntries], lineDoubts(impossible, toCheck));
  if (verify.problem && past) {
    doc.add('', `**Unverified from line ${verify.problem.line} on:** the journal failed verification there (${plain(verify.problem.reason)}); the entries marked are read as their lines are.`);
  } else if (verify.problem) {
    doc.add('', `**The timeline stops here:** line ${verify.problem.line} of the journal failed verification (${plain(verify.problem.reason)}).`);
  }

  doc.heading('Diagnosis');
  diagnosisSection(doc, incident, endLost, runMark);

  doc.heading('Recovery');
  if (recoveries.length === 0) {
    doc.add(`No recovery was proposed.${incident.diagnosis && incident.diagnosis.paths.length > 0 ? ` The verdict offered ${incident.diagnosis.paths.map((p) => `path ${p.toUpperCase()}`).join(' and ')}.` : ''}`);
  }
  for (const run of recoveries) planSection(doc, run, rootOf, state, runMark, endLost, shown);

  doc.heading('Validation');
  if (validations.length === 0) doc.add('No validation ran.');
  for (const run of validations) {
    // What it validated: the last recovery or rollback that finished before it.
    const after = incident.runs.filter((r) => (r.kind === 'recovery' || r.kind === 'rollback') && r.finishedAt && r.finishedAt <= run.proposedAt).at(-1);
    doc.add(`### Validation \`${run.id}\`: ${validationSummary(run)}${runMark(run, ['step.finished', 'run.finished'])}`, '');
    doc.add(
      `Requested by ${who(run.requestedBy)} at ${utcClockFrom(run.proposedAt, incident.openedAt)}${after ? `, after ${plain(after.title)} (\`${after.id}\`, ${endedWords(after)})` : ''}${run.finishedAt ? `; finished at ${utcClockFrom(run.finishedAt, incident.openedAt)}` : ''}.${mark([...ofRuns([run]).filter((r) => r.type === 'run.proposed' || r.type === 'run.finished'), ...(after ? ofRuns([after]).filter((r) => r.type === 'run.finished') : [])])}`,
      '',
    );
    stepTable(doc, run, rootOf, true, runMark);
    doc.add(...stepFindingsLines(run));
  }

  doc.heading('Rollbacks');
  if (rollbacks.length === 0) doc.add('None.');
  for (const run of rollbacks) planSection(doc, run, rootOf, state, runMark, endLost, shown);

  if (kept.length > 0) {
    doc.heading('Kept on disk');
    doc.add(...keptOnDiskLines(kept));
  }

  const leftovers = leftoverClonesLines(incident);
  if (leftovers.length > 0) {
    doc.heading('Leftover clones');
    doc.add(...leftovers);
  }

  if (othersChanged.length > 0) {
    doc.heading("Other incidents' changes to its database");
    doc.add('Plans of other incidents that changed a database this incident was about, after it opened (read their postmortems too):', '', ...otherIncidentsLines(othersChanged));
  }

  doc.heading('Time to diagnose, approve and recover');
  timings(doc, incident, rb, state, { mark, ofRuns, opening, verdicts });

  doc.heading('What would have caught this');
  if (!rb) doc.add(`_The runbook \`${incident.scenario}\` is not loaded, so its prevention rows cannot be listed._`);
  else if (rb.prevention.length === 0) doc.add('The runbook names no catching check for this scenario.');
  else {
    if (fromNow) doc.add(fromNow, '');
    doc.add('From the prevention appendix of the incident runbook:', '', '| Catching check | Where | Status |', '| --- | --- | --- |');
    doc.add(...rb.prevention.map((p) => `| ${cell(plain(p.check))} | ${cell(plain(p.where))} | ${cell(plain(p.status))} |`));
  }

  // What the thread (or the terminal) told the operator to do next, gathered where the write-up's follow-ups are made.
  const advised = advisedNextLines(records, state, incident, runLabel);
  if (advised.length > 0) {
    doc.heading('What the bot advised next');
    doc.add('Each piece of advice as the bot gave it (its `/databox` commands are `npm run --silent cli --` at a terminal), where, and after which run:', '', ...advised);
  }

  doc.heading('Root cause');
  doc.heading('Follow-ups');
  return { markdown: doc.text(), found: true };
}

function validationSummary(run: Run): string {
  const verdict = run.status === 'succeeded' ? 'passed' : endedWords(run);
  // Counted as Slack and the terminal count them: a step skipped is no step passed.
  return `${verdict} (${passedCount(run.steps, run.results)}, of ${run.steps.length})`;
}

/** The incident's runs that recover or roll back, without those of cleanup paths (dropping leftover clones). */
function recoveringRuns(incident: Incident, rb: Runbook | undefined): Run[] {
  const cleanup = new Set(rb?.recovery.filter((p) => p.cleanup).map((p) => p.id) ?? []);
  return incident.runs.filter((r) => !(r.kind === 'recovery' && r.pathId && cleanup.has(r.pathId)));
}

/** Whether and when the incident was recovered: a recovery that succeeded, then a validation that passed. */
function recoveryOutcome(incident: Incident, rb: Runbook | undefined, state: IncidentState): { text: string; at?: string; run?: Run } {
  const runs = recoveringRuns(incident, rb);
  for (let i = runs.length - 1; i >= 0; i -= 1) {
    const validation = runs[i] as Run;
    if (validation.kind !== 'validation' || validation.status !== 'succeeded' || !validation.finishedAt) continue;
    // A rollback or another recovery that ran afterwards, or a later validation that failed, means the incident did not
    // end recovered: the outcome is then the last thing that happened.
    // One its guard stopped before any change (a rollback refused by its guard) ran nothing: it undid nothing.
    const undone = runs.slice(i + 1).some((r) => (ranAnything(r) && (r.kind === 'rollback' || r.kind === 'recovery')) || (r.kind === 'validation' && r.status === 'failed'));
    if (undone) break;
    const stopped = stoppedByGuardAfter(runs, i);
    // The change the validation checked: the last that ran before it (a plan still waiting beside it changed nothing).
    const recovery = runs.slice(0, i).filter((r) => (r.kind === 'recovery' || r.kind === 'rollback') && ranAnything(r)).at(-1);
    if (recovery?.kind === 'recovery' && recovery.status === 'succeeded') {
      // Recovered when a validation first passed after it: one run again later (a check the next morning) moves nothing.
      const first = firstPassedSince(runs, runs.indexOf(recovery), i);
      const passedAt = first.finishedAt ?? validation.finishedAt;
      // One part of a longer window: no time to recover, the rest is still to backfill.
      const part = partOfWindow(validation);
      if (part) return { text: `not recovered yet: ${plain(recovery.title)} built one part of the window, and its validation passed on that part at ${utcClockFrom(passedAt, incident.openedAt)}; ${plain(part.summary)}${stopped}` };
      // A recovery of something else than the diagnosis looked at (another source) did not recover what it found.
      const elsewhere = recoveredElsewhere(incident, recovery, () => rb?.parameters);
      if (elsewhere) return { text: `${plain(elsewhere)}, and its validation passed at ${utcClockFrom(passedAt, incident.openedAt)}${stopped}` };
      // The validation checked the recovered window only: what the diagnosis found outside it was not recovered.
      const left = diagnosedLeftOut(incident, rb?.windows ?? [], recovery.params);
      const only = left ? `, for the window it was given only; the diagnosis also found ${left} outside it` : '';
      return { text: `recovered by ${plain(recovery.title)}; validation passed at ${utcClockFrom(passedAt, incident.openedAt)}${only}${stopped}`, at: passedAt, run: recovery };
    }
  }
  // A plan that ended without running (rejected, expired, refused before it started) changed nothing: the outcome is
  // that of the last run that ran, and such a plan is named only when no plan ran at all.
  // So did one its guard stopped before any change: said after the outcome, and the outcome only where none ran.
  const changing = [...runs].reverse().filter((r) => r.kind === 'recovery' || r.kind === 'rollback');
  const last = changing.find((r) => !endedWithoutRunning(r) && !stoppedByGuard(r)) ?? changing.find((r) => !endedWithoutRunning(r)) ?? changing[0];
  if (!last) return { text: incident.diagnosis ? `diagnosed (${plain(incident.diagnosis.title)}); no recovery ran` : 'open' };
  const outcome = lastOutcome(incident, runs, state, last);
  return stoppedByGuard(last) ? outcome : { ...outcome, text: `${outcome.text}${stoppedByGuardAfter(runs, runs.indexOf(last))}` };
}

/** The outcome where no validation passed over a recovery that still stands: that of `last`, the last run that ran. */
function lastOutcome(incident: Incident, runs: readonly Run[], state: IncidentState, last: Run): { text: string } {
  if (last.kind === 'rollback') {
    const undid = last.status === 'succeeded' && last.rollbackOf ? `; it undid \`${last.rollbackOf}\`` : '';
    return { text: `not recovered: the last action was ${plain(last.title)} (\`${last.id}\`, ${endedWords(last)}${last.finishedAt ? ` at ${utcClockFrom(last.finishedAt, incident.openedAt)}` : ''}${undid})` };
  }
  if (last.status === 'succeeded') {
    // Its latest validation cut short by a stop or a crash neither passed nor failed: said as that, not as a failure.
    const validation = runs.slice(runs.indexOf(last) + 1).reverse().find((r) => r.kind === 'validation');
    if (validation?.status === 'interrupted' && validation.interruptedBy) return { text: `${plain(last.title)} succeeded; then its ${interruptedValidationSaid(validation)}, so no validation has passed since` };
    return { text: `${plain(last.title)} succeeded, but no validation has passed since` };
  }
  // As the status and an approval see it: a plan made before another changed its database cannot be approved any more.
  const changedBy = last.status === 'pending' ? state.staleBy(last) : undefined;
  if (changedBy) return { text: `not recovered: ${plain(last.title)} can no longer be approved (plan \`${changedBy.id}\` changed ${changedByPlanOf(changedBy)} after it was made)` };
  const newer = olderVerdictBlocking(incident, last);
  if (newer) return { text: `not recovered: ${plain(last.title)} can no longer be approved (${plain(olderVerdictShort(last, newer))})` };
  // Said as a sentence: "Path B … failed", never "is failed".
  const said: Record<string, string> = {
    pending: 'is waiting for an approval',
    approved: 'was approved but has not started',
    running: 'is still running',
    failed: 'failed',
    interrupted: 'was interrupted',
    rejected: 'was rejected',
    expired: 'expired before anyone approved it',
  };
  return { text: `not recovered: ${plain(last.title)} ${stoppedByGuard(last) ? 'was stopped by its guard, nothing changed' : endedWords(last) === 'not started' ? 'was not started' : endedWords(last) === outcomeUnknownWords ? outcomeUnknownWords : (said[last.status] ?? `ended ${last.status}`)}` };
}

/** Whether a run changed or may have changed anything: it started, and its guard did not stop it before any change. */
function ranAnything(run: Run): boolean {
  return run.startedAt !== undefined && !stoppedByGuard(run);
}

/**
 * The recoveries and rollbacks after `runs[index]` their guard stopped before any change, said after the outcome they
 * leave as it was: "; then Rollback of path A … (`…/7`) was stopped by its guard, nothing changed".
 */
function stoppedByGuardAfter(runs: readonly Run[], index: number): string {
  const stopped = runs.slice(index + 1).filter((r) => (r.kind === 'recovery' || r.kind === 'rollback') && r.startedAt !== undefined && stoppedByGuard(r));
  return stopped.map((r) => `; then ${plain(r.title)} (\`${r.id}\`) was stopped by its guard, nothing changed`).join('');
}

/**
 * A rollback's run id and when: rollbacks often share one title (each of one path), so each is told apart by these —
 * when it ran, or, for one that never ran, when it was proposed.
 */
function rollbackWhen(run: Run, openedAt: string): string {
  // One its guard stopped started and changed nothing: not said to have run.
  const when = run.startedAt ? `${stoppedByGuard(run) ? 'started' : 'ran'} at ${utcClockFrom(run.startedAt, openedAt)}` : `proposed at ${utcClockFrom(run.proposedAt, openedAt)}, never ran`;
  return `\`${run.id}\`, ${when}`;
}

/** Whether a plan ended without any of it running: rejected, expired, or refused or interrupted before it started. */
function endedWithoutRunning(run: Run): boolean {
  return !run.startedAt && !['pending', 'approved', 'running'].includes(run.status);
}

/** Of the validations after run `after` up to `last` (one that passed), the first that passed with none failing after it. */
function firstPassedSince(runs: readonly Run[], after: number, last: number): Run {
  let first = runs[last] as Run;
  for (let k = last - 1; k > after; k -= 1) {
    const run = runs[k] as Run;
    if (run.kind !== 'validation') continue;
    if (run.status !== 'succeeded' || !run.finishedAt) break;
    first = run;
  }
  return first;
}

/** The parameters a run is listed with. */
type ShownParams = (run: Run) => Record<string, string>;

/**
 * A rollback is proposed with its recovery's parameters beside its own: listed are only those its runbook's rollback
 * reads (stopping schedules reads no window), as listing from= and to= would say it undoes a window. Every one where
 * the runbook or its path is not loaded.
 */
function paramsShown(run: Run, rb: Runbook | undefined): Record<string, string> {
  const path = run.kind === 'rollback' ? rb?.recovery.find((p) => p.id === run.pathId) : undefined;
  if (!path?.rollback) return run.params;
  const reads = rollbackReads(path);
  return Object.fromEntries(Object.entries(run.params).filter(([name]) => reads.has(name)));
}

function timeline(
  doc: Document,
  records: readonly JournalRecord[],
  state: IncidentState,
  rootOf: RootOf,
  refusals: Refusals,
  shown: ShownParams,
  expiredUnrecorded: readonly Run[],
  unverified: ReadonlySet<JournalRecord> = new Set(),
  markOf: (record: JournalRecord) => string = (record) => unverifiedEntryMark(record, undefined),
  endsLost: readonly { at: string; text: string }[] = [],
  doubts: ReadonlyMap<JournalRecord, string> = new Map(),
): void {
  const started = new Map<string, string>();
  const entries: { at: string; text: string }[] = [];
  const late = lateDeliveries(records);
  const held = heldOnce(records);
  for (const record of records) {
    const data = record.data as Record<string, any>;
    // A step's line is labelled, and so placed, by when it started: a click made while it ran comes after it. An expiry
    // by its deadline: the sweep or the click that wrote it came later.
    const at =
      record.type === 'step.finished'
        ? (started.get(`${String(data.runId)}#${String(data.result?.stepId)}`) ?? record.at)
        : record.type === 'run.expired'
          ? expiredAt(state.runs.get(String(data.runId)), record.at)
          : record.at;
    const entry =
      undeliveredEntry(record, state.runs.get(String(data?.runId)), late, runLabel) ??
      heldEntry(record, (runId) => state.runs.get(String(runId)), runLabel, held) ??
      timelineEntry(record, state, rootOf, started, refusals, shown);
    if (!entry) continue;
    // A line accepted as it read after it failed verification: shown, but not as verified fact. The mark ends the entry's
    // first line (a step's entry goes on with its command and output), so it stays on the line it is about.
    const first = entry.indexOf('\n') === -1 ? entry.length : entry.indexOf('\n');
    const doubt = doubts.get(record);
    const marks = `${unverified.has(record) ? markOf(record) : ''}${doubt ? ` _(${plain(doubt)})_` : ''}`;
    entries.push({ at, text: `${entry.slice(0, first)}${marks}${entry.slice(first)}` });
  }
  for (const [key, at] of started) {
    const [runId, stepId] = key.split('#');
    entries.push({ at, text: `- \`${utcClock(at)}\` \`${runId}\` step ${code(stepId ?? '')} started; no result was recorded.` });
  }
  // Plans that waited past their deadline with no line of their expiry (nobody clicked since, no bot swept): expired then.
  entries.push(...endsLost);
  for (const run of expiredUnrecorded) {
    const at = run.expiresAt as string;
    entries.push({ at, text: expiredEntry(run, run.id, at) });
  }
  // In the order of the times shown (a stable sort: journal order among lines of the same time). A line whose time does
  // not read (one accepted as it read after it failed verification) keeps its place after the line before it.
  let previous = 0;
  const keyed = entries.map((entry) => {
    const time = Date.parse(entry.at);
    previous = Number.isNaN(time) ? previous : time;
    return { ...entry, key: previous };
  });
  keyed.sort((a, b) => a.key - b.key);
  let day = '';
  for (const { at, text } of keyed) {
    if (utcDay(at) !== day) {
      day = utcDay(at);
      if (doc.lines.at(-1) !== '') doc.add('');
      doc.add(`**${day}**`, '');
    }
    doc.add(text);
  }
}

function timelineEntry(record: JournalRecord, state: IncidentState, rootOf: RootOf, started: Map<string, string>, refusals: Refusals, shown: ShownParams): string | undefined {
  const data = record.data as Record<string, any>;
  const at = `- \`${utcClock(record.at)}\``;
  const run = typeof data.runId === 'string' ? state.runs.get(data.runId) : undefined;
  const missing = missingFromLine(record);
  if (missing) return `${at} A ${code(record.type)} line${record.actor ? ` by ${who(record.actor)}` : ''} ${missing}: the postmortem cannot make sense of it`;
  switch (record.type) {
    case 'command.received': {
      // A refused command did not run: its line says so and why, and the refusal's own record adds nothing.
      const refusal = refusals.ofCommand.get(record);
      const form = sentFormOf(data);
      const typed = `${who(record.actor)} ${form ? sentFormWords(form) : `${refusal ? 'typed' : 'ran'} ${code(String(data.text ?? ''))}`}${where(data.origin)}`;
      return `${at} ${typed}${refusal ? `: refused: ${plain(refusalReason(refusal))}` : ''}`;
    }
    case 'diagnosis.joined':
      return `${at} ${who(record.actor)} asked for the same diagnosis with ${code(String(data.text ?? ''))}${where(data.origin)} and **joined** it: nothing new was started`;
    case 'validation.joined':
      return `${at} ${who(record.actor)} asked for the same validation with ${code(String(data.text ?? ''))}${where(data.origin)} while it was queued or running, and **joined** it: nothing new was started`;
    case 'request.refused':
      if (refusals.paired.has(record)) return undefined;
      if (typeof data.command === 'string') return `${at} ${who(record.actor)} typed ${code(data.command)}: refused: ${plain(refusalReason(record))}`;
      if (typeof data.clicked === 'string') return `${at} ${who(record.actor)} clicked ${code(data.clicked)}: refused: ${plain(refusalReason(record))}`;
      return `${at} A request by ${who(record.actor)} was refused: ${plain(refusalReason(record))}`;
    case 'incident.opened':
      return `${at} Incident \`${record.incident}\` opened by ${who(record.actor)}: ${plain(String(data.title ?? ''))}`;
    case 'incident.abandoned':
      return `${at} The incident was **abandoned** before anything ran: ${plain(String(data.reason ?? ''))}`;
    case 'incident.thread':
      return `${at} The incident's Slack thread is in channel ${plain(String(data.channel ?? ''))}`;
    case 'incident.ref':
      return data.frontEnd === 'slack' ? `${at} The incident's Slack thread is in channel ${plain(String(data.ref?.channel ?? ''))}` : undefined;
    case 'run.proposed': {
      if (!run) return undefined;
      if (!run.needsApproval) {
        const reads = readOnlyWords(run.steps);
        return `${at} ${who(record.actor)} started the ${run.kind} \`${run.id}\`: ${reads === 'read-only' ? `${run.steps.length} read-only steps` : `${run.steps.length} steps, ${reads}`}`;
      }
      const destructive = run.steps.filter((s) => s.destructive).length;
      return (
        `${at} ${who(record.actor)} proposed **${runLabel(run)}** as plan \`${shortHash(run.hash)}\` (\`${run.id}\`): ${stepCount(run.steps.length)}, ${destructive} destructive` +
        `${Object.keys(shown(run)).length > 0 ? `, with ${Object.entries(shown(run)).map(([k, v]) => code(`${k}=${v}`)).join(' ')}` : ''}` +
        `${run.expiresAt ? `; approval needed by ${utcClockFrom(run.expiresAt, record.at)}` : ''}`
      );
    }
    case 'approval.refused':
      // Lines from before the button was recorded say either.
      return `${at} ${who(record.actor)} tried to ${data.unlock ? 'approve the unlock of' : data.decision === 'approve' || data.decision === 'reject' ? data.decision : 'approve or reject'} \`${plain(String(data.runId ?? ''))}\`, refused: ${plain(String(data.reason ?? ''))}`;
    case 'unlock.requested':
      // A read-only run is stopped at once: stopping it changes nothing, so no second person approves it.
      if (data.stoppedAtOnce === 'read-only') return `${at} ${who(record.actor)} **stopped** the read-only \`${plain(String(data.runId ?? ''))}\` with unlock (stopping it changes nothing)`;
      return `${at} ${who(record.actor)} asked to **unlock** \`${plain(String(data.runId ?? ''))}\`, left ${plain(String(data.was ?? ''))}, for a second person to approve`;
    case 'run.approved':
      return `${at} ${who(record.actor)} **approved** ${run ? `${runLabel(run)} (\`${run.id}\`, plan \`${shortHash(run.hash)}\`)` : `\`${plain(String(data.runId))}\``}${run ? `, ${formatDuration(between(run.proposedAt, record.at))} after it was proposed` : ''}${typeof data.crossesFrontEnds === 'string' ? ` (${plain(data.crossesFrontEnds)})` : ''}${run?.runbookChanged ? `; ${plain(runbookChangedAtApproval(run.runbookChanged))}` : ''}`;
    case 'run.rejected':
      return `${at} ${who(record.actor)} **rejected** ${run ? `${runLabel(run)} (\`${run.id}\`)` : `\`${plain(String(data.runId))}\``}; nothing of it ran`;
    case 'run.expired':
      return expiredEntry(run, String(data.runId), expiredAt(run, record.at));
    case 'run.started':
      return run?.needsApproval ? `${at} ${runLabel(run)} (\`${run.id}\`) started${record.actor === cliActor ? ' at a terminal' : ''}` : undefined;
    case 'step.started':
      if (run) started.set(`${run.id}#${String(data.stepId)}`, record.at);
      return undefined;
    case 'step.finished': {
      if (!run) return undefined;
      const result = data.result as StepRecord;
      const key = `${run.id}#${result.stepId}`;
      const from = started.get(key) ?? record.at;
      started.delete(key);
      return stepEntry(`- \`${utcClock(from)}\``, run, result, rootOf);
    }
    case 'run.finished': {
      if (!run) return undefined;
      const status = String(data.status ?? '');
      const elapsed = runElapsed({ startedAt: run.startedAt, status }, record.at);
      const failed = run.results.find((r) => !isPassing(run, r));
      const stoppedAt = status !== 'succeeded' && failed && `${failedAtWords(run.steps, run.results, failed.stepId)} ${plain(run.steps.find((s) => s.id === failed.stepId)?.title ?? failed.stepId)} (${plain(statusSaid(failed.status))})`;
      // Why it ended early (a restart, a full state dir), said by the run.finished line itself.
      const reason = typeof data.reason === 'string' ? plain(data.reason) : status === 'interrupted' ? 'interrupted' : undefined;
      const said = [stoppedAt, reason].filter(Boolean).join('; ');
      const why = said ? `: ${said}${data.unlock ? outsideApprovers(run.unlockedOutsideBotApprovers) : ''}` : '';
      return `${at} ${runLabel(run)} (\`${run.id}\`) **${endedWords({ status: status as Run['status'], startedAt: run.startedAt, steps: run.steps, results: run.results })}**${elapsed}${why}`;
    }
    case 'diagnosis.verdict':
      return `${at} **Verdict: ${plain(String(data.title ?? data.verdict ?? ''))}**${Array.isArray(data.paths) && data.paths.length > 0 ? `; recovery paths offered: ${data.paths.map((p: string) => p.toUpperCase()).join(', ')}` : ''}`;
    case roomCheckedType: {
      // The refused click itself is listed with the refusals: this says what its verdict's button showed after it.
      const button = `Path ${plain(String(data.path ?? '').toUpperCase())}'s button on the verdict of \`${plain(String(data.runId ?? ''))}\``;
      return typeof data.refused === 'string'
        ? `${at} ${button} was marked refused until its check passes: a click by ${who(String(data.clickedBy ?? ''))} found ${plain(data.refused)}`
        : `${at} ${button} was marked refused no longer: a click by ${who(String(data.clickedBy ?? ''))} found its check passing, and its plan was proposed`;
    }
    case 'run.follow-up':
      return `${at} Next, advised ${whereAdvised(record.actor, state.incident(String(record.incident)))}${run ? ` after ${runLabel(run)} (\`${run.id}\`)` : ''}: ${fromSlackText(String(data.advice ?? ''))}${offeredWithAdvice(data)}`;
    case 'journal.repaired':
      // A torn last line of this incident set aside: an acknowledged event lost is damage, a write cut short is not.
      return data.acknowledged
        ? `${at} **An acknowledged event was lost from the journal**: ${plain(String(data.reason ?? ''))}; what was left of it was set aside to ${code(String(data.setAside ?? ''))}`
        : `${at} A journal line cut short while it was written (never acknowledged) was set aside to ${code(String(data.setAside ?? ''))}`;
    case 'run.not-shown':
      return `${at} The plan \`${plain(String(data.runId ?? ''))}\`${run ? ` (${runLabel(run)})` : ''} could not be shown in ${data.frontEnd === 'slack' ? 'Slack' : plain(String(data.frontEnd ?? ''))}: ${plain(String(data.reason ?? ''))}`;
    case waitingRunbookChangedType:
      return `${at} ${waitingRunbookChangedEntry(run ? `plan **${runLabel(run)}** (\`${run.id}\`)` : `plan \`${plain(String(data.runId ?? ''))}\``, data)}`;
    case 'run.diagnosed-again':
      return `${at} The plan \`${plain(String(data.runId ?? ''))}\`${run ? ` (${runLabel(run)})` : ''} was no longer approvable: ${plain(String(data.reason ?? ''))}`;
    case 'run.rollback-offered':
      return `${at} The rollback of \`${String(data.runId)}\`${run ? ` (${runLabel(run)})` : ''} was offered`;
    case 'step.output-refused': {
      const index = run ? run.steps.findIndex((step) => step.id === data.stepId) : -1;
      const step = run && index >= 0 ? `${stepOwner(run)} step ${index + 1}/${run.steps.length}` : code(String(data.stepId ?? ''));
      return `${at} Slack would not take the whole output of ${step} as a file in the incident's thread (${plain(String(data.error ?? ''))}); the state dir keeps it`;
    }
    case 'run.message':
    case 'run.ref':
    case 'run.offer-ref':
    case 'step.output-attached':
    case 'step.process':
    // A file step's intent: its result (or, after a crash, what the disk showed) is the step's own entry.
    case 'step.intent':
      return undefined;
    default:
      // A watcher's line naming one of this incident's runs: what it saw, as it said it.
      if (record.type.startsWith('watch.') && typeof data.summary === 'string') return `${at} The ${plain(String(data.watcher ?? ''))} watcher (${code(record.type)}): ${plain(data.summary)}${unwatchedWords(data.span)}${leftOffWords(data.leftOff)}`;
      return `${at} ${plain(record.type)}${record.actor ? ` by ${who(record.actor)}` : ''}`;
  }
}

/**
 * For a watcher's end that left parts off on purpose (`watch.recovered`, `watch.settled`): what it still listed, so the
 * postmortem says what was still wrong. Journals from before `watch.settled` carried them have none: nothing is said.
 */
function leftOffWords(leftOff: unknown): string {
  const lines = Array.isArray(leftOff) ? leftOff.filter((line): line is string => typeof line === 'string') : [];
  return lines.length > 0 ? `; still wrong, left off on purpose: ${lines.map(plain).join('; ')}` : '';
}

/** For a watcher's end found at the bot's start: when it was not running, so the outage ended somewhere in there, not at this line's time. */
function unwatchedWords(span: unknown): string {
  const unwatched = (span as { unwatched?: { from?: unknown; to?: unknown } } | undefined)?.unwatched;
  if (typeof unwatched?.from !== 'string' || typeof unwatched.to !== 'string') return '';
  return ` (found healthy when the bot started again: it was not running from ${utcStamp(unwatched.from)} to ${utcStamp(unwatched.to)}, so it ended somewhere in there)`;
}

function expiredEntry(run: Run | undefined, runId: string, at: string): string {
  return `- \`${utcClock(at)}\` ${run ? `${runLabel(run)} (\`${run.id}\`)` : `\`${plain(runId)}\``} **expired** without an approval; nothing of it ran`;
}

/**
 * A step's output file as the state dir names it ("outputs/dbx-…/2-8-full_refresh.log"): the journal holds the path the
 * state dir had then, which one copied to another DATABOX_STATE_DIR no longer has (and a postmortem written again there
 * would differ from the one before only by it).
 */
function outputNamed(file: string): string {
  const at = file.lastIndexOf(`${path.sep}outputs${path.sep}`);
  return at === -1 ? file : file.slice(at + 1);
}

function stepEntry(prefix: string, run: Run, result: StepRecord, rootOf: RootOf): string {
  const index = run.steps.findIndex((s) => s.id === result.stepId);
  const step = run.steps[index];
  const title = step ? plain(step.title) : code(result.stepId);
  const lines = [`${prefix} ${stepOwner(run)} step ${index + 1}/${run.steps.length}: ${title}${step ? stepMarks(step) : ''} · ${resultFacts(result, step)}`];
  if (step) lines.push('', fence(describeStep(step, rootOf(run)), '  '));
  // A command's summary is its exit code, already shown.
  if (result.summary !== `exit ${result.exitCode}`) lines.push('', `  ${plain(result.summary)}`);
  if (result.excerpt && !result.summary.includes(result.excerpt.trim())) lines.push('', fence(shortExcerpt(result.excerpt), '  ', 'text'));
  if (result.logFile) {
    lines.push('', `  Full output: ${code(outputNamed(result.logFile))}${outputNamed(result.logFile) === result.logFile ? '' : ' in the state dir'}${result.outputBytes !== undefined ? ` (${result.outputBytes} bytes` : ''}${result.outputDigest ? `${result.outputBytes !== undefined ? ', ' : ' ('}${result.outputDigest})` : result.outputBytes !== undefined ? ')' : ''}`);
  }
  lines.push('');
  return lines.join('\n');
}

/** The checkout a run's commands are shown relative to. */
type RootOf = (run: Run) => string;

/** Where a run's end was lost with lines cut from the journal's end: the line they were lost before; else undefined. */
type EndLost = (run: Run) => number | undefined;

/** The verdict the incident is about, then the checks diagnosed after its recovery was proposed, each with its time. */
function verdictRow(incident: Incident): string {
  const diagnosis = verdictOfRecord(incident);
  if (!diagnosis) return 'no diagnosis recorded';
  const checks = followUpVerdicts(incident).map((f) => `${plain(f.title)} (${utcClockFrom(f.at, incident.openedAt)})`);
  return cell(`${plain(diagnosis.title)}${checks.length > 0 ? `; diagnosed again after the recovery was proposed: ${checks.join(', ')}` : ''}`);
}

/** A check diagnosed after the recovery was proposed: what it found, a healthy one read as the recovery confirmed. */
function followUpWords(check: Diagnosis, incident: Incident, runMark: RunMark): string {
  const run = incident.runs.find((r) => r.id === check.runId);
  // Read as the recovery confirmed only when a recovery had ended before it looked: the latest such is the one it checks.
  const recovered = [...incident.runs].reverse().find((r) => r.kind === 'recovery' && r.status === 'succeeded' && r.finishedAt !== undefined && r.finishedAt <= check.at);
  const healthy = check.severity === 'ok' && recovered ? `confirmed healthy after recovery (\`${recovered.id}\`), ` : '';
  return `- ${healthy}at ${utcClockFrom(check.at, incident.openedAt)} from \`${check.runId}\`: **${plain(check.title)}** (severity ${check.severity}, \`${check.verdict}\`).${run ? runMark(run, ['diagnosis.verdict']) : ''}`;
}

function diagnosisSection(doc: Document, incident: Incident, endLost: EndLost, runMark: RunMark): void {
  const diagnosis = verdictOfRecord(incident);
  const latest = incident.diagnosis;
  // A diagnosis after the last verdict (or with none at all) that gave none: said, so an earlier verdict is not read as its.
  const verdictRun = latest ? incident.runs.findIndex((r) => r.id === latest.runId) : -1;
  const withoutVerdict = incident.runs.filter((r, i) => r.kind === 'diagnosis' && i > verdictRun && r.startedAt);
  const noVerdictWords = withoutVerdict.map((r) => {
    const before = endLost(r);
    return `A later diagnosis, \`${r.id}\` (started ${utcClockFrom(r.startedAt as string, incident.openedAt)}), recorded no verdict: ${before !== undefined ? endLostWords(before) : r.finishedAt ? `it ${endedWords(r)}` : 'it has no end on record'}.`;
  });
  if (!diagnosis) {
    doc.add('No diagnosis verdict was recorded.', ...noVerdictWords.map((words) => `\n${words.replace('A later diagnosis', 'The diagnosis')}`));
    return;
  }
  if (noVerdictWords.length > 0) doc.add(`${noVerdictWords.join(' ')} The verdict below is that of the earlier \`${diagnosis.runId}\`.`, '');
  const run = incident.runs.find((r) => r.id === diagnosis.runId);
  const verdictMark = run ? runMark(run, ['diagnosis.verdict']) : '';
  doc.add(`**Verdict: ${plain(diagnosis.title)}** (severity ${diagnosis.severity}, \`${diagnosis.verdict}\`), at ${utcClockFrom(diagnosis.at, incident.openedAt)} from \`${diagnosis.runId}\`.${verdictMark}`, '');
  doc.add(plain(diagnosis.advice), '');
  if (run && run.results.length > 0) {
    doc.add('| Evidence | Status | Finding |', '| --- | --- | --- |');
    for (const result of run.results) {
      const step = run.steps.find((s) => s.id === result.stepId);
      doc.add(`| ${cell(plain(step?.title ?? result.stepId))} | ${cell(statusWords(step, result.status))} | ${cell(plain(result.summary))}${runMark(run, ['step.started', 'step.finished'], result.stepId)} |`);
    }
  }
  const suggested = Object.entries(diagnosis.suggested ?? {});
  if (suggested.length > 0) doc.add('', `Parameters the verdict suggested: ${suggested.map(([k, v]) => code(`${k}=${v}`)).join(', ')}.`);
  if (diagnosis.paths.length > 0) doc.add('', `Recovery paths offered: ${diagnosis.paths.map((p) => `path ${p.toUpperCase()}`).join(', ')}.`);
  else doc.add('', 'No recovery path was offered for this verdict.');
  const checks = followUpVerdicts(incident);
  if (checks.length > 0) doc.add('', 'Follow-up checks, diagnosed after the recovery was proposed on the verdict above:', '', ...checks.map((check) => followUpWords(check, incident, runMark)));
}

/** The mark of a row built from a run's lines of these types (of one step, if given): see unverifiedMark. */
type RunMark = (run: Run, types: readonly string[], stepId?: string) => string;

/** The step a step's line is about: step.started names it, step.finished's result does. */
function stepIdOf(record: JournalRecord): string | undefined {
  const data = record.data as { stepId?: unknown; result?: { stepId?: unknown } };
  const id = data.stepId ?? data.result?.stepId;
  return typeof id === 'string' ? id : undefined;
}

/** A terminal's approval by someone the bot's DATABOX_APPROVERS (`list`) does not name: the terminal ran without that setting. */
function outsideApprovers(list: readonly string[] | undefined): string {
  return list ? `; **not one of the approvers the bot had in force** (DATABOX_APPROVERS: ${list.map(plain).join(', ')}): the terminal ran without that setting` : '';
}

const decisionTypes = ['run.approved', 'run.rejected', 'run.expired', 'run.started', 'run.finished'];

function planSection(doc: Document, run: Run, rootOf: RootOf, state: IncidentState, runMark: RunMark, endLost: EndLost, shown: ShownParams): void {
  const lost = endLost(run);
  // Times on another day than the incident's first are given with their date.
  const openedAt = state.incident(run.incidentId)?.openedAt ?? run.proposedAt;
  doc.add(`### ${plain(run.title)} (\`${run.id}\`): ${lost !== undefined ? endLostWords(lost) : orNoLongerApprovable(run, state, orStoppedByGuard(run, endedWords(run)))}${runMark(run, decisionTypes)}`, '');
  // Each fact with the mark of the lines it is built from: what the plan was (its proposal), who decided, how it ran.
  const proposed = runMark(run, ['run.proposed']);
  const facts = [
    `Requested by ${who(run.requestedBy)} at ${utcClockFrom(run.proposedAt, openedAt)} as plan \`${shortHash(run.hash)}\` (${stepCount(run.steps.length)}, ${run.steps.filter((s) => s.destructive).length} destructive)${proposed}`,
  ];
  if (run.rollbackOf) facts.push(`Undoes \`${run.rollbackOf}\`${proposed}`);
  const params = shown(run);
  if (Object.keys(params).length > 0) facts.push(`Parameters: ${Object.entries(params).map(([k, v]) => code(`${k}=${v}`)).join(', ')}${proposed}`);
  for (const preview of run.previews ?? []) facts.push(`Preview when proposed: ${plain(preview.title)}: **${plain(previewValueSaid(preview))}**${proposed}`);
  // What the plan warned of before anyone approved it: on the record beside who approved it.
  for (const warning of [run.againstDiagnosis, overtakesWarning(run)]) if (warning) facts.push(`Warned when proposed: ${plain(warning)}${proposed}`);
  const leftOut = leftOutLine(run);
  if (leftOut) facts.push(`${plain(leftOut)}${proposed}`);
  if (run.status === 'rejected') facts.push(`Rejected by ${who(run.decidedBy)} at ${utcClockFrom(run.decidedAt ?? '', openedAt)}${runMark(run, ['run.rejected'])}`);
  else if (run.status === 'expired') facts.push(`Expired unapproved at ${utcClockFrom(expiredAt(run, run.decidedAt ?? ''), openedAt)}${runMark(run, ['run.proposed', 'run.expired'])}`);
  else if (run.decidedBy) facts.push(`Approved by ${who(run.decidedBy)} at ${utcClockFrom(run.decidedAt ?? '', openedAt)}${run.crossesFrontEnds ? ` (${plain(run.crossesFrontEnds)})` : ''}${outsideApprovers(run.approvedOutsideBotApprovers)}${run.runbookChanged ? `; ${plain(runbookChangedAtApproval(run.runbookChanged))}` : ''}${runMark(run, ['run.approved'])}`);
  else if (run.status === 'pending') {
    // As the status and an approval see it: a plan made before another changed its database cannot be approved any more.
    const changedBy = state.staleBy(run);
    facts.push(`${changedBy ? `No longer approvable when this was written: plan \`${changedBy.id}\` (${plain(changedBy.title)}) changed ${changedByPlanOf(changedBy)} after it was made` : 'Still waiting for an approval when this was written'}${proposed}`);
  }
  if (run.startedAt) facts.push(`Ran ${utcClockFrom(run.startedAt, openedAt)}${run.finishedAt ? `–${utcClockFrom(run.finishedAt, openedAt)} (${runDuration({ startedAt: run.startedAt, status: run.status }, run.finishedAt)}): ${orStoppedByGuard(run, endedWords(run))}` : `, ${lost !== undefined ? endLostWords(lost) : `no end recorded: ${orStoppedByGuard(run, run.status)}`}`}${runMark(run, ['run.started', 'run.finished'])}`);
  // What the thread's failure message said it left behind: what the database held when it stopped.
  const changed = run.status === 'failed' || run.status === 'interrupted' ? changedBeforeStopping(run.steps, run.results) : [];
  const ended = runMark(run, ['step.finished', 'run.finished']);
  if (changed.length > 0) facts.push(`Changed before it stopped: ${changed.map((c) => `${plain(c.title)}: ${plain(c.summary)}`).join('; ')}${ended}`);
  const incident = state.incident(run.incidentId);
  if (incident) facts.push(...landedBeforeStoppingLines(run, incident).map((line) => `${line}${ended}`));
  doc.add(...facts.map((f) => `- ${f}`), '');
  stepTable(doc, run, rootOf, !run.startedAt, runMark);
}

/** Every step of a run with its outcome; the exact commands too when the timeline does not show them (a plan that never ran). */
function stepTable(doc: Document, run: Run, rootOf: RootOf, withCommands: boolean, runMark: RunMark): void {
  doc.add(withCommands ? '| # | Step | Command | Status | Exit | Duration |' : '| # | Step | Status | Exit | Duration |');
  doc.add(withCommands ? '| --- | --- | --- | --- | --- | --- |' : '| --- | --- | --- | --- | --- |');
  run.steps.forEach((step, i) => {
    const result = run.results.find((r) => r.stepId === step.id);
    // Started with no result on record (the journal lost its line, or the run was cut off in it): it may have done its work.
    const startedOnly = !result && run.startedSteps?.includes(step.id);
    const said = result ? statusWords(step, result.status) : startedOnly ? 'started, no result on record: it may have run, check' : run.startedAt ? 'not run' : 'planned';
    const status = `${said}${runMark(run, ['step.started', 'step.finished'], step.id)}`;
    const exit = result?.exitCode !== undefined && result.exitCode !== null ? String(result.exitCode) : '';
    const duration = result ? stepDuration(result) : '';
    const title = `${plain(step.title)}${stepMarks(step)}`;
    doc.add(
      withCommands
        ? `| ${i + 1} | ${cell(title)} | ${cell(code(commentsInline(describeStep(step, rootOf(run)), stepKind(step.kind).describesSql === true)))} | ${cell(status)} | ${exit} | ${duration} |`
        : `| ${i + 1} | ${cell(title)} | ${cell(status)} | ${exit} | ${duration} |`,
    );
  });
  doc.add('');
}

/** The lines a time is built from, to mark one built from an unverified line (see unverifiedMark). */
interface TimeSources {
  mark: (from: Iterable<JournalRecord>) => string;
  ofRuns: (runs: readonly Run[]) => JournalRecord[];
  opening: JournalRecord[];
  verdicts: JournalRecord[];
}

function timings(doc: Document, incident: Incident, rb: Runbook | undefined, state: IncidentState, { mark, ofRuns, opening, verdicts }: TimeSources): void {
  const opened = incident.openedAt;
  const lines: string[] = [];
  const first = incident.firstVerdictAt ?? incident.diagnosis?.at;
  const again = followUpVerdicts(incident).length > 0 ? 'the verdict above is the one the recovery was proposed on; the later ones are follow-up checks, under *Diagnosis*' : 'the verdict above is the latest';
  const latest = incident.diagnosis && first !== incident.diagnosis.at ? ` It was diagnosed again since: ${again} (${utcClockFrom(incident.diagnosis.at, opened)}).` : '';
  lines.push(
    first
      ? `- **Time to diagnose:** ${formatDuration(between(opened, first))}, from the incident being opened (${utcClock(opened)}) to the first verdict (${utcClockFrom(first, opened)}).${latest}${mark([...opening, ...verdicts])}`
      : '- **Time to diagnose:** no verdict was recorded.',
  );
  const approved = incident.runs.filter((r) => (r.kind === 'recovery' || r.kind === 'rollback') && r.decidedBy && r.decidedAt && r.status !== 'rejected');
  if (approved.length === 0) lines.push('- **Time to approve:** no plan was approved.');
  else {
    lines.push(
      `- **Time to approve:** ${approved
        .map((r) => `${formatDuration(between(r.proposedAt, r.decidedAt as string))} for ${plain(r.title)} (\`${r.id}\`, proposed ${utcClockFrom(r.proposedAt, opened)}, approved ${utcClockFrom(r.decidedAt as string, opened)} by ${who(r.decidedBy)})`)
        .join('; ')}.${mark(ofRuns(approved).filter((r) => r.type === 'run.proposed' || r.type === 'run.approved'))}`,
    );
  }
  const outcome = recoveryOutcome(incident, rb, state);
  lines.push(
    outcome.at
      ? `- **Time to recover:** ${formatDuration(between(opened, outcome.at))}, from the incident being opened (${utcClock(opened)}) to the validation that passed after ${plain(outcome.run?.title ?? 'the recovery')} (${utcClockFrom(outcome.at, opened)}).${mark([...opening, ...ofRuns(incident.runs)])}`
      : `- **Time to recover:** none yet. Outcome: ${outcome.text}.${mark([...verdicts, ...ofRuns(incident.runs)])}`,
  );
  doc.add(...lines);
}
