// Shows an incident in the terminal: plans, each step's command and outcome, a progress line on long steps, verdicts and offers.
import { olderVerdictWords } from '../incidents/older-diagnosis-plan.js';
import { formatBytes } from '../disk/volume-usage.js';
import { endedWords, outcomeUnknown, runLabel } from '../incidents/run-label.js';
import { describeStep } from '../engine/describe.js';
import { previewValueSaid } from '../engine/previews.js';
import { shortHash } from '../engine/resolve.js';
import type { ResolvedStep, StepRecord } from '../engine/types.js';
import { planOfferCommand, type PlanOffer } from '../incidents/plan-offer.js';
import { outdatedReason } from '../incidents/status.js';
import { asSentence, expiredWhatNow } from '../incidents/outdated-what-now.js';
import { followUpCommand, type FollowUpOffer, type IncidentReporter } from '../incidents/reporter.js';
import type { SetAside } from '../journal/journal.js';
import { acknowledgedTornWords } from '../journal/torn-tail.js';
import { interruptedLine, type FrontEndRef, type Incident, type Run } from '../incidents/state.js';
import { excerptKeeping, formatDuration } from '../postmortem/markdown.js';
import { runElapsed, stepDuration } from '../format-duration.js';
import type { Runbook } from '../runbook/schema.js';
import type { Style } from './style.js';
import { typedRecover } from '../incidents/typed-recover.js';
import { leftOutLine } from '../incidents/left-out.js';
import { acceptedNote, changedBeforeStopping, changedNothingSaid, failedAtWords, failedChangingNothing, firstFailure, notStartedResults, otherFailures, passedCount, stepOutcome } from '../engine/step-passed.js';
import { renderSaid } from '../said.js';
import { noRollbackWarning, overtakesWarning, teammateRuleLine } from '../incidents/approval-policy.js';
import { stepCount } from '../step-count.js';
import { atUtc } from '../timestamps.js';
import { plainFromMrkdwn } from './plain-mrkdwn.js';
import { asCliCommands } from './as-cli-commands.js';
import { readOnlyWords } from '../engine/scratch-writes.js';
import { notUndoneByRollback } from '../incidents/not-undone-by-rollback.js';
import { stepKinds, type AnyStepKind } from '../engine/steps/index.js';
import { runbookChangedWords } from '../incidents/runbook-changed.js';
import { waitingRunbookChangedWords } from '../incidents/waiting-runbook-changed.js';

export interface TerminalOutput {
  write(text: string): unknown;
}

export interface TerminalReporterOptions {
  out: TerminalOutput;
  style: Style;
  /** True when `out` is a terminal: the progress line is redrawn in place; otherwise progress is printed as lines. */
  tty: boolean;
  root: string;
  runbook: (scenario: string) => Runbook;
  /** DATABOX_ALLOW_SELF_APPROVAL: a plan says who may approve it under the rule in force. */
  allowSelfApproval: boolean;
  /** How the operator invokes the CLI, for the commands the reporter suggests. */
  cli: string;
  /** How often a step that is still running says so when the output is not a terminal. */
  heartbeatMs?: number;
  /** The terminal's width now (it may be resized): the progress line is cut to it, or a wrapped line leaves a copy per redraw. */
  columns?: () => number | undefined;
}

const spinnerFrames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}

export function utcMinute(iso: string | undefined): string {
  return iso ? `${iso.slice(11, 16)} UTC` : 'unknown';
}

export class TerminalReporter implements IncidentReporter {
  /** A terminal shows everything as it happens and keeps no references. */
  readonly frontEnd = 'terminal';
  private timer?: NodeJS.Timeout;
  private current?: { title: string; started: number; progress?: string; frame: number };

  constructor(private readonly options: TerminalReporterOptions) {}

  private write(text: string): void {
    this.options.out.write(text);
  }

  /** Every line as a terminal user types it: a command the runbooks and advice give as `/databox …` is the CLI's here. */
  private line(text = ''): void {
    this.write(`${asCliCommands(text, this.options.cli)}\n`);
  }

  async incidentOpened(incident: Incident): Promise<FrontEndRef | undefined> {
    const { style } = this.options;
    this.line();
    this.line(`${style.bold(`Incident ${incident.id}`)} opened by ${incident.openedBy}: ${incident.title}`);
    return undefined;
  }

  /**
   * The plan with every step's exact command, destructive steps marked. `voids`: the plans waiting beside it that it
   * would leave unapprovable, as they are now (before an approval); by default those that waited when it was proposed.
   */
  printPlan(run: Run, voids?: readonly { id: string; title: string }[]): void {
    const { style, root } = this.options;
    const destructive = run.steps.filter((s) => s.destructive).length;
    this.line();
    this.line(style.bold(`Plan ${run.id} · ${run.title} · hash ${shortHash(run.hash)}`));
    this.line(
      `Requested by ${run.requestedBy} · ${stepCount(run.steps.length)}, ${destructive} destructive` +
        (run.expiresAt ? ` · the approval binds to exactly these steps and expires ${atUtc(run.expiresAt, run.proposedAt)}` : ''),
    );
    if (run.againstDiagnosis) this.line(style.yellow(run.againstDiagnosis));
    const overtaken = overtakesWarning(run, voids);
    if (overtaken) this.line(style.yellow(overtaken));
    const final = noRollbackWarning(run);
    if (final) this.line(style.yellow(final));
    const leftOut = leftOutLine(run);
    if (leftOut) this.line(`${leftOut}.`);
    run.steps.forEach((step, i) => {
      const tag = step.destructive ? style.red('DESTRUCTIVE ') : step.mutates ? style.yellow('changes data ') : step.guard ? style.dim('guard ') : '';
      this.line(`  ${String(i + 1).padStart(2)}. ${tag}${step.title}`);
      this.line(style.dim(indent(describeStep(step, root), '        $ ').replace(/\n {8}\$ /g, '\n          ')));
    });
    for (const preview of run.previews ?? []) this.line(`  ${style.bold('Preview')}: ${preview.title}: ${previewValueSaid(preview)}`);
    const rule = teammateRuleLine(run, this.options.allowSelfApproval);
    if (rule) this.line(style.yellow(rule));
  }

  async runProposed(_incident: Incident, run: Run): Promise<FrontEndRef | undefined> {
    if (run.needsApproval) this.printPlan(run);
    else {
      this.line();
      this.line(this.options.style.bold(`▶ ${run.title} (${run.id}): ${stepCount(run.steps.length)}, ${readOnlyWords(run.steps)}`));
    }
    return undefined;
  }

  async runDecided(_incident: Incident, run: Run): Promise<void> {
    const { style } = this.options;
    switch (run.status) {
      case 'rejected':
        this.line(style.yellow(`✘ Rejected by ${run.decidedBy} at ${utcMinute(run.decidedAt)}; nothing was run.`));
        break;
      case 'expired':
        this.line(
          style.yellow(
            run.outdatedBy
              ? `⌛ Expired at ${utcMinute(run.expiresAt)}, after plan ${run.outdatedBy} had changed ${run.outdatedChanged ?? 'its database'}; nothing was run. ${asSentence(expiredWhatNow(run))}`
              : `⌛ Expired at ${utcMinute(run.expiresAt)} without an approval; nothing was run.`,
          ),
        );
        break;
      case 'interrupted':
        this.line(style.yellow(renderSaid(interruptedLine(run))));
        break;
      default:
        if (run.decidedBy) this.line(style.green(`✔ Approved by ${run.decidedBy} at ${utcMinute(run.decidedAt)}`));
        if (run.decidedBy && run.runbookChanged) this.line(style.yellow(runbookChangedWords(run.runbookChanged)));
    }
  }

  async planOutdated(_incident: Incident, run: Run, changedBy: Run, whatNow: string): Promise<void> {
    this.line(this.options.style.yellow(`Plan ${run.id} can no longer be approved: ${outdatedReason({ run, changedBy, whatNow })}.`));
  }

  async planRunbookChanged(_incident: Incident, run: Run): Promise<void> {
    if (run.runbookChangedWhileWaiting) this.line(this.options.style.yellow(`Plan ${run.id}: ${waitingRunbookChangedWords(run, run.runbookChangedWhileWaiting)}`));
  }

  async planOnOlderVerdict(_incident: Incident, run: Run): Promise<void> {
    if (run.diagnosedAgain) this.line(this.options.style.yellow(`Plan ${run.id} can no longer be approved: ${olderVerdictWords(run, run.diagnosedAgain)}.`));
  }

  async stepStarted(_incident: Incident, run: Run, step: ResolvedStep, index: number): Promise<void> {
    const { style, root } = this.options;
    this.stopProgress();
    this.line(`${style.cyan(`[${index + 1}/${run.steps.length}]`)} ${step.title}${step.destructive ? style.red(' (destructive)') : ''}`);
    this.line(style.dim(indent(describeStep(step, root), '      $ ').replace(/\n {6}\$ /g, '\n        ')));
    this.startProgress(step.title);
  }

  stepProgress(_incident: Incident, _run: Run, _step: ResolvedStep, text: string): void {
    if (!this.current) return;
    this.current.progress = text;
    if (this.options.tty) this.drawSpinner();
    else this.line(this.options.style.dim(`      … ${text}`));
  }

  async stepFinished(_incident: Incident, _run: Run, step: ResolvedStep, record: StepRecord): Promise<void> {
    const { style } = this.options;
    this.stopProgress();
    const outcome = stepOutcome(step, record.status);
    // A step a stop came before says only why: no duration, and its summary without a second "not started".
    if (outcome === 'not-started') {
      this.line(`      ${style.dim('○ not started')} · ${record.summary.replace(/^not started: /, '')}`);
      return;
    }
    const mark =
      outcome === 'skipped'
        ? style.dim('○ skipped')
        : outcome === 'failed'
          ? style.red(`✘ ${record.status}`)
          : style.green(`✔ ${record.status}${acceptedNote(step, record.status)}`);
    const facts = [mark, record.exitCode !== undefined && record.exitCode !== null ? `exit ${record.exitCode}` : undefined, stepDuration(record)]
      .filter(Boolean)
      .join(' · ');
    const summary = record.summary === `exit ${record.exitCode}` ? '' : ` · ${record.summary}`;
    this.line(`      ${facts}${summary}`);
    if (record.excerpt && !record.summary.includes(record.excerpt.trim())) {
      // A per-day table keeps its bad days, whatever falls between the first lines and the last.
      const badDays = Array.isArray(record.outputs.badDays) ? record.outputs.badDays.map(String) : [];
      // And the lines its kind says its verdict turns on (a STOPPED schedule's row).
      const kept = (stepKinds as readonly AnyStepKind[]).find((k) => k.kind === step.kind)?.keptInShortView ?? [];
      // The marker of a middle never kept says how much was left out: it stays, whatever else is folded.
      const shown = excerptKeeping(record.excerpt, [...badDays, ...kept, ...(omittedMarker.test(record.excerpt) ? ['characters omitted …]'] : [])], 8, 1_600);
      this.line(style.dim(indent(shown, '      │ ')));
      if (record.logFile && record.outputBytes !== undefined && record.outputBytes > Buffer.byteLength(shown)) {
        this.line(style.dim(`      │ the whole output (${formatBytes(record.outputBytes)}) is in ${record.logFile}`));
      }
    }
  }

  async runFinished(incident: Incident, run: Run): Promise<void> {
    const { style, cli } = this.options;
    if (run.kind === 'diagnosis' && run.status === 'succeeded') {
      const diagnosis = incident.diagnosis;
      const color = diagnosis?.severity === 'ok' ? style.green : diagnosis?.severity === 'warning' ? style.yellow : style.red;
      this.line();
      this.line(color(style.bold(`● Verdict: ${diagnosis?.title ?? 'unknown'}`)));
      if (diagnosis?.advice) this.line(`  ${plainFromMrkdwn(diagnosis.advice, style.bold)}`);
      const rb = this.options.runbook(incident.scenario);
      const paths = rb.recovery.filter((p) => diagnosis?.paths.includes(p.id));
      if (paths.length > 0) {
        this.line('  Recovery paths:');
        for (const p of paths) {
          const typed = typedRecover(incident.scenario, p, rb.parameters, diagnosis, incident.id);
          this.line(`    Path ${p.id.toUpperCase()}: ${p.title}`);
          // Without --approver: the recover asks who approves at the prompt, where the plan needs a second person.
          this.line(style.dim(`      ${cli} ${typed.command}${typed.leftOut ? `  (${typed.leftOut})` : ''}`));
        }
      }
      return;
    }
    const ok = run.status === 'succeeded';
    const elapsed = runElapsed(run, run.finishedAt);
    const failed = firstFailure(run.steps, run.results);
    const stoppedAt = failed && `${failedAtWords(run.steps, run.results, failed.stepId)} "${run.steps.find((s) => s.id === failed.stepId)?.title ?? failed.stepId}": ${failed.summary}`;
    const detail = ok ? passedCount(run.steps, run.results) : [stoppedAt, run.endReason && renderSaid(run.endReason)].filter(Boolean).join(' — ') || run.status;
    // As in Slack: a run whose outcome nobody can tell is drawn apart from one that failed.
    const unknown = !ok && outcomeUnknown(run);
    this.line((ok ? style.green : unknown ? style.yellow : style.red)(style.bold(`${ok ? '✔' : unknown ? '?' : '✘'} ${runLabel(run)} ${ok ? 'passed' : endedWords(run)}${elapsed}: ${detail}`)));
    // A diagnosis' checks that did not pass are its evidence, not failures to list.
    const others = ok || run.kind === 'diagnosis' ? [] : otherFailures(run.steps, run.results);
    if (others.length > 0) this.line(`  Also failed:\n${others.map((r) => `  • ${run.steps.find((s) => s.id === r.stepId)?.title ?? r.stepId}: ${r.summary}`).join('\n')}`);
    const notStarted = ok ? [] : notStartedResults(run.results).filter((r) => r !== failed);
    if (notStarted.length > 0) this.line(`  Not started:\n${notStarted.map((r) => `  • ${run.steps.find((s) => s.id === r.stepId)?.title ?? r.stepId}`).join('\n')}`);
    const changed = ok ? [] : changedBeforeStopping(run.steps, run.results);
    if (changed.length > 0) this.line(`  Changed before it stopped (still so now):\n${changed.map((c) => `  • ${c.title}: ${c.summary}`).join('\n')}`);
    else if (failedChangingNothing(run)) this.line(`  ${changedNothingSaid(run)}`);
  }

  /** Printed lines are not edited: a command typed from a spent offer is refused, saying why. */
  async offerSpent(): Promise<void> {}

  /** Printed lines are not edited: a typed plan is checked as it is typed, saying why it is refused. */
  async pathMarkChanged(): Promise<void> {}

  async rollbackOffered(incident: Incident, recovery: Run): Promise<void> {
    const { style, cli } = this.options;
    const path = this.options.runbook(incident.scenario).recovery.find((p) => p.id === recovery.pathId);
    // Its optional values are said beside the command, not in it as [name=…], which a shell would take for a pattern.
    const names = (path?.rollback?.parameters ?? []).map((name) => `${name}=…`).join(', ');
    const takes = names ? ` (it also takes ${names})` : '';
    this.line(style.dim(`↩ If this recovery made things worse, roll it back (a plan approved like any recovery): ${cli} rollback ${recovery.id}${takes}`));
    const notUndone = notUndoneByRollback(recovery);
    if (notUndone.length > 0) this.line(style.dim(`  It cannot undo ${notUndone.join('; nor ')}`));
  }

  async journalRepaired(_incident: Incident, aside: SetAside, verifies: boolean): Promise<void> {
    this.line(
      this.options.style.yellow(
        `! ${aside.acknowledged ? acknowledgedTornWords(aside.acknowledged) : "the journal's last line was cut short (a crash or a full disk) and never acknowledged"}; it was set aside to ${aside.file} (${aside.bytes} bytes)${verifies ? '' : '; the journal still fails verification'}`,
      ),
    );
  }

  async followUpOffered(_incident: Incident, _recovery: Run, advice: string, offers: FollowUpOffer[], plan?: PlanOffer): Promise<void> {
    // Advice is written for Slack as well ("the incident is *not recovered*"): its emphasis is the terminal's here.
    this.line(`→ ${plainFromMrkdwn(advice, this.options.style.bold)}`);
    for (const offer of offers) this.line(this.options.style.dim(`    ${this.options.cli} ${followUpCommand(offer)}`));
    if (plan) this.line(this.options.style.dim(`    ${plan.label}: ${this.options.cli} ${planOfferCommand(plan)}`));
  }

  private startProgress(title: string): void {
    this.current = { title, started: Date.now(), frame: 0 };
    if (this.options.tty) {
      this.timer = setInterval(() => this.drawSpinner(), 120);
    } else {
      const every = this.options.heartbeatMs ?? 15_000;
      this.timer = setInterval(() => {
        if (this.current) this.line(this.options.style.dim(`      … still running after ${formatDuration(Date.now() - this.current.started)}`));
      }, every);
    }
    this.timer.unref();
  }

  private drawSpinner(): void {
    if (!this.current) return;
    const { style } = this.options;
    this.current.frame = (this.current.frame + 1) % spinnerFrames.length;
    const elapsed = Math.round((Date.now() - this.current.started) / 1000);
    const text = `      ${spinnerFrames[this.current.frame]} running ${elapsed}s${this.current.progress ? ` · ${this.current.progress}` : ''}`;
    // One character short of the width: a line that fills it exactly wraps on some terminals too.
    const width = Math.max(20, (this.options.columns?.() ?? 160) - 1);
    const chars = [...text];
    this.write(`\r\u001b[2K${style.dim(chars.length > width ? `${chars.slice(0, width - 1).join('')}…` : text)}`);
  }

  private stopProgress(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.current && this.options.tty) this.write('\r\u001b[2K');
    this.current = undefined;
  }

  /** Clears timers (a run that threw leaves none behind). */
  close(): void {
    this.stopProgress();
  }
}

const omittedMarker = /\[… \d+ characters omitted …\]/;
