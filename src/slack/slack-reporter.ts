// Shows an incident in its Slack thread: root message, plans, each step's outcome, verdicts and offers.
import fs from 'node:fs';
import path from 'node:path';
import type { WebClient } from '@slack/web-api';
import type { ResolvedStep, StepRecord } from '../engine/types.js';
import type { IncidentReporter } from '../incidents/reporter.js';
import type { FrontEndRef, Incident, Run } from '../incidents/state.js';
import type { Logger } from '../logger.js';
import type { Redactor } from '../redact.js';
import type { Runbook } from '../runbook/schema.js';
import {
  planIsCut,
  planMessage,
  planText,
  followUpMessage,
  rollbackOfferMessage,
  rootMessage,
  runFinishedMessage,
  runStartedMessage,
  stepFinishedMessage,
  stepStartedMessage,
  verdictMessage,
  type Rendered,
} from './blocks.js';
import { incidentThread, openedInChannel, runMessage, slackFrontEnd, toRef, type SlackMessage } from './slack-refs.js';

/** Outputs longer than this are uploaded to the thread as a file as well as excerpted. */
const uploadAboveBytes = 1_200;

export interface SlackReporterDeps {
  client: WebClient;
  redact: Redactor;
  logger: Logger;
  root: string;
  runbook: (scenario: string) => Runbook;
}

export class SlackReporter implements IncidentReporter {
  readonly frontEnd = slackFrontEnd;
  private readonly stepMessages = new Map<string, SlackMessage>();
  /** The status each plan's message last showed, so a decision taken elsewhere (at a terminal) replaces its buttons too. */
  private readonly shown = new Map<string, string>();

  constructor(private readonly deps: SlackReporterDeps) {}

  private clean(rendered: Rendered): Rendered {
    return JSON.parse(this.deps.redact(JSON.stringify(rendered))) as Rendered;
  }

  async post(channel: string, rendered: Rendered, threadTs?: string): Promise<SlackMessage> {
    const { text, blocks } = this.clean(rendered);
    const response = await this.deps.client.chat.postMessage({ channel, text, blocks, thread_ts: threadTs, unfurl_links: false });
    return { channel: response.channel ?? channel, ts: response.ts as string };
  }

  async update(ref: SlackMessage, rendered: Rendered): Promise<void> {
    const { text, blocks } = this.clean(rendered);
    await this.deps.client.chat.update({ channel: ref.channel, ts: ref.ts, text, blocks });
  }

  async postInThread(incident: Incident, rendered: Rendered): Promise<SlackMessage | undefined> {
    const thread = incidentThread(incident);
    if (!thread) return undefined;
    return this.post(thread.channel, rendered, thread.ts);
  }

  async incidentOpened(incident: Incident): Promise<FrontEndRef | undefined> {
    const channel = openedInChannel(incident);
    if (!channel) return undefined;
    return toRef(await this.post(channel, rootMessage(incident)));
  }

  private async refreshRoot(incident: Incident): Promise<void> {
    const thread = incidentThread(incident);
    if (thread) await this.update(thread, rootMessage(incident));
  }

  async runProposed(incident: Incident, run: Run): Promise<FrontEndRef | undefined> {
    const posted = await this.postInThread(incident, run.needsApproval ? planMessage(run, this.deps.root) : runStartedMessage(run));
    const thread = incidentThread(incident);
    if (run.needsApproval && thread && planIsCut(run, this.deps.root)) {
      await this.deps.client.files.uploadV2({
        channel_id: thread.channel,
        thread_ts: thread.ts,
        content: this.deps.redact(planText(run, this.deps.root)),
        filename: `${run.id.replace('/', '-')}-plan.txt`,
        title: `The whole plan ${run.title}`,
      });
    }
    if (run.needsApproval) this.shown.set(run.id, run.status);
    await this.refreshRoot(incident);
    return posted && toRef(posted);
  }

  async runDecided(incident: Incident, run: Run): Promise<void> {
    const message = runMessage(run);
    this.shown.set(run.id, run.status);
    if (message) await this.update(message, run.needsApproval ? planMessage(run, this.deps.root) : runFinishedMessage(run));
    await this.refreshRoot(incident);
  }

  async stepStarted(incident: Incident, run: Run, step: ResolvedStep, index: number): Promise<void> {
    const ref = await this.postInThread(incident, stepStartedMessage(run, step, index, this.deps.root));
    if (ref) this.stepMessages.set(`${run.id}:${step.id}`, ref);
  }

  stepProgress(_incident: Incident, run: Run, step: ResolvedStep, text: string): void {
    const ref = this.stepMessages.get(`${run.id}:${step.id}`);
    if (!ref) return;
    const index = run.steps.findIndex((s) => s.id === step.id);
    this.update(ref, stepStartedMessage(run, step, index, this.deps.root, text)).catch((error: unknown) =>
      this.deps.logger.warn({ err: error }, 'could not update a progress line'),
    );
  }

  async stepFinished(incident: Incident, run: Run, step: ResolvedStep, record: StepRecord, output: string | undefined): Promise<void> {
    const index = run.steps.findIndex((s) => s.id === step.id);
    const upload = output !== undefined && record.logFile !== undefined && Buffer.byteLength(output) > uploadAboveBytes;
    const rendered = stepFinishedMessage(run, step, index, record, this.deps.root, upload);
    const key = `${run.id}:${step.id}`;
    const ref = this.stepMessages.get(key);
    this.stepMessages.delete(key);
    if (ref) await this.update(ref, rendered);
    else await this.postInThread(incident, rendered);
    const thread = incidentThread(incident);
    if (upload && thread && record.logFile) {
      await this.deps.client.files.uploadV2({
        channel_id: thread.channel,
        thread_ts: thread.ts,
        file: fs.readFileSync(record.logFile),
        filename: path.basename(record.logFile),
        title: `${run.id} step ${index + 1}: ${step.title} (full output)`,
      });
    }
  }

  async runFinished(incident: Incident, run: Run): Promise<void> {
    if (run.kind === 'diagnosis') {
      const rb = this.deps.runbook(incident.scenario);
      const paths = rb.recovery.filter((p) => incident.diagnosis?.paths.includes(p.id));
      await this.postInThread(incident, verdictMessage(incident, run, paths));
    } else {
      await this.postInThread(incident, runFinishedMessage(run));
    }
    await this.refreshRoot(incident);
  }

  /**
   * Plans decided by another process sharing the journal (approved at a terminal, say) get their buttons replaced here
   * too. Plans this process has not shown since it started are only noted: their message already shows their state.
   */
  async showDecidedElsewhere(runs: Iterable<Run>, incidentOf: (run: Run) => Incident): Promise<void> {
    for (const run of runs) {
      if (!run.needsApproval || !runMessage(run)) continue;
      const shown = this.shown.get(run.id);
      if (shown === 'pending' && run.status !== 'pending') {
        await this.runDecided(incidentOf(run), run).catch((error: unknown) => this.deps.logger.warn({ err: error, runId: run.id }, 'could not replace the buttons of a plan decided elsewhere'));
      }
      this.shown.set(run.id, run.status);
    }
  }

  async rollbackOffered(incident: Incident, recovery: Run): Promise<void> {
    await this.postInThread(incident, rollbackOfferMessage(recovery));
  }

  async followUpOffered(incident: Incident, _recovery: Run, advice: string): Promise<void> {
    await this.postInThread(incident, followUpMessage(this.deps.redact(advice)));
  }
}
