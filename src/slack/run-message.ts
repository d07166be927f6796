// A run's one Slack message once it runs: every step with its state, updated in place, ending in the run's final state.
import type { KnownBlock } from '@slack/types';
import path from 'node:path';
import { describeStep } from '../engine/describe.js';
import { readOnlyWords } from '../engine/scratch-writes.js';
import { stepCount } from '../step-count.js';
import type { ResolvedStep, StepRecord } from '../engine/types.js';
import { acceptedNote, notStartedStatus, stepPassed } from '../engine/step-passed.js';
import { stepDuration } from '../format-duration.js';
import { endedWords, runLabel } from '../incidents/run-label.js';
import { afterInterruption, type Run } from '../incidents/state.js';
import {
  accepted,
  context,
  decisionLine,
  planHeader,
  planMessage,
  planPreviews,
  runOutcome,
  section,
  statusIcon,
  stepMark,
  type Rendered,
} from './blocks.js';
import { codeBlock, escapeMrkdwn, escapeMrkdwnNames } from './mrkdwn.js';
import { refusedUploadWords } from './output-upload.js';
import type { LastingRefusal } from './lasting-refusals.js';

/** What the Slack front end saw of a run beyond the journal's records: the step running now, and outputs it attached. */
export interface RunView {
  running?: { stepId: string; progress?: string };
  /** Records of steps that finished here (the run's own results may not show them yet). */
  finished: Map<string, StepRecord>;
  /** Steps whose whole output Slack took as a file in the thread, with the file's name. */
  attached: Map<string, string>;
  /** Steps whose whole output Slack refused to take as a file, with Slack's refusal. */
  unattached: Map<string, LastingRefusal>;
  /** Slack's code when it would not let the bot edit the run's first message, which a new one replaced. */
  inPlaceOfUneditable?: string;
  /**
   * The run that changed this plan's database after it was made (the plan can no longer be approved), and what to do
   * instead, as planOutdated was told (outdated-what-now.ts).
   */
  outdated?: { by: Run; whatNow: string };
}

export const emptyView = (): RunView => ({ finished: new Map(), attached: new Map(), unattached: new Map() });

/**
 * Slack refuses a message of more than 50 blocks, a section of more than 3,000 characters, and (msg_blocks_too_long)
 * blocks of about 13,000 characters in all. A long run keeps its newest steps in full and folds older ones into a
 * pointer to the journal and the postmortem, so an update is never refused for its size.
 */
export const messageLimits = { blocks: 50, chars: 11_000 } as const;

type Detail = 'full' | 'brief' | 'folded';

interface StepState {
  step: ResolvedStep;
  index: number;
  record?: StepRecord;
  running: boolean;
  progress?: string;
  /** The name of the file in the thread holding the step's whole output, once Slack took it. */
  attached?: string;
  /** Slack's refusal when it would not take the step's whole output as a file. */
  unattached?: LastingRefusal;
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function facts(state: StepState): string {
  const { record, running } = state;
  if (running) return 'running';
  if (!record || record.status === notStartedStatus) return 'not started';
  return [
    `*${record.status}*${acceptedNote(state.step, record.status)}`,
    record.exitCode !== undefined && record.exitCode !== null ? `exit ${record.exitCode}` : undefined,
    stepDuration(record),
  ]
    .filter(Boolean)
    .join(' · ');
}

function icon(state: StepState): string {
  if (state.running) return ':hourglass_flowing_sand:';
  if (!state.record) return ':white_small_square:';
  return statusIcon(accepted(state.step, state.record.status) ? 'ok' : state.record.status);
}

function stepText(state: StepState, detail: Detail, root: string, stateDir: string): string {
  const { step, record } = state;
  const head = `${icon(state)} ${stepMark(step)}*${state.index + 1}. ${escapeMrkdwnNames(step.title)}* · ${facts(state)}`;
  if (detail === 'brief') return [head, record ? escapeMrkdwnNames(cut(record.summary, 200)) : undefined].filter(Boolean).join('\n');
  const lines = [head, codeBlock(describeStep(step, root), 700)];
  // Long enough for a wait on four marts to name each one still behind.
  if (state.running && state.progress) lines.push(`_${escapeMrkdwnNames(cut(state.progress, 700))}_`);
  if (record) {
    lines.push(escapeMrkdwnNames(cut(record.summary, 500)));
    if (record.excerpt) lines.push(codeBlock(record.excerpt, 1_250));
    // Said attached only once Slack took the file: until then, and if it never does, the state dir's copy is named.
    // Named, since a summary or excerpt cut above (a long list of broken views) sends the reader to it for the rest.
    if (state.attached) lines.push(`_The whole output is attached to this thread as a file: \`${escapeMrkdwn(state.attached)}\`._`);
    else if (record.logFile && record.excerpt && record.outputBytes !== undefined && record.outputBytes > record.excerpt.length) {
      lines.push(`_The whole output (${record.outputBytes} bytes) is kept in the bot's state dir: ${escapeMrkdwnNames(path.relative(stateDir, record.logFile))}_`);
    }
    if (!state.attached && state.unattached) lines.push(`_${refusedUploadWords(state.unattached)}_`);
  }
  return lines.join('\n');
}

/** The line under the title: what the run is doing now, or how it ended. */
function statusLine(run: Run, states: StepState[]): string {
  if (['succeeded', 'failed', 'interrupted'].includes(run.status)) {
    if (run.status !== 'interrupted' || !run.needsApproval) return runOutcome(run);
    const next = afterInterruption(run);
    return `${runOutcome(run)}\n:electric_plug: ${next.charAt(0).toUpperCase()}${next.slice(1)}${next === 'propose it again' ? ' to run it' : ''}.`;
  }
  const running = states.find((s) => s.running);
  const done = states.filter((s) => s.record).length;
  if (running) return `:hourglass_flowing_sand: step ${running.index + 1} of ${states.length} running · ${done} done`;
  return done > 0 ? `:hourglass_flowing_sand: ${done} of ${states.length} steps done` : ':hourglass_flowing_sand: starting';
}

/** The plain text Slack shows in notifications and where blocks cannot be shown: the latest thing that happened (escaped by its caller). */
function summaryText(run: Run, states: StepState[]): string {
  const n = states.length;
  // A diagnosis that ran to its end "finished": its checks that did not pass are evidence, not a success or a failure.
  if (run.kind === 'diagnosis' && run.status === 'succeeded') return `Diagnosis finished: ${run.title}`;
  if (['succeeded', 'failed', 'interrupted'].includes(run.status)) return `${runLabel(run)} ${run.status === 'succeeded' ? 'succeeded' : endedWords(run)}: ${run.title}`;
  const running = states.find((s) => s.running);
  if (running) return `${run.title}: step ${running.index + 1}/${n} running: ${running.step.title}`;
  const last = [...states].reverse().find((s) => s.record);
  if (last?.record) return `${run.title}: step ${last.index + 1}/${n} ${last.record.status}: ${last.step.title}`;
  return `${run.title}: starting`;
}

const textLength = (blocks: KnownBlock[]) => JSON.stringify(blocks).length;

/**
 * The run's message: for a plan, the plan itself until a step has started (its buttons, then its decision); after that,
 * and for a read-only run from the start, every step with its state. What does not fit is folded, oldest first.
 */
export function runMessage(run: Run, view: RunView, root: string, stateDir: string, incidentId: string, allowSelfApproval: boolean): Rendered {
  const records = new Map(run.results.map((r) => [r.stepId, r] as const));
  for (const [id, record] of view.finished) records.set(id, record);
  const states: StepState[] = run.steps.map((step, index) => ({
    step,
    index,
    record: records.get(step.id),
    running: view.running?.stepId === step.id && !records.has(step.id),
    progress: view.running?.stepId === step.id ? view.running.progress : undefined,
    attached: view.attached.get(step.id),
    unattached: view.unattached.get(step.id),
  }));
  const started = states.some((s) => s.running || s.record);
  if (run.needsApproval && !started && run.status !== 'succeeded' && run.status !== 'failed') return planMessage(run, root, allowSelfApproval, view.outdated);

  const header = run.needsApproval
    ? planHeader(run, allowSelfApproval)
    : `:arrow_forward: *${escapeMrkdwnNames(run.title)}* · ${stepCount(run.steps.length)}, ${readOnlyWords(run.steps)}`;
  const top: KnownBlock[] = [section(header), context(statusLine(run, states)), ...(run.needsApproval ? planPreviews(run) : [])];
  const approved = run.needsApproval && run.decidedBy ? decisionLine({ ...run, status: 'approved' }) : undefined;
  const tail: KnownBlock[] = approved ? [context(approved)] : [];

  // Which steps must keep their detail longest: the one running, the ones that failed, the newest finished.
  const newest = [...states].reverse().find((s) => s.record);
  const keep = (s: StepState) => s.running || s === newest || (s.record !== undefined && !stepPassed(s.step, s.record.status));
  const details: Detail[] = states.map(() => 'full');
  const byAge = states.map((s) => s.index);
  const kept = (i: number) => keep(states[i] as StepState);
  const steps: (() => void)[] = [
    // Older steps that passed, then steps not started yet (furthest first), then older steps folded away, then the
    // kept ones made brief, then folded too but for the newest.
    ...byAge.filter((i) => !kept(i) && states[i]?.record).map((i) => () => (details[i] = 'brief')),
    ...[...byAge].reverse().filter((i) => !states[i]?.record && !states[i]?.running).map((i) => () => (details[i] = 'brief')),
    ...byAge.filter((i) => !kept(i)).slice(0, -1).map((i) => () => (details[i] = 'folded')),
    ...byAge.filter(kept).map((i) => () => (details[i] = 'brief')),
    ...byAge.slice(0, -1).map((i) => () => (details[i] = 'folded')),
  ];
  const render = (): KnownBlock[] => {
    const folded = states.filter((_, i) => details[i] === 'folded');
    const passed = folded.filter((s) => s.record && stepPassed(s.step, s.record.status)).length;
    const which = folded.every((s, i) => s.index === i) ? `Steps 1–${folded.length}` : `${folded.length} earlier steps`;
    const pointer = folded.length > 0
      ? [context(`:scroll: ${which} are left out to keep this message within Slack's limits (${passed} of them passed). Every step, with its output, is in the journal and the postmortem: *Write postmortem* on the incident's first message, or \`/databox postmortem ${incidentId}\`.`)]
      : [];
    const shown = states.filter((_, i) => details[i] !== 'folded').map((s) => section(stepText(s, details[s.index] as Detail, root, stateDir)));
    return [...top, ...pointer, ...shown, ...tail];
  };
  let blocks = render();
  for (const degrade of steps) {
    if (blocks.length <= messageLimits.blocks && textLength(blocks) <= messageLimits.chars) break;
    degrade();
    blocks = render();
  }
  return { text: cut(escapeMrkdwn(summaryText(run, states)), 3_000), blocks };
}
