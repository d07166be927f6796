// Block Kit messages for every moment of an incident: root message, plans, steps, verdicts and offers.
import { asSentence, expiredWhatNow } from '../incidents/outdated-what-now.js';
import { cleanupEnded, endedWords, outcomeUnknown, runLabel } from '../incidents/run-label.js';
import type { UndoneByOther } from '../incidents/recoveries-undone.js';
import { rolledBackStatus, undoneStatus } from './undone-status.js';
import { leftOutLine } from '../incidents/left-out.js';
import { standingRuns } from '../incidents/standing-runs.js';
import type { KnownBlock } from '@slack/types';
import { describeStep } from '../engine/describe.js';
import { previewValueSaid } from '../engine/previews.js';
import { boundValuesLine } from '../engine/bound-values-line.js';
import { shortHash } from '../engine/resolve.js';
import type { ResolvedStep, StepRecord } from '../engine/types.js';
import { noRollbackWarning, overtakesWarning, teammateRuleLine, utcTime } from '../incidents/approval-policy.js';
import { saidInSlack, slackMention as mention } from './mentions.js';
import { planOfferCommand, type PlanOffer } from '../incidents/plan-offer.js';
import { followUpCommand, type FollowUpOffer } from '../incidents/reporter.js';
import { interruptedLine, type Diagnosis, type Incident, type Run } from '../incidents/state.js';
import { olderVerdictWords } from '../incidents/older-diagnosis-plan.js';
import { notUndoneByRollback } from '../incidents/not-undone-by-rollback.js';
import type { SetAside } from '../journal/journal.js';
import { acknowledgedTornWords } from '../journal/torn-tail.js';
import type { Parameter, RecoveryPath, Runbook } from '../runbook/schema.js';
import { validatedElsewhere } from '../incidents/recovered-elsewhere.js';
import { formatDuration, runElapsed } from '../format-duration.js';
import { codeBlock, cutMiddle, cutWithin, escapeMrkdwn, escapeMrkdwnNames, literalCode } from './mrkdwn.js';
import { changedBeforeStopping, changedNothingSaid, failedAtWords, failedChangingNothing, firstFailure, notStartedResults, otherFailures, passedCount, stepOutcome } from '../engine/step-passed.js';
import { stepCount } from '../step-count.js';
import { typedRecover, type TypedRecover } from '../incidents/typed-recover.js';
import { requiredOn } from '../incidents/path-requires.js';
import { untilRepairedWords } from '../journal/until-repaired.js';
import { atUtc } from '../timestamps.js';
import { readNames } from '../runbook/params.js';
import { runbookChangedWords } from '../incidents/runbook-changed.js';
import { waitingRunbookChangedWords } from '../incidents/waiting-runbook-changed.js';
import { followUpVerdicts, verdictOfRecord } from '../incidents/verdict-of-record.js';
import { changedByPlanOf, changedByPlanSaid } from '../incidents/changed-by-plan.js';
import { roomMark, type RoomMark } from '../incidents/room-marks.js';

export const actionIds = {
  approve: 'approve_plan',
  reject: 'reject_plan',
  choosePath: 'choose_path',
  rollback: 'request_rollback',
  postmortem: 'write_postmortem',
  /** One per offered diagnosis: open_follow_up_0, open_follow_up_1 … */
  followUp: 'open_follow_up',
  /** A validation follow-up's plan of the same incident (path C, the cleanup): proposes it in the thread. */
  proposeFollowUp: 'propose_follow_up',
  /** A second person's approval of an unlock asked for with /databox unlock (unlock-message.ts). */
  approveUnlock: 'approve_unlock',
} as const;

export const parametersModalId = 'path_parameters_modal';
export const rollbackModalId = 'rollback_parameters_modal';

export interface Rendered {
  text: string;
  blocks: KnownBlock[];
}

/** Slack refuses a message whose section or context text is longer than this, and then nothing of it is posted. */
const blockTextLimit = 3_000;

export const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: cutWithin(text, blockTextLimit) } });
export const context = (text: string): KnownBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text: cutWithin(text, blockTextLimit) }] });

/**
 * A message cut again to Slack's limits after redaction, which can lengthen a text ("[REDACTED]" for a shorter secret):
 * a block one character over the limit would lose the whole message.
 */
export function withinSlackLimits(rendered: Rendered): Rendered {
  const cut = <T extends { text?: string }>(part: T): T => (typeof part.text === 'string' && part.text.length > blockTextLimit ? { ...part, text: cutWithin(part.text, blockTextLimit) } : part);
  const blocks = rendered.blocks.map((block) => {
    if (block.type === 'section' && block.text) return { ...block, text: cut(block.text) };
    if (block.type === 'context') return { ...block, elements: block.elements.map((element) => ('text' in element ? cut(element) : element)) };
    return block;
  }) as KnownBlock[];
  return { ...rendered, blocks };
}

/**
 * A thread message posted again after Slack lost its answer to the first try: Slack may show that first copy above it,
 * which nothing updates. Said on the copy that is kept up to date, as long as it is. `copies`: how many tries Slack
 * lost the answer to, each a copy that may be above (three lost answers may leave three copies, not "an earlier" one).
 */
export function withCopyNote(rendered: Rendered, copies = 1): Rendered {
  if (copies <= 1) return withNote(rendered, ':information_source: Slack lost its answer when this message was first sent, so an earlier copy of it may be just above: this one is kept up to date, and a button on either does the same.');
  return withNote(rendered, `:information_source: Slack lost its answer to ${copies} earlier tries of this message, so up to ${copies} copies of it may be just above: this one is kept up to date, and a button on any of them does the same.`);
}

/** A note under a message, whatever room its blocks leave. */
export function withNote(rendered: Rendered, note: string): Rendered {
  if (rendered.blocks.length < maxBlocks) return { ...rendered, blocks: [...rendered.blocks, context(note)] };
  // A message already at Slack's 50 blocks: the note goes under its first block's text instead of a block of its own.
  const [first, ...rest] = rendered.blocks;
  if (first?.type !== 'section' || !first.text) return rendered;
  // The block's own text gives way, never the note.
  return { ...rendered, blocks: [{ ...first, text: { ...first.text, text: `${cutWithin(first.text.text, blockTextLimit - note.length - 1)}\n${note}` } }, ...rest] };
}

/** Slack refuses a message of more blocks than this. */
const maxBlocks = 50;

/** The plan whose changes made a waiting plan no longer approvable, when one did (as `/databox status` tells it). */
export type OutdatedBy = (run: Run) => { by: Run; whatNow: string } | undefined;

/** The recovery of another incident that undid this incident's, when one did (undoneIncidents). */
export type UndoneBy = (incident: Incident) => UndoneByOther | undefined;

function incidentStatus(incident: Incident, parameters: Runbook['parameters'] | undefined, outdatedBy: OutdatedBy, undoneBy: UndoneBy): string {
  // A plan rejected or expired changed nothing: where the incident stands is what came before it, as /databox status says.
  const runs = standingRuns(incident);
  const last = runs.at(-1);
  if (!last) return 'opened';
  // "Rolled back, so not recovered" stays said, the cleanup after it; so does where the incident stood before a plan
  // that can no longer be approved (nobody goes looking to approve it).
  const stale = last.status === 'pending' && last.needsApproval ? outdatedBy(last) : undefined;
  if ((cleanupEnded(last) || stale) && runs.length > 1) {
    return `${incidentStatus({ ...incident, runs: runs.slice(0, -1) }, parameters, outdatedBy, undoneBy)}; then ${runStatus(last, outdatedBy)}`;
  }
  // Its recovery undone, the thread's top stops reading as a success: what undid it, and when.
  if (last.kind === 'rollback' && last.status === 'succeeded') return rolledBackStatus(incident, last);
  const undone = undoneBy(incident);
  if (undone && (last.id === undone.recovery.id || (last.kind === 'validation' && incident.runs.indexOf(last) > incident.runs.indexOf(undone.recovery)))) {
    return undoneStatus(incident, undone);
  }
  // A validation that passed over a recovery of another source than diagnosed: as the postmortem says, not recovered.
  return validatedElsewhere(incident, last, () => parameters) ?? runStatus(last, outdatedBy);
}

/** Where a run leaves its incident, in a few words. */
function runStatus(last: Run, outdatedBy: OutdatedBy = () => undefined): string {
  const stale = last.status === 'pending' && last.needsApproval ? outdatedBy(last) : undefined;
  const labels: Record<string, string> = {
    // Nobody should go looking for it to approve: an approval would be refused.
    // A rollback's way on is said as its message says it (roll another plan back first, or ask again); a recovery's is to diagnose again.
    pending: stale
      ? `plan ${last.id} no longer approvable (plan ${stale.by.id} changed ${escapeMrkdwnNames(changedByPlanOf(stale.by))} since): ${last.kind === 'rollback' ? stale.whatNow : 'diagnose again'}`
      : last.needsApproval
        ? 'waiting for approval'
        : 'starting',
    approved: 'approved, starting',
    running: `${last.kind} running`,
    succeeded: last.kind === 'diagnosis' ? 'diagnosis finished' : `${runLabel(last).toLowerCase()} succeeded`,
    failed: `${runLabel(last).toLowerCase()} ${endedWords(last)}`,
    interrupted: `${runLabel(last).toLowerCase()} ${endedWords(last)}`,
  };
  return labels[last.status] ?? last.status;
}

/**
 * `parameters`: its runbook's, to tell a recovery of another source than diagnosed (without them, not told);
 * `outdatedBy`: to tell a waiting plan no longer approvable (without it, "waiting for approval").
 */
export function rootMessage(incident: Incident, parameters?: Runbook['parameters'], outdatedBy: OutdatedBy = () => undefined, undoneBy: UndoneBy = () => undefined): Rendered {
  // The verdict the incident is about; a diagnosis after its recovery was proposed is a check of it, said after it.
  const ofRecord = verdictOfRecord(incident);
  const checked = followUpVerdicts(incident).at(-1);
  const verdict = `${ofRecord ? ` · verdict: *${escapeMrkdwnNames(ofRecord.title)}*` : ''}${checked ? ` · checked again: *${escapeMrkdwnNames(checked.title)}*` : ''}`;
  return {
    text: `Incident ${incident.id}: ${escapeMrkdwnNames(incident.title)}`,
    blocks: [
      section(`:rotating_light: *${escapeMrkdwnNames(incident.title)}*\nIncident \`${incident.id}\` opened by ${mention(incident.openedBy)} at ${utcTime(incident.openedAt)}${verdict}`),
      context(`Status: ${escapeMrkdwn(incidentStatus(incident, parameters, outdatedBy, undoneBy))} · everything about this incident goes into this thread`),
      {
        type: 'actions',
        elements: [{ type: 'button', action_id: actionIds.postmortem, text: { type: 'plain_text', text: 'Write postmortem' }, value: incident.id }],
      },
    ],
  };
}

const maxPlanSteps = 40;
const maxStepChars = 1_200;
/** The fewest characters of a step's text a plan cut to fit still shows. */
const minStepChars = 60;

/**
 * Slack refuses a message whose blocks hold about 12,000 characters of text in all (msg_blocks_too_long, undocumented),
 * as run-message.ts's messageLimits.chars says; a plan's steps share what its header (a section, at most
 * blockTextLimit), previews, buttons and pointer to the attached plan leave of this.
 */
const planCharBudget = 11_000;
const planTailReserve = 700;

/** The name of the file the whole plan is attached as, when its message cannot hold it. */
export const planFileName = (run: Run) => `${run.id.replace('/', '-')}-plan.txt`;

/**
 * How many characters of each step's text the plan message shows: up to maxStepChars, and less for all (the longest
 * cut first) when its steps would otherwise take more than the message's budget leaves them.
 */
function stepCharsShown(run: Run, root: string): number {
  const previewChars = planPreviews(run).reduce((sum, block) => sum + (block.type === 'section' ? (block.text?.text.length ?? 0) : 0), 0);
  const room = planCharBudget - blockTextLimit - previewChars - planTailReserve;
  // Described once: a step's description may look at the files it names.
  const shown = run.steps.slice(0, maxPlanSteps).map((step) => ({ step, described: describeStep(step, root) }));
  return widestThatFits(minStepChars, maxStepChars, (max) => shown.reduce((sum, { step, described }, i) => sum + stepLine(step, described, i, max).length, 0) <= room);
}

/**
 * The most characters, from `min` to `max`, each of a message's texts may show for them all to fit (`fits`): only the
 * texts longer than that are cut, so the longest are cut first. `min` when even that does not fit.
 */
function widestThatFits(min: number, max: number, fits: (max: number) => boolean): number {
  if (fits(max)) return max;
  let low = min;
  let high = max;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (fits(middle)) low = middle;
    else high = middle;
  }
  return low;
}

/** Whether a plan message leaves steps or step text out (so the full plan must be attached for the approver). */
export function planIsCut(run: Run, root: string): boolean {
  const max = stepCharsShown(run, root);
  return run.steps.length > maxPlanSteps || run.steps.some((step) => {
    const described = describeStep(step, root);
    return codeBlock(described, max) !== codeBlock(described, Infinity);
  });
}

/** The whole plan as text, for the file attached when the message cannot hold it. */
export function planText(run: Run, root: string): string {
  const previews = (run.previews ?? []).map((p) => `Preview: ${p.title}: ${previewValueSaid(p)}\n${p.sql.trim()}${boundValuesLine(p.params)}`);
  const steps = run.steps.map((step, i) => `${i + 1}. ${step.destructive ? '[DESTRUCTIVE] ' : ''}${step.title}\n${describeStep(step, root)}`);
  return [`Plan ${run.title} (${run.hash})`, ...previews, ...steps].join('\n\n');
}

/** What a step does to the data, at a glance: destructive, changes data, a guard, or a read-only check. */
export const stepMark = (step: ResolvedStep) => (step.destructive ? ':warning: *DESTRUCTIVE* ' : step.mutates ? ':pencil2: ' : step.guard ? ':shield: ' : ':mag: ');

function stepLine(step: ResolvedStep, described: string, index: number, maxChars: number): string {
  return `${stepMark(step)}*${index + 1}. ${escapeMrkdwnNames(step.title)}*\n${codeBlock(described, maxChars)}`;
}

export function decisionLine(run: Run): string | undefined {
  switch (run.status) {
    case 'pending':
      return undefined;
    case 'rejected':
      return `:no_entry: Rejected by ${mention(run.decidedBy)} at ${utcTime(run.decidedAt ?? '')}`;
    case 'expired':
      return run.outdatedBy
        ? `:no_entry_sign: No longer approvable: ${escapeMrkdwnNames(run.outdatedChanged ?? 'its database')} changed since it was made (plan ${run.outdatedBy}); it expired at ${utcTime(run.expiresAt ?? '')} and nothing of it ran. ${escapeMrkdwnNames(asSentence(expiredWhatNow(run)))}`
        : run.diagnosedAgain
          ? // Expiring does not take back why it could not be approved: a newer verdict, which says what to do instead.
            `${olderVerdictLine(run, run.diagnosedAgain)} It expired at ${utcTime(run.expiresAt ?? '')}.`
          : `:hourglass: Expired at ${utcTime(run.expiresAt ?? '')} without approval; nothing ran. Propose it again to run it.`;
    case 'interrupted':
      return `:electric_plug: ${saidInSlack(interruptedLine(run))}`;
    default:
      return run.decidedBy ? `:white_check_mark: Approved by ${mention(run.decidedBy)} at ${utcTime(run.decidedAt ?? '')}${run.runbookChanged ? `\n:warning: ${escapeMrkdwnNames(runbookChangedWords(run.runbookChanged))}` : ''}` : undefined;
  }
}

/**
 * A plan's first lines: its title and hash, who asked, how many steps are destructive, who may approve it (under
 * DATABOX_ALLOW_SELF_APPROVAL's rule). What approving it would do to the plans waiting beside it, and when the approval
 * expires, only while it can be approved: decided, or made stale by another plan, it would otherwise still say another
 * plan waits that may have run since.
 */
export function planHeader(run: Run, allowSelfApproval: boolean, approvable = run.status === 'pending'): string {
  const destructiveCount = run.steps.filter((s) => s.destructive).length;
  const rule = teammateRuleLine(run, allowSelfApproval) ?? 'Anyone allowed may approve it.';
  return `:clipboard: *Plan ${escapeMrkdwnNames(run.title)}* · \`${shortHash(run.hash)}\`\nRequested by ${mention(run.requestedBy)} · ${stepCount(run.steps.length)}, ${destructiveCount} destructive · ${rule}` +
    // Warnings name tables, views, paths and steps from the operator's data: each Slack would read as formatting is code.
    (run.againstDiagnosis ? `\n:warning: *${escapeMrkdwnNames(run.againstDiagnosis)}*` : '') +
    (approvable && run.runbookChangedWhileWaiting ? `\n:warning: ${escapeMrkdwnNames(waitingRunbookChangedWords(run, run.runbookChangedWhileWaiting))}` : '') +
    (approvable && overtakesWarning(run) ? `\n:warning: ${escapeMrkdwnNames(overtakesWarning(run) as string)}` : '') +
    (noRollbackWarning(run) ? `\n:warning: ${escapeMrkdwnNames(noRollbackWarning(run) as string)}` : '') +
    (leftOutLine(run) ? `\n:heavy_minus_sign: ${escapeMrkdwnNames(leftOutLine(run) as string)}.` : '') +
    (run.expiresAt && approvable ? `\nThe approval binds to exactly these steps and expires ${atUtc(run.expiresAt, run.proposedAt)}.` : '');
}

/** The counts a plan was made with (rows a DELETE will remove, say), each with its SQL and bound values. */
export function planPreviews(run: Run): KnownBlock[] {
  return (run.previews ?? []).map((p) => section(`:bar_chart: *Preview: ${escapeMrkdwnNames(p.title)}: ${escapeMrkdwnNames(previewValueSaid(p))}*\n${codeBlock(`${p.sql.trim()}${boundValuesLine(p.params)}`, 800)}`));
}

/** Why a plan still waiting can no longer be approved, and what to do instead, as an approval would be refused (approvals.ts). */
function outdatedLine(run: Run, outdated: { by: Run; whatNow: string }): string {
  const changed = escapeMrkdwnNames(changedByPlanSaid(outdated.by, run.lockKey));
  const when = utcTime(outdated.by.startedAt ?? outdated.by.proposedAt);
  return `:no_entry_sign: No longer approvable: ${changed} since this plan was made (plan ${outdated.by.id}, ${escapeMrkdwnNames(outdated.by.title)}, started at ${when}). Nothing of this plan ran. ${escapeMrkdwnNames(asSentence(outdated.whatNow))}`;
}

/** Why a plan still waiting can no longer be approved once its incident was diagnosed again, as an approval would be refused. */
const olderVerdictLine = (run: Run, newer: Diagnosis): string => `:no_entry_sign: No longer approvable: ${escapeMrkdwnNames(asSentence(olderVerdictWords(run, newer)))}`;

export function planMessage(run: Run, root: string, allowSelfApproval: boolean, outdated?: { by: Run; whatNow: string }): Rendered {
  const waiting = run.status === 'pending';
  const decided = decisionLine(run) ?? (waiting && outdated ? outdatedLine(run, outdated) : undefined) ?? (waiting && run.diagnosedAgain ? olderVerdictLine(run, run.diagnosedAgain) : undefined);
  const header = planHeader(run, allowSelfApproval, decided === undefined);
  const previews = planPreviews(run);
  const maxChars = stepCharsShown(run, root);
  const steps = run.steps.slice(0, maxPlanSteps).map((step, i) => section(stepLine(step, describeStep(step, root), i, maxChars)));
  if (planIsCut(run, root)) steps.push(context(`:paperclip: This plan is longer than a message can show, so its longest steps are cut: the whole plan, every step in full, goes to the thread as a file, ${planFileName(run)}, once Slack takes it (meanwhile the journal in the bot's state dir holds every step). The approval binds to all of it.`));
  const value = JSON.stringify({ run: run.id, hash: run.hash });
  const tail: KnownBlock[] = decided
    ? [context(decided)]
    : [
        {
          type: 'actions',
          elements: [
            { type: 'button', action_id: actionIds.approve, style: 'danger', text: { type: 'plain_text', text: 'Approve' }, value },
            { type: 'button', action_id: actionIds.reject, text: { type: 'plain_text', text: 'Reject' }, value },
          ],
        },
      ];
  return { text: `Plan ${escapeMrkdwnNames(run.title)} (${shortHash(run.hash)}) ${decided ? decided : 'waiting for approval'}`, blocks: [section(header), ...previews, ...steps, ...tail] };
}

/** A status a step accepts (a guard that only refuses a held file accepts "corrupt") is shown as a pass. */
export const accepted = (step: ResolvedStep | undefined, status: string) => stepOutcome(step, status) === 'accepted';

export const statusIcon = (status: string) =>
  ({ ok: ':white_check_mark:', skipped: ':white_circle:', failed: ':x:', unknown: ':grey_question:', timeout: ':alarm_clock:', interrupted: ':octagonal_sign:', 'not-started': ':white_small_square:' })[status] ?? ':large_orange_diamond:';

/** A verdict's evidence: each check the diagnosis ran, its outcome, title and summary, one a line. */
function evidenceLines(run: Run, escape: (text: string) => string): string[] {
  // A status the step accepts (a restorable moment) is good news: shown as the run's message shows it, a pass.
  return run.results.map((r) => {
    const step = run.steps.find((s) => s.id === r.stepId);
    return `${statusIcon(accepted(step, r.status) ? 'ok' : r.status)} *${escape(step?.title ?? r.stepId)}*: ${escape(r.summary)}`;
  });
}

/** The name of the file a verdict's whole advice and evidence are attached as, when its message cannot hold them. */
export const verdictFileName = (run: Run) => `${run.id.replace('/', '-')}-verdict.txt`;

/** The whole verdict as text, for the file attached when its message cuts its advice or evidence. */
export function verdictText(incident: Incident, run: Run): string {
  const diagnosis = incident.diagnosis;
  const evidence = run.results.map((r) => `${r.status}: ${run.steps.find((s) => s.id === r.stepId)?.title ?? r.stepId}: ${r.summary}`);
  return [`Verdict: ${diagnosis?.title ?? 'unknown'} (incident ${incident.id}, diagnosis ${run.id})`, diagnosis?.advice ?? '', 'Evidence:', ...evidence].join('\n\n');
}

/** Said under a verdict's cut advice or evidence: where the rest is. */
const verdictFileNote = (run: Run) => `:paperclip: Cut to fit one message: the whole advice and every check's evidence in full go to the thread as a file, ${verdictFileName(run)}, once Slack takes it (meanwhile the journal in the bot's state dir holds them)`;

/** Paths of a verdict no longer offered (spent-offer-message.ts): their buttons and commands give way to `line`. */
export interface SpentPaths {
  paths: readonly string[];
  line: string;
}

export function verdictMessage(incident: Incident, run: Run, paths: RecoveryPath[], declared: Readonly<Record<string, Parameter>>, spent?: SpentPaths): Rendered {
  if (!spent) return verdictLayout(incident, run, paths, declared).rendered;
  // The advice and evidence as first shown, the spent paths' buttons and commands replaced by what happened.
  const live = verdictLayout(incident, run, paths.filter((p) => !spent.paths.includes(p.id)), declared).rendered;
  const [advice, evidence, ...offered] = live.blocks;
  return { ...live, blocks: [advice, evidence, context(spent.line), ...offered].filter((block): block is KnownBlock => block !== undefined) };
}

/** Whether a verdict's message cuts its advice or evidence (so the whole verdict must be attached for the operator). */
export function verdictIsCut(incident: Incident, run: Run, paths: RecoveryPath[], declared: Readonly<Record<string, Parameter>>): boolean {
  return verdictLayout(incident, run, paths, declared).cut;
}

/**
 * A verdict's message, held to the budget: each path's button and typed command whole, then what they leave shared by
 * the advice and evidence (the longer cut first, each in its middle), then what those leave by the paths' descriptions.
 */
function verdictLayout(incident: Incident, run: Run, paths: RecoveryPath[], declared: Readonly<Record<string, Parameter>>): { rendered: Rendered; cut: boolean } {
  const diagnosis = incident.diagnosis;
  const icon = diagnosis?.severity === 'ok' ? ':large_green_circle:' : diagnosis?.severity === 'warning' ? ':large_yellow_circle:' : ':red_circle:';
  const advice = `${icon} *Verdict: ${escapeMrkdwnNames(diagnosis?.title ?? 'unknown')}*\n${escapeMrkdwnNames(diagnosis?.advice ?? '')}`;
  const evidence = `*Evidence*\n${evidenceLines(run, escapeMrkdwnNames).join('\n')}`;
  // A path its room guard refuses (as the verdict was given, or at the latest click that changed it) keeps its button
  // (once the check passes it works), marked refused on the button itself, where an operator looks before clicking.
  const marks = paths.map((p) => roomMark(diagnosis, p.id));
  const labels = paths.map((p, i) => buttonLabel(`${marks[i] && 'refused' in marks[i] ? `${refusedMark} ` : ''}Path ${p.id.toUpperCase()}: ${p.title}`, p.parameters.length > 0));
  const offered = paths.map((p, i) => ({ p, typed: typedRecoverSaid(typedRecover(incident.scenario, p, declared, diagnosis, incident.id)), mark: marks[i] }));
  const pathsAt = (max: number) => offered.reduce((sum, { p, typed, mark }) => sum + pathLine(p, typed, max, mark).length, 0);
  // Five paths whose commands near the 1,000 characters the bot takes leave less than the 6,000 the advice and evidence
  // may take at most: those two give way then, the longer first, down to what says the verdict and its first checks.
  const note = verdictFileNote(run);
  const isCut = (max: number) => advice.length > max || evidence.length > max;
  // Cut, the evidence ends with where the whole verdict is, within its section.
  const evidenceShown = (max: number) => (isCut(max) ? `${cutMiddle(evidence, max - note.length - 1)}\n${note}` : evidence);
  const textRoom = verdictCharBudget - labels.join('').length - pathsAt(minDescriptionChars);
  const sectionMax = widestThatFits(minVerdictTextChars, blockTextLimit, (max) => Math.min(advice.length, max) + evidenceShown(max).length <= textRoom);
  const sections = [
    // Too long for a section (a list of hundreds of schedules), cut in the middle: the advice ends with what to do.
    section(cutMiddle(advice, sectionMax)),
    section(evidenceShown(sectionMax)),
  ];
  const blocks: KnownBlock[] = [...sections];
  if (paths.length > 0) {
    blocks.push({
      type: 'actions',
      elements: paths.map((p, i) => ({
        type: 'button' as const,
        action_id: `${actionIds.choosePath}_${p.id}`,
        text: { type: 'plain_text' as const, text: labels[i] as string },
        // Which diagnosis drew it, so a click on an older verdict is refused, not made on the latest (older-verdict.ts).
        value: JSON.stringify({ incident: incident.id, path: p.id, diagnosis: run.id }),
      })),
    });
    // What the advice, the evidence and the buttons leave of the message's budget is shared by the paths' texts: their
    // commands whole, their descriptions cut, the longest first, when all of them would not fit.
    const taken = sections.reduce((sum, block) => sum + (block.type === 'section' ? (block.text?.text.length ?? 0) : 0), 0) + labels.join('').length;
    const room = verdictCharBudget - taken;
    const maxChars = widestThatFits(minDescriptionChars, blockTextLimit, (max) => pathsAt(max) <= room);
    // One block per path: each command (at most the 1,000 characters the bot takes) fits its block's 3,000 whole.
    blocks.push(...offered.map(({ p, typed, mark }) => context(pathLine(p, typed, maxChars, mark))));
  }
  return { rendered: { text: `Verdict: ${escapeMrkdwnNames(diagnosis?.title ?? 'unknown')}`, blocks }, cut: isCut(sectionMax) };
}

/** A verdict holds its text to the budget a plan's message is held to (planCharBudget, under Slack's ~12,000). */
const verdictCharBudget = planCharBudget;
/** The fewest characters of a path's description a verdict cut to fit still shows. */
const minDescriptionChars = 60;
/** The fewest characters of a verdict's advice, and of its evidence, a verdict cut to fit still shows. */
const minVerdictTextChars = 600;

/** Before a refused path's button label ("Refused until its check passes · Path A: …"), and its line. */
const refusedMark = 'Refused until its check passes ·';

/** The most of what a click's refused room check found a path's line says (a runbook's whenRefused may run long). */
const roomRefusalChars = 1_000;

/** What a path's line says of its room check (room-marks.ts), in brackets after its name: the advice above may not. */
function roomMarkSaid(mark: RoomMark): string {
  if ('passedAt' in mark) return ` (its check passed at a click at ${utcTime(mark.passedAt)}, after the verdict above found it refused)`;
  const works = 'its button and command work once it does';
  if (mark.refused === 'at-verdict') return ` (refused until its check passes: the verdict above says why; ${works})`;
  const found = escapeMrkdwnNames(mark.why);
  return ` (refused until its check passes: a click at ${utcTime(mark.at)} found ${found.length <= roomRefusalChars ? found : `${cutWithin(found, roomRefusalChars - 1)}…`}; ${works})`;
}

/**
 * A path as a verdict offers it: its description, cut to `maxChars` and to what its block leaves beside the command,
 * then the command to type, whole. `mark`: what its room check was found to be, said first.
 */
function pathLine(p: RecoveryPath, typed: string, maxChars: number, mark?: RoomMark): string {
  const lead = `${mark && 'refused' in mark ? ':no_entry: ' : ''}*Path ${p.id.toUpperCase()}*${mark ? roomMarkSaid(mark) : ''}: `;
  const tail = ` Or type ${typed}`;
  const described = escapeMrkdwn(p.description);
  const max = Math.min(maxChars, blockTextLimit - lead.length - tail.length);
  return `${lead}${described.length <= max ? described : `${cutWithin(described, max - 1)}…`}${tail}`;
}

/**
 * A typed recover as a verdict offers it: the command as code (a code block when a value the diagnosis suggested holds a
 * backtick, which would end inline code), then what it leaves for the diagnosis to fill in.
 */
const typedRecoverSaid = (typed: TypedRecover) => `${literalCode(`/databox ${escapeMrkdwn(typed.command)}`)}${typed.leftOut ? ` (${escapeMrkdwn(typed.leftOut)})` : ''}`;

/** How a finished run ended, in one line: how many steps passed, or where it stopped and why. */
export function runOutcome(run: Run): string {
  const ok = run.status === 'succeeded';
  const failedStep = firstFailure(run.steps, run.results);
  // A step a restart settled says the interruption in its summary, as the run's reason does: the reason alone says it
  // here, once (the step's own line, above, keeps its summary).
  const toldByReason = run.status === 'interrupted' && run.endReason !== undefined && failedStep?.summary.startsWith('interrupted: ');
  // A validation cut short neither passed nor failed (interrupted-validation.ts): where it was interrupted, said so, with no red cross.
  const validationCutShort = run.kind === 'validation' && run.status === 'interrupted';
  const atWords = failedStep && validationCutShort && failedStep.status === 'interrupted' ? 'interrupted at' : failedStep && failedAtWords(run.steps, run.results, failedStep.stepId);
  const stoppedAt = failedStep && `${atWords} *${escapeMrkdwnNames(run.steps.find((s) => s.id === failedStep.stepId)?.title ?? failedStep.stepId)}*${toldByReason ? '' : `: ${escapeMrkdwnNames(failedStep.summary)}`}`;
  // Why it ended early (a restart, a full state dir), beside the step it stopped at when there is one.
  const detail = ok ? passedCount(run.steps, run.results) : [stoppedAt, run.endReason && saidInSlack(run.endReason)].filter(Boolean).join(' — ') || run.status;
  const elapsed = runElapsed(run, run.finishedAt);
  // A diagnosis that ran to its end has not "passed": its checks that did not are the evidence the verdict reads.
  if (ok && run.kind === 'diagnosis') return `:mag: *Diagnosis finished*${elapsed}: ${detail}; the verdict says what it means`;
  // A run whose outcome nobody can tell is not drawn as one that failed: whoever reads it looks before assuming either.
  const icon = ok ? ':white_check_mark:' : validationCutShort ? ':electric_plug:' : outcomeUnknown(run) ? ':grey_question:' : ':x:';
  return `${icon} *${runLabel(run)} ${ok ? 'passed' : endedWords(run)}*${elapsed}: ${detail}`;
}

/**
 * A run that failed (or was interrupted): a message of its own, since someone must look at it. `runMessageBehind`:
 * Slack is failing the edit that shows the run's end in its own message, which this one goes ahead of, so it does not
 * send the reader there for every step.
 */
export function runFinishedMessage(run: Run, runMessageBehind = false): Rendered {
  const ok = run.status === 'succeeded';
  // What it changed before it stopped is what the database holds now: said here, where whoever must act reads first.
  const changed = ok ? [] : changedBeforeStopping(run.steps, run.results);
  const changedLines =
    changed.length > 0
      ? `\n*Changed before it stopped* (still so now):\n${changed.map((c) => `• ${escapeMrkdwnNames(c.title)}: ${escapeMrkdwnNames(c.summary)}`).join('\n')}`
      : failedChangingNothing(run)
        ? `\n${escapeMrkdwn(changedNothingSaid(run))}`
        : '';
  // A diagnosis' checks that did not pass are its evidence, not failures to list.
  const others = ok || run.kind === 'diagnosis' ? [] : otherFailures(run.steps, run.results);
  const otherLines = others.length > 0 ? `\n*Also failed:*\n${others.map((r) => `• ${escapeMrkdwnNames(run.steps.find((s) => s.id === r.stepId)?.title ?? r.stepId)}: ${escapeMrkdwnNames(r.summary)}`).join('\n')}` : '';
  // The steps a stop came before did not fail: listed apart, so a check that never ran does not read as one that found something.
  const firstFailed = firstFailure(run.steps, run.results);
  const notStarted = ok ? [] : notStartedResults(run.results).filter((r) => r !== firstFailed);
  const notStartedLines = notStarted.length > 0 ? `\n*Not started:*\n${notStarted.map((r) => `• ${escapeMrkdwnNames(run.steps.find((s) => s.id === r.stepId)?.title ?? r.stepId)}`).join('\n')}` : '';
  return {
    text: `${runLabel(run)} ${ok ? 'succeeded' : endedWords(run)}: ${escapeMrkdwnNames(run.title)}`,
    blocks: [section(`${runOutcome(run)}${otherLines}${notStartedLines}${changedLines}\n${escapeMrkdwnNames(run.title)}: ${runMessageBehind ? "every step is in the journal and the postmortem; Slack is failing the edit of the run's message above, which shows them once Slack takes it." : "every step is in the run's message above, the journal and the postmortem."}`)],
  };
}

/**
 * What the runbook says to do when a recovery or its validation failed (scenario 4: scenario 2 for the window), or what a
 * verdict points to (`filledFrom`: "this diagnosis"), with a button for each diagnosis it offers: a click opens it as a
 * new incident, its parameters filled in.
 */
export function followUpMessage(advice: string, incidentId: string, offers: FollowUpOffer[], plan?: { runId: string; offer: PlanOffer }, filledFrom = 'this plan'): Rendered {
  const buttons = offers.slice(0, 25).map((offer, i) => ({
    type: 'button',
    action_id: `${actionIds.followUp}_${i}`,
    text: { type: 'plain_text', text: cutWithin(followUpCommand(offer), 75) },
    value: JSON.stringify({ incident: incidentId, scenario: offer.scenario, params: offer.params }),
  }));
  return {
    text: `Next: ${escapeMrkdwnNames(advice)}`,
    blocks: [
      section(`:arrow_right: ${escapeMrkdwnNames(advice)}`),
      ...(buttons.length > 0
        ? [
            section(`Each button opens a new incident and runs its diagnosis (${escapeMrkdwn(offers[0]?.title ?? '')}), the parameters filled in from ${filledFrom}.`),
            { type: 'actions', elements: buttons } as KnownBlock,
          ]
        : []),
      ...(plan ? planOfferBlocks(plan.runId, plan.offer) : []),
    ],
  };
}

/**
 * A validation follow-up's plan (the cleanup of leftover clones): a button labelled with what it does that posts the
 * plan in this thread for approval, exactly as the command beside it would, which stays there for copy-paste.
 */
function planOfferBlocks(runId: string, offer: PlanOffer): KnownBlock[] {
  return [
    {
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: actionIds.proposeFollowUp,
          text: { type: 'plain_text', text: cutWithin(offer.label, 75) },
          value: JSON.stringify({ run: runId, offer: offer.index }),
        },
      ],
    },
    context(`The button posts the plan here for approval; nothing runs until it is approved. Or type \`/databox ${escapeMrkdwn(planOfferCommand(offer))}\``),
  ];
}

export function journalRepairedMessage(aside: SetAside, verifies: boolean): Rendered {
  const then = verifies
    ? 'The journal verifies again; approvals go on.'
    : `The journal still fails verification: ${untilRepairedWords('away')}.`;
  const what = aside.acknowledged ? acknowledgedTornWords(aside.acknowledged) : "the journal's last line was cut short (a crash or a full disk while it was written) and was never acknowledged";
  const text =
    `:warning: ${what.charAt(0).toUpperCase()}${what.slice(1)}. ` +
    `It was set aside to \`${escapeMrkdwn(aside.file)}\` (${aside.bytes} bytes). What it held:\n${codeBlock(aside.text, 600)}\n${then}`;
  return { text: `A torn journal line was set aside to ${aside.file}`, blocks: [section(text)] };
}

/** `spentLine`: the rollback ran, so its button gives way to what happened. */
export function rollbackOfferMessage(recovery: Run, spentLine?: string): Rendered {
  // A backfill's runs are Dagster's: "undoes what it changed" would promise what no rollback does.
  const notUndone = notUndoneByRollback(recovery);
  const undoes = notUndone.length === 0
    ? 'the rollback undoes what it changed (its plan shows each step first)'
    : `the rollback undoes what it can of what it changed (its plan shows each step first). It cannot undo ${escapeMrkdwnNames(notUndone.join('; nor '))}`;
  return {
    text: 'A rollback is available',
    blocks: [
      section(`:leftwards_arrow_with_hook: If this recovery (\`${escapeMrkdwn(recovery.id)}\`, ${escapeMrkdwn(recovery.title)}) made things worse, ${undoes}. It needs an approval like any recovery.`),
      spentLine
        ? context(spentLine)
        : {
            type: 'actions',
            elements: [{ type: 'button', action_id: actionIds.rollback, text: { type: 'plain_text', text: 'Roll back…' }, value: JSON.stringify({ run: recovery.id }) }],
          },
    ],
  };
}

export interface ModalField {
  name: string;
  description: string;
  optional: boolean;
  initial?: string;
  /** Said after the description in the field's hint. */
  note?: string;
}

/** Slack refuses to open a form whose text field is prefilled with more than this (plain_text_input's longest). */
const inputValueLimit = 3_000;

/** A modal asking for parameters: one text field each, prefilled with what the diagnosis suggests. */
export function parametersModal(options: { callbackId: string; metadata: Record<string, string>; title: string; intro: string; submit: string; fields: ModalField[] }): Record<string, unknown> {
  return {
    type: 'modal',
    callback_id: options.callbackId,
    private_metadata: JSON.stringify(options.metadata),
    title: { type: 'plain_text', text: cutWithin(options.title, 24) },
    submit: { type: 'plain_text', text: options.submit },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      section(options.intro),
      ...options.fields.map((field) => ({
        type: 'input' as const,
        block_id: field.name,
        optional: field.optional,
        label: { type: 'plain_text' as const, text: field.name },
        hint: { type: 'plain_text' as const, text: `${cutWithin(field.description, 150)}${field.note ? ` ${field.note}` : ''}` },
        element: { type: 'plain_text_input' as const, action_id: 'value', ...(field.initial ? { initial_value: field.initial } : {}) },
      })),
    ],
  };
}

/**
 * `now`: a window its diagnosis found empty is optional on that day only. A value the diagnosis found that is too long
 * to prefill (a list of 80 schedules) is left out of its field, which says that left empty it takes that value: the
 * form's metadata names such fields, so their submission leaves them out for the diagnosis to fill in.
 */
export function recoveryPathModal(incident: Incident, recovery: RecoveryPath, parameters: Record<string, Parameter>, now: Date): Record<string, unknown> {
  const initial: Record<string, string | undefined> = { ...incident.diagnosis?.params, ...incident.diagnosis?.suggested };
  const tooLong = recovery.parameters.filter((name) => (initial[name]?.length ?? 0) > inputValueLimit);
  return parametersModal({
    callbackId: parametersModalId,
    metadata: { incident: incident.id, path: recovery.id, ...(incident.diagnosis ? { diagnosis: incident.diagnosis.runId } : {}), ...(tooLong.length > 0 ? { diagnosed: tooLong.join(',') } : {}) },
    title: `Path ${recovery.id.toUpperCase()}`,
    intro: `*${escapeMrkdwn(recovery.title)}*\n${escapeMrkdwn(recovery.description)}`,
    submit: 'Show the plan',
    fields: recovery.parameters.map((name) => {
      const left = tooLong.includes(name);
      return {
        name,
        description: parameters[name]?.description ?? name,
        optional: left || !(parameters[name]?.required || requiredOn(recovery, incident.diagnosis, now).includes(name)),
        initial: left ? undefined : initial[name],
        note: left ? leftForDiagnosisNote(name, initial[name] ?? '', parameters[name]) : undefined,
      };
    }),
  });
}

/** What a field too long to prefill takes when left empty: the diagnosis' value, counted. */
function leftForDiagnosisNote(name: string, value: string, declared: Parameter | undefined): string {
  const found = declared?.type === 'names' ? `${readNames(value).names.length} ${name}` : `${name} (${value.length} characters)`;
  return `Left empty, it takes the ${found} the diagnosis found, too long to show here.`;
}

export function rollbackModal(recovery: Run, names: readonly string[], parameters: Record<string, Parameter>): Record<string, unknown> {
  return parametersModal({
    callbackId: rollbackModalId,
    metadata: { run: recovery.id },
    title: 'Roll back',
    intro: `Rollback of *${escapeMrkdwnNames(recovery.title)}*. What would help you choose is being posted in the incident's thread. Every field may stay empty.`,
    submit: 'Show the plan',
    fields: names.map((name) => ({ name, description: parameters[name]?.description ?? name, optional: true })),
  });
}

export const silenceModalId = 'silence_alert_modal';

/** The alert's "Paused on purpose…" form: why, and until when its reminders stop. */
export function silenceModal(alert: { channel: string; ts: string }, watcher: string, title: string): Record<string, unknown> {
  return parametersModal({
    callbackId: silenceModalId,
    metadata: { channel: alert.channel, ts: alert.ts, watcher },
    title: 'Paused on purpose',
    intro: `*${escapeMrkdwn(title)}*: say it is so on purpose, and no reminder comes until the time you give. Its end, and anything worse, are still said; your name and reason go on the alert and the record.`,
    submit: 'Silence reminders',
    fields: [
      { name: 'reason', description: 'why it is so on purpose (upstream API migration, back Monday)', optional: false },
      { name: 'until', description: 'a day (2026-05-01), a UTC day and time (2026-05-01 09:00) or a span from now (3d, 12h); at most 45 days', optional: false },
    ],
  });
}

/**
 * A button's label within Slack's 75 characters, cut at a word when it must be (never mid-word), with "…" when the
 * button asks for more (a form) or the label was cut.
 */
export function buttonLabel(label: string, asksMore: boolean): string {
  const max = 75;
  if (label.length + (asksMore ? 1 : 0) <= max) return `${label}${asksMore ? '…' : ''}`;
  const cut = cutWithin(label, max - 1);
  const atWord = cut.lastIndexOf(' ');
  return `${(atWord > max / 2 ? cut.slice(0, atWord) : cut).replace(/[\s,;:(–-]+$/, '')}…`;
}
