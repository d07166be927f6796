// Shows an incident in its Slack thread: the root message, then one message per run (a plan, a diagnosis, a validation)
// updated in place as its steps start and end, and new messages only for what a person must see or act on: the verdict,
// a plan waiting for approval, a failure, the rollback offer.
import path from 'node:path';
import type { WebClient } from '@slack/web-api';
import type { ResolvedStep, StepRecord } from '../engine/types.js';
import { stepPassed } from '../engine/step-passed.js';
import type { PlanOffer } from '../incidents/plan-offer.js';
import type { FollowUpOffer, IncidentReporter } from '../incidents/reporter.js';
import type { FrontEndRef, Incident, IncidentState, Run, RunStatus } from '../incidents/state.js';
import type { AppendInput, SetAside } from '../journal/journal.js';
import type { Logger } from '../logger.js';
import { redactDeep, type Redactor } from '../redact.js';
import type { Runbook } from '../runbook/schema.js';
import type { SlackOutbox } from './outbox.js';
import type { MessageKind, Redo } from './outbox.js';
import { planFileName, planIsCut, planText, followUpMessage, withCopyNote, journalRepairedMessage, rootMessage, runFinishedMessage, verdictFileName, verdictIsCut, verdictText, withinSlackLimits, type Rendered } from './blocks.js';
import { MessageContents } from './message-contents.js';
import { asPlainMessage, hasButtons, refusedAsMadeCode } from './refused-message.js';
import { SlackCallFailed, worthAskingAgain } from './slack-trouble.js';
import { lastingRefusal, refusalReason, type LastingRefusal } from './lasting-refusals.js';
import type { LastingTrouble } from './lasting-trouble.js';
import { emptyView, runMessage, type RunView } from './run-message.js';
import { incidentThread, offerMessage as offerMessageRef, openedInChannel, runMessage as runMessageRef, slackFrontEnd, toRef, type SlackMessage } from './slack-refs.js';
import { uploadOutcome } from './output-upload.js';
import { uneditableCode, withMovedNote } from './uneditable-message.js';
import type { Tries } from './outbox.js';
import { undoneByOther, undoneIncidents, type UndoneByOther } from '../incidents/recoveries-undone.js';
import type { SpentOffer } from '../incidents/spent-offers.js';
import { asDiagnosedBy } from '../incidents/as-diagnosed.js';
import { offerMessage, rollbackOfferNow, verdictPaths } from './spent-offer-message.js';
import { replacedVerdictOf } from '../incidents/older-verdict.js';

/** A file the bot uploads to a thread: a plan too long for its message, a failed step's output. */
type UploadedFile = Parameters<WebClient['files']['uploadV2']>[0];

/** Outputs longer than this are attached to the thread as a file when their step failed. */
const uploadAboveBytes = 1_200;

export interface SlackReporterDeps {
  client: WebClient;
  redact: Redactor;
  logger: Logger;
  root: string;
  /** Where step outputs are kept; the run message names a kept file relative to it. */
  stateDir: string;
  runbook: (scenario: string) => Runbook;
  /** DATABOX_ALLOW_SELF_APPROVAL: a plan's header says who may approve it under the rule in force. */
  allowSelfApproval: boolean;
  /** Every thread message goes through it: in order, retried, never holding up a run. */
  outbox: SlackOutbox;
  /** The wait before asking again (1, 2, …) for an incident's first message Slack failed to take (tests shorten it). */
  retryDelayMs?: (attempt: number) => number;
  /** Journals what became of what the bot gave Slack: a run shown in a new message, an output attached or refused. */
  record: (event: AppendInput) => Promise<unknown>;
  /** Where Slack's lasting refusals of the token or a channel are noted, for /databox status and /healthz. */
  lasting?: LastingTrouble;
  /** The incidents as the journal has them: one another incident's recovery undid since says so in its first message. */
  state?: IncidentState;
  /** What a run's offer can no longer do (IncidentService.spentOffer), asked as its message is updated. */
  spentOffer?: (run: Run) => SpentOffer | undefined;
  /** A recovery's rollback offer Slack refused for good, and why: whoever approved it is told, nobody else would be. */
  rollbackOfferRefused?: (recovery: Run, reason: string) => void;
}

/**
 * How many times an incident's first message is asked for again when Slack answers with trouble of its own, after the
 * client's own retries: with the default waits (1, 2, 4 s) the person who typed the command knows within seconds,
 * rather than an incident being given up on Slack's first hiccup.
 */
const firstMessageRetries = 3;
const firstMessageDelay = (attempt: number) => 1_000 * 2 ** (attempt - 1);

/** A run's status once nothing can change it on screen any more. */
const settled: ReadonlySet<RunStatus> = new Set(['rejected', 'expired', 'succeeded', 'failed', 'interrupted']);

/**
 * What the reporter keeps per run lasts only while the run can still change on screen: a run's entries go once its final
 * state is queued (that update holds what it needs), so a bot that runs for months holds only the runs under way and the
 * plans still waiting. Anything later about a finished plan (a decision noticed after a restart) finds its message in
 * the plan's refs in the journal; a finished read-only run is never shown again.
 */
export class SlackReporter implements IncidentReporter {
  readonly frontEnd = slackFrontEnd;
  /** Each run's message, once Slack has taken it (undefined if it never did); a plan's is also in its refs. */
  private readonly runMessages = new Map<string, Promise<SlackMessage | undefined>>();
  /** The posts of a run's message, queued in its thread's line (an update queued before one never waits for it). */
  private readonly runPosts = new WeakSet<Promise<SlackMessage | undefined>>();
  /** What this process saw of each run that the journal's records do not say: the step running now, files attached. */
  private readonly views = new Map<string, RunView>();
  /** Plans whose message shows their buttons, so a decision taken elsewhere (at a terminal) replaces them here too. */
  private readonly pendingShown = new Set<string>();
  /** What Slack last took for each recent message: an update that would change nothing is not sent. */
  private readonly contents = new MessageContents();
  /**
   * Thread messages posted again after Slack may have taken earlier tries, with how many: each keeps saying so
   * (withCopyNote).
   */
  private readonly afterPossibleCopy = new Map<string, number>();
  /**
   * Incidents whose first message was last sent saying another incident's recovery undid theirs, with the run that did:
   * when that changes (the undoing run rolled back itself), the message is sent again.
   */
  private readonly shownUndone = new Map<string, { incident: Incident; by: string }>();
  /** Offers (a verdict, a rollback offer) posted and not yet journaled where: an update spending them finds them here. */
  private readonly offersPosting = new Map<string, Promise<SlackMessage | undefined>>();

  constructor(private readonly deps: SlackReporterDeps) {}

  /**
   * Every string redacted where it is (redacting the JSON text could cut through an escaped quote and break it), then
   * cut again to Slack's limits, which a longer "[REDACTED]" can pass.
   */
  private clean(rendered: Rendered): Rendered {
    return withinSlackLimits(redactDeep(rendered, this.deps.redact));
  }

  async post(channel: string, rendered: Rendered, threadTs?: string): Promise<SlackMessage> {
    const cleaned = this.clean(rendered);
    const send = ({ text, blocks }: Rendered) => this.deps.client.chat.postMessage({ channel, text, blocks, thread_ts: threadTs, unfurl_links: false });
    const response = await this.orInPlainWords(cleaned, send);
    const posted = { channel: response.channel ?? channel, ts: response.ts as string };
    // What the bot made, even when Slack shows it in plain words: the same made again is not sent again.
    this.contents.took(posted, cleaned);
    return posted;
  }

  async update(ref: SlackMessage, rendered: Rendered): Promise<void> {
    const copies = this.afterPossibleCopy.get(ref.ts);
    const cleaned = this.clean(copies === undefined ? rendered : withCopyNote(rendered, copies));
    if (this.contents.shows(ref, cleaned)) return;
    try {
      await this.orInPlainWords(cleaned, ({ text, blocks }) => this.deps.client.chat.update({ channel: ref.channel, ts: ref.ts, text, blocks }));
    } catch (error) {
      // Slack may have made it without its answer arriving: the next update is sent whatever it shows.
      this.contents.forget(ref);
      throw error;
    }
    this.contents.took(ref, cleaned);
  }

  /**
   * Sends a message of `kind` to `channel` for `incident`, noting Slack's lasting refusals (the token, the channel) for
   * /databox status, and handing them to `refused`: a plan's requester is told why it is not in the thread. An
   * incident's first message (`opening`) refused abandons the incident, whoever opened it told: noted as such, not as a
   * thread message missing.
   */
  private async watched<T>(incident: Incident, channel: string, kind: MessageKind, send: () => Promise<T>, refused?: (refusal: LastingRefusal) => void, opening = false): Promise<T> {
    try {
      const sent = await send();
      this.deps.lasting?.took(channel);
      this.deps.outbox.tookIn(channel, kind);
      return sent;
    } catch (error) {
      const refusal = lastingRefusal(error);
      if (refusal) {
        if (opening) this.deps.lasting?.refusedOpening(refusal, { channel, incident: incident.id });
        else this.deps.lasting?.refused(refusal, { channel, incident: incident.id });
        refused?.(refusal);
      }
      throw error;
    }
  }

  /**
   * Sends the message; refused for what it is (too long, a block Slack will not take), once more in plain words with
   * its buttons, and refused again, in plain words alone, its buttons given as terminal commands.
   */
  private async orInPlainWords<T>(rendered: Rendered, send: (message: Rendered) => Promise<T>): Promise<T> {
    try {
      return await send(rendered);
    } catch (error) {
      const code = refusedAsMadeCode(error);
      if (!code) throw error;
      this.deps.logger.warn({ err: error, text: rendered.text }, 'Slack refused a message as the bot made it; sent again in plain words');
      if (!hasButtons(rendered)) return await send(this.clean(asPlainMessage(rendered, code)));
      try {
        return await send(this.clean(asPlainMessage(rendered, code, { withButtons: true })));
      } catch (again) {
        if (!refusedAsMadeCode(again)) throw again;
        return await send(this.clean(asPlainMessage(rendered, code)));
      }
    }
  }

  /**
   * Queues a message for the incident's thread; resolves with where it landed, or undefined if Slack never took it
   * (`refused` is told why, when Slack refused it for good).
   */
  private postInThread(incident: Incident, label: string, rendered: (tries: Tries) => Rendered, redo?: Redo, refused?: (refusal: LastingRefusal) => void, keepIfRefused = true): Promise<SlackMessage | undefined> {
    const thread = incidentThread(incident);
    if (!thread) return Promise.resolve(undefined);
    return this.deps.outbox.deliver(incident.id, label, (tries) => this.postTo(incident, thread, rendered(tries), tries, refused), undefined, redo, keepIfRefused);
  }

  /**
   * Posts in the thread now; tried again after Slack may have taken an earlier try, the message says an earlier copy
   * may be above, and keeps saying so in its updates.
   */
  private async postTo(incident: Incident, thread: SlackMessage, rendered: Rendered, tries: Tries, refused?: (refusal: LastingRefusal) => void): Promise<SlackMessage> {
    const posted = await this.watched(incident, thread.channel, 'reply', () => this.post(thread.channel, tries.earlierMayHaveLanded ? withCopyNote(rendered, tries.copiesMayHaveLanded) : rendered, thread.ts), refused);
    if (tries.earlierMayHaveLanded) this.afterPossibleCopy.set(posted.ts, tries.copiesMayHaveLanded);
    return posted;
  }

  /**
   * Queues an update of a message, rendered when it is sent (so it shows the latest state); a newer update of the same
   * message replaces one not yet sent. The message is looked up as it is sent. One Slack will not let the bot edit any
   * more goes to `uneditable` when given, with Slack's code.
   */
  private updateInThread(
    incident: Incident,
    label: string,
    ref: () => SlackMessage | Promise<SlackMessage | undefined> | undefined,
    rendered: () => Rendered,
    redo?: Redo,
    uneditable?: (target: SlackMessage, code: string, tries: Tries) => Promise<void>,
  ): Promise<void> {
    return this.deps.outbox
      .deliver(
        incident.id,
        label,
        async (tries) => {
          // No message to update (its post never reached Slack): nothing taken, so the outbox keeps what it kept of it.
          const target = await ref();
          if (!target) return undefined;
          try {
            await this.watched(incident, target.channel, 'edit', () => this.update(target, rendered()));
          } catch (error) {
            const code = uneditableCode(error);
            if (!code || !uneditable) throw error;
            await uneditable(target, code, tries);
          }
          return true;
        },
        `update:${label}`,
        redo,
      )
      .then(() => undefined);
  }

  /**
   * Uploads a file into the thread once the message it belongs to (`after`) has gone, on the incident's line of uploads:
   * Slack failing uploads (files.slack.com blocked, files.* unanswered) holds up none of the thread's messages.
   */
  private upload(incident: Incident, label: string, after: Promise<unknown>, file: (thread: SlackMessage) => UploadedFile): void {
    const thread = incidentThread(incident);
    if (thread) void this.deps.outbox.deliverUpload(incident.id, label, () => this.uploadNow(incident, file(thread)), after);
  }

  /** Uploads the file to its channel now, noting Slack's lasting refusals as every other call does. */
  private uploadNow(incident: Incident, file: UploadedFile): Promise<unknown> {
    return this.watched(incident, file.channel_id ?? '', 'file', () => this.deps.client.files.uploadV2(file));
  }

  private view(run: Run): RunView {
    let view = this.views.get(run.id);
    if (!view) this.views.set(run.id, (view = emptyView()));
    return view;
  }

  /**
   * Renders the run as it is when the message is sent, from the view taken now (it outlives the run's entries), with
   * the note of a message posted in place of one Slack would not let the bot edit.
   */
  private renderRun(incident: Incident, run: Run, view = this.view(run)): () => Rendered {
    return () => {
      const rendered = runMessage(run, view, this.deps.root, this.deps.stateDir, incident.id, this.deps.allowSelfApproval);
      return view.inPlaceOfUneditable ? withMovedNote(rendered, view.inPlaceOfUneditable) : rendered;
    };
  }

  /** Where the run is shown now: the message this process posted for it, or the one the journal records. */
  private shownIn(run: Run): SlackMessage | Promise<SlackMessage | undefined> | undefined {
    return this.runMessages.get(run.id) ?? runMessageRef(run);
  }

  /** Where the run is shown: a post that never reached Slack (refused for good, the bot stopped) leaves it to be posted anew. */
  private showRunIn(run: Run, posted: Promise<SlackMessage | undefined>): void {
    this.runPosts.add(posted);
    this.runMessages.set(run.id, posted);
    void posted.then((message) => {
      if (!message && this.runMessages.get(run.id) === posted) this.runMessages.delete(run.id);
    });
  }

  /** Shows the run's current state in its one message (posting it first if this process has none for it). */
  private refreshRun(incident: Incident, run: Run, view = this.view(run)): Promise<void> {
    const known = this.shownIn(run);
    const redo: Redo = { what: 'run', incident: incident.id, run: run.id };
    if (!known) {
      this.showRunIn(run, this.postInThread(incident, `run ${run.id}`, this.renderRun(incident, run, view), redo));
      return Promise.resolve();
    }
    const rendered = this.renderRun(incident, run, view);
    // Looked up as it is sent: an update queued before the run moved to a new message goes to the new one. A post of
    // the run made since (its message refused for good, so posted anew) is queued behind this update: waiting for it
    // would hold the thread's line for ever, and that post shows the run's state as it is then.
    const target = async () => {
      const now = this.shownIn(run);
      if (now !== known && this.runPosts.has(now as Promise<SlackMessage | undefined>)) return undefined;
      return (await now) ?? (await known);
    };
    return this.updateInThread(incident, `run ${run.id}`, target, rendered, redo, async (uneditable, code, tries) => {
      view.inPlaceOfUneditable = code;
      await this.showInNewMessage(incident, run, uneditable, rendered(), code, tries);
    });
  }

  /**
   * Slack will not let the bot edit the run's message any more (`code`): its state is posted as a new message in the
   * thread, which is where the run is shown from then on (journaled, so a restarted bot updates it too). Without it the
   * thread would keep showing the plan's state from before, its Approve and Reject buttons the last word.
   */
  private async showInNewMessage(incident: Incident, run: Run, was: SlackMessage, rendered: Rendered, code: string, tries: Tries): Promise<void> {
    const thread = incidentThread(incident);
    if (!thread) return;
    const posted = await this.postTo(incident, thread, rendered, tries);
    if (this.runMessages.has(run.id)) this.runMessages.set(run.id, Promise.resolve(posted));
    this.deps.logger.warn({ runId: run.id, was: was.ts, now: posted.ts, error: code }, "Slack would not let the bot edit a run's message any more: the run is shown in a new message in its thread");
    await this.deps
      .record({ type: 'run.ref', incident: incident.id, data: { runId: run.id, frontEnd: slackFrontEnd, ref: toRef(posted) } })
      .catch((error: unknown) => this.deps.logger.error({ err: error, runId: run.id }, "could not journal where a run's message is"));
  }

  /**
   * Attaches a failed step's whole output to the thread, once the run's message is there, on the incident's line of
   * uploads: until Slack takes it the run's message names the file the state dir keeps, and the run's end, its failure
   * and its rollback offer go on without it. The run's message says it is attached once Slack took it, or, when Slack
   * refused it for good (no files:write, a channel the bot is not in), why not. The outcome is journaled either way.
   */
  private attachOutput(incident: Incident, run: Run, view: RunView, stepId: string, file: UploadedFile & { filename: string }): void {
    const shown = this.runMessages.get(run.id) ?? Promise.resolve(undefined);
    const delivered = this.deps.outbox.deliverUpload(incident.id, `output ${run.id}:${stepId}`, () => uploadOutcome(() => this.uploadNow(incident, file)), shown);
    void delivered.then(async (outcome) => {
      // The bot stopped first: the journal and the state dir hold the output.
      if (!outcome) return;
      if (outcome.attached) view.attached.set(stepId, file.filename);
      else view.unattached.set(stepId, outcome.refusal);
      if (this.shownIn(run)) void this.refreshRun(incident, run, view);
      const data = { runId: run.id, stepId, file: file.filename, ...(outcome.attached ? {} : { error: outcome.refusal.code }) };
      await this.deps
        .record({ type: outcome.attached ? 'step.output-attached' : 'step.output-refused', incident: incident.id, data })
        .catch((error: unknown) => this.deps.logger.error({ err: error, runId: run.id }, "could not journal what became of a step's output file"));
    });
  }

  /** The run's final state is queued: nothing more about it is kept here. */
  private forget(run: Run): void {
    this.runMessages.delete(run.id);
    this.views.delete(run.id);
    this.pendingShown.delete(run.id);
  }

  /** How many runs the reporter holds anything for (tests check that finished runs leave nothing behind). */
  get runsHeld(): number {
    return new Set([...this.runMessages.keys(), ...this.views.keys(), ...this.pendingShown]).size;
  }

  async incidentOpened(incident: Incident): Promise<FrontEndRef | undefined> {
    const channel = openedInChannel(incident);
    if (!channel) return undefined;
    // Awaited, and not queued: the thread cannot exist before its first message, and a refusal (the bot is not in
    // the channel) must reach the person who typed the command. Slack's own trouble is worth a few more tries.
    for (let attempt = 1; ; attempt += 1) {
      try {
        return toRef(await this.watched(incident, channel, 'top-level', () => this.post(channel, this.renderRoot(incident)), undefined, true));
      } catch (error) {
        if (attempt > firstMessageRetries || !worthAskingAgain(error)) throw new SlackCallFailed(error, attempt);
        this.deps.logger.warn({ err: error, incident: incident.id, attempt }, "Slack failed to take an incident's first message; asking again");
        await new Promise((resolve) => setTimeout(resolve, (this.deps.retryDelayMs ?? firstMessageDelay)(attempt)));
      }
    }
  }

  /** The incident's runbook parameters, for its first message; none for a scenario no longer loaded. */
  private parametersOf(incident: Incident): Runbook['parameters'] | undefined {
    try {
      return this.deps.runbook(incident.scenario).parameters;
    } catch {
      return undefined;
    }
  }

  private undoneByOther(incident: Incident): UndoneByOther | undefined {
    return this.deps.state && undoneByOther(this.deps.state, incident);
  }

  private renderRoot(incident: Incident): Rendered {
    return rootMessage(incident, this.parametersOf(incident), this.outdatedBy, (undone) => this.undoneByOther(undone));
  }

  private refreshRoot(incident: Incident): void {
    const thread = incidentThread(incident);
    if (!thread) return;
    const undoneBy = this.undoneByOther(incident)?.by.id;
    if (undoneBy) this.shownUndone.set(incident.id, { incident, by: undoneBy });
    else this.shownUndone.delete(incident.id);
    void this.updateInThread(incident, `root ${incident.id}`, () => thread, () => this.renderRoot(incident), { what: 'root', incident: incident.id });
  }

  /**
   * After a run that changed a database: the first message of each incident whose recovery another incident's has
   * undone since (or no longer has: the undoing one rolled back) is sent again, so the thread's top says where that
   * incident stands now, not the success it once read as.
   */
  private refreshUndone(): void {
    const undone = this.deps.state ? undoneIncidents(this.deps.state) : new Map<string, UndoneByOther>();
    for (const entry of undone.values()) if (this.shownUndone.get(entry.incident.id)?.by !== entry.by.id) this.refreshRoot(entry.incident);
    for (const [id, shown] of this.shownUndone) if (!undone.has(id)) this.refreshRoot(shown.incident);
  }

  async runProposed(incident: Incident, run: Run, shownLater?: (ref: FrontEndRef) => void, notShown?: (reason: string) => void): Promise<FrontEndRef | undefined> {
    const root = this.deps.root;
    // A plan Slack refuses for good (the bot removed from the channel, the token revoked) waits for approval all the
    // same: why it is not in the thread goes on the record, and to whoever asked for it.
    const refused = run.needsApproval && notShown ? (refusal: LastingRefusal) => notShown(refusalReason(refusal)) : undefined;
    // A plan Slack refused for good is asked for again, shown then with its buttons; a read-only run is shown again.
    const posted = this.postInThread(incident, `run ${run.id}`, this.renderRun(incident, run), { what: 'run', incident: incident.id, run: run.id }, refused, !run.needsApproval);
    this.showRunIn(run, posted);
    if (run.needsApproval && planIsCut(run, root)) {
      this.upload(incident, `plan file ${run.id}`, posted, (thread) => ({
        channel_id: thread.channel,
        thread_ts: thread.ts,
        content: this.deps.redact(planText(run, root)),
        filename: planFileName(run),
        title: `The whole plan ${run.title}`,
      }));
    }
    if (run.needsApproval) this.pendingShown.add(run.id);
    this.refreshRoot(incident);
    // A plan's message is where its buttons are, and where its decision is shown later: wait for it. A read-only
    // run goes on at once; its message follows in order, and where it is goes on the record then, so that a bot
    // started after a crash updates that message instead of leaving it "running" and posting the run again.
    if (!run.needsApproval) {
      if (shownLater) void posted.then((message) => message && shownLater(toRef(message)), () => undefined);
      return undefined;
    }
    const message = await posted;
    return message && toRef(message);
  }

  async runDecided(incident: Incident, run: Run): Promise<void> {
    // Queued, not waited for: the sweeps that tell of expiries and of decisions taken at a terminal go on to the next
    // plan at once, while the outbox keeps trying through a 429's Retry-After, 500s or a Slack that does not answer.
    if (this.runMessages.has(run.id) || runMessageRef(run)) void this.refreshRun(incident, run);
    if (run.status !== 'pending') this.pendingShown.delete(run.id);
    // Rejected, expired, interrupted before it started, or ended in another process: its message will not change again.
    if (settled.has(run.status)) this.forget(run);
    this.refreshRoot(incident);
  }

  async planOutdated(incident: Incident, run: Run, changedBy: Run, whatNow: string): Promise<void> {
    this.view(run).outdated = { by: changedBy, whatNow };
    // Not waited for: with Slack down the outbox keeps trying, and neither the run that made it stale nor the bot's
    // start waits for that.
    if (this.runMessages.has(run.id) || runMessageRef(run)) void this.refreshRun(incident, run);
    // The incident's first message stops saying "waiting for approval" too: nobody goes looking to approve it.
    this.refreshRoot(incident);
  }

  async planRunbookChanged(incident: Incident, run: Run): Promise<void> {
    // Edited in place through the outbox, as any update of the plan: not waited for, so Slack's bad day holds up no start.
    if (this.runMessages.has(run.id) || runMessageRef(run)) void this.refreshRun(incident, run);
  }

  async planOnOlderVerdict(incident: Incident, run: Run): Promise<void> {
    // Queued behind the newer verdict's post, as the edit of the verdict it replaced is: not waited for.
    if (this.runMessages.has(run.id) || runMessageRef(run)) void this.refreshRun(incident, run);
  }

  /** A waiting plan's reason not to be approved any more, as planOutdated told it. */
  private readonly outdatedBy = (run: Run): { by: Run; whatNow: string } | undefined => this.views.get(run.id)?.outdated;

  async stepStarted(incident: Incident, run: Run, step: ResolvedStep, _index: number): Promise<void> {
    this.view(run).running = { stepId: step.id };
    void this.refreshRun(incident, run);
  }

  stepProgress(incident: Incident, run: Run, step: ResolvedStep, text: string): void {
    const view = this.views.get(run.id);
    if (!view || view.running?.stepId !== step.id) return;
    view.running = { stepId: step.id, progress: text };
    void this.refreshRun(incident, run);
  }

  async stepFinished(incident: Incident, run: Run, step: ResolvedStep, record: StepRecord, output: string | undefined): Promise<void> {
    const view = this.view(run);
    if (view.running?.stepId === step.id) view.running = undefined;
    view.finished.set(step.id, record);
    // A failed step's long output is something to look at now: it is attached. A passing step's stays with the record.
    const attach = output !== undefined && record.logFile !== undefined && Buffer.byteLength(output) > uploadAboveBytes && !stepPassed(step, record.status);
    void this.refreshRun(incident, run);
    const thread = incidentThread(incident);
    if (attach && record.logFile && thread) {
      const index = run.steps.findIndex((s) => s.id === step.id);
      this.attachOutput(incident, run, view, step.id, {
        channel_id: thread.channel,
        thread_ts: thread.ts,
        content: output,
        filename: path.basename(record.logFile),
        title: `${run.id} step ${index + 1}: ${step.title} (output)`,
      });
    }
  }

  async runFinished(incident: Incident, run: Run): Promise<void> {
    this.view(run).running = undefined;
    void this.refreshRun(incident, run);
    this.forget(run);
    if (run.kind === 'diagnosis' && run.status === 'succeeded') {
      const rb = this.deps.runbook(incident.scenario);
      // Its own verdict, whatever diagnosis followed; and posted again after a restart, already spent when it is: its
      // buttons never come back live for a moment before the edit that takes them away.
      const diagnosed = asDiagnosedBy(incident, run) ?? incident;
      const paths = verdictPaths(diagnosed, rb);
      const verdict = this.postInThread(incident, `verdict ${run.id}`, () => offerMessage(incident, run, rb, this.deps.spentOffer?.(run)), { what: 'verdict', incident: incident.id, run: run.id });
      this.journalOffer(incident, run, verdict);
      // The verdict it replaced loses its buttons, edited as a spent one is: a click on them is refused (older-verdict.ts).
      const replaced = replacedVerdictOf(incident, run);
      if (replaced) void this.offerSpent(incident, replaced);
      // As a plan cut to fit is: what the verdict's message leaves out of its advice and evidence, in a file it names.
      if (verdictIsCut(diagnosed, run, paths, rb.parameters)) {
        this.upload(incident, `verdict file ${run.id}`, verdict, (thread) => ({
          channel_id: thread.channel,
          thread_ts: thread.ts,
          content: this.deps.redact(verdictText(diagnosed, run)),
          filename: verdictFileName(run),
          title: `The whole verdict ${diagnosed.diagnosis?.title ?? ''}`.trim(),
        }));
      }
    } else if (run.status !== 'succeeded') {
      // Posted ahead of its run's message's last edit when Slack is failing that edit: it does not send the reader there.
      const failure = (tries: Tries) => runFinishedMessage(run, tries.editsFailing.has(`update:run ${run.id}`));
      void this.postInThread(incident, `failure ${run.id}`, failure, { what: 'failure', incident: incident.id, run: run.id });
    }
    this.refreshRoot(incident);
    if (run.mutates) this.refreshUndone();
  }

  /**
   * Plans decided by another process sharing the journal (approved at a terminal, say) get their buttons replaced here
   * too. A plan this process shows that ended without its end reported here (run at a terminal, or approved but never
   * started) gets its message to show how it ended. Plans this process has not shown since it started are only noted:
   * their message already shows their state.
   */
  async showDecidedElsewhere(runs: Iterable<Run>, incidentOf: (run: Run) => Incident): Promise<void> {
    for (const run of runs) {
      if (!run.needsApproval || !runMessageRef(run)) continue;
      const decidedElsewhere = this.pendingShown.has(run.id) && run.status !== 'pending';
      const endedUnreported = settled.has(run.status) && (this.views.has(run.id) || this.runMessages.has(run.id));
      if (decidedElsewhere || endedUnreported) {
        await this.runDecided(incidentOf(run), run).catch((error: unknown) => this.deps.logger.warn({ err: error, runId: run.id }, 'could not replace the buttons of a plan decided elsewhere'));
      }
      if (run.status === 'pending') this.pendingShown.add(run.id);
      else this.pendingShown.delete(run.id);
    }
  }

  async rollbackOffered(incident: Incident, recovery: Run): Promise<void> {
    const refused = (refusal: LastingRefusal) => this.deps.rollbackOfferRefused?.(recovery, refusalReason(refusal));
    // Posted again after a restart (a stop carried it over), already spent when a rollback ran meanwhile (at a terminal).
    const posted = this.postInThread(incident, `rollback offer ${recovery.id}`, () => rollbackOfferNow(recovery, this.deps.spentOffer?.(recovery)), { what: 'rollback-offer', incident: incident.id, run: recovery.id }, refused);
    this.journalOffer(incident, recovery, posted);
  }

  /**
   * Journals where an offer landed (run.offer-ref), so its buttons can be replaced once spent, by this process or a
   * restarted one; until then an update finds it in offersPosting.
   */
  private journalOffer(incident: Incident, run: Run, posted: Promise<SlackMessage | undefined>): void {
    this.offersPosting.set(run.id, posted);
    void posted
      .then(async (message) => {
        if (message) await this.deps.record({ type: 'run.offer-ref', incident: incident.id, data: { runId: run.id, frontEnd: slackFrontEnd, ref: toRef(message) } });
      })
      .catch((error: unknown) => this.deps.logger.error({ err: error, runId: run.id }, "could not journal where a run's offer is"))
      .finally(() => {
        if (this.offersPosting.get(run.id) === posted) this.offersPosting.delete(run.id);
      });
  }

  /** Replaces the spent buttons of `run`'s offer by what happened, rendered as it is sent from what is spent then. */
  async offerSpent(incident: Incident, run: Run): Promise<void> {
    this.showOfferNow(incident, run);
  }

  /** A verdict's path button marked refused or unmarked (room-marks.ts): its message edited as a spent offer's is. */
  async pathMarkChanged(incident: Incident, diagnosis: Run): Promise<void> {
    this.showOfferNow(incident, diagnosis);
  }

  /**
   * Edits `run`'s offer to read as it does when the edit is sent (offerMessage): a newer edit of it replaces one not yet
   * sent. An offer this process posted is waited for; one posted before, found where the journal says; one never
   * journaled (posted by a build that did not record where) is left as it is: a click on it is still refused, saying why.
   */
  private showOfferNow(incident: Incident, run: Run): void {
    if (!this.offerPosted(run)) return;
    const posting = this.offersPosting.get(run.id);
    const target = async () => offerMessageRef(run) ?? (await posting);
    const rendered = () => offerMessage(incident, run, this.deps.runbook(incident.scenario), this.deps.spentOffer?.(run));
    void this.updateInThread(incident, `offer ${run.id}`, target, rendered, { what: 'offer-spent', incident: incident.id, run: run.id });
  }

  /** Whether `run`'s offer is posted, or being posted by this process: an edit of its buttons has a message to edit. */
  private offerPosted(run: Run): boolean {
    return this.offersPosting.has(run.id) || offerMessageRef(run) !== undefined;
  }

  /**
   * Shows again, from the state rebuilt from the journal, what a stop gave up on its way to Slack (carry-over.ts): a
   * run's message in its final state, a verdict, a failure, a rollback offer, the root's status. False when nothing
   * was queued: the incident has no thread, the run is gone, or the offer whose buttons it would replace never
   * reached Slack (shown again, that offer is posted already spent).
   */
  showAgain(redo: Redo, incident: Incident, run: Run | undefined): boolean {
    if (!incidentThread(incident)) return false;
    if (redo.what === 'root') {
      this.refreshRoot(incident);
      return true;
    }
    if (!run) return false;
    if (redo.what === 'run') {
      void this.refreshRun(incident, run);
      // A run that has ended has nothing more coming: its message is rendered from the journal's results alone.
      if (settled.has(run.status)) this.forget(run);
    } else if (redo.what === 'verdict' || redo.what === 'failure') void this.runFinished(incident, run);
    else if (redo.what === 'rollback-offer') void this.rollbackOffered(incident, run);
    else if (redo.what === 'offer-spent') {
      if (!this.offerPosted(run)) return false;
      void this.offerSpent(incident, run);
    }
    return true;
  }

  async followUpOffered(incident: Incident, recovery: Run, advice: string, offers: FollowUpOffer[], plan?: PlanOffer): Promise<void> {
    const offered = plan && { runId: recovery.id, offer: { ...plan, label: this.deps.redact(plan.label) } };
    void this.postInThread(incident, `follow-up ${recovery.id}`, () => followUpMessage(this.deps.redact(advice), incident.id, offers, offered, recovery.kind === 'diagnosis' ? 'this diagnosis' : 'this plan'));
  }

  async journalRepaired(incident: Incident, aside: SetAside, verifies: boolean): Promise<void> {
    void this.postInThread(incident, `journal repair ${aside.file}`, () => journalRepairedMessage(aside, verifies));
  }
}
