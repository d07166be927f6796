// Shows an incident in its Slack thread: root message, plans, each step's outcome, verdicts and offers.
import fs from 'node:fs';
import path from 'node:path';
import type { WebClient } from '@slack/web-api';
import type { ResolvedStep, StepRecord } from '../engine/types.js';
import type { IncidentReporter } from '../incidents/reporter.js';
import type { Incident, MessageRef, Run } from '../incidents/state.js';
import type { Logger } from '../logger.js';
import type { Redactor } from '../redact.js';
import type { Runbook } from '../runbook/schema.js';
import type { SlackOutbox } from './outbox.js';
import {
  planIsCut,
  planMessage,
  planText,
  rollbackOfferMessage,
  rootMessage,
  runFinishedMessage,
  runStartedMessage,
  stepFinishedMessage,
  stepStartedMessage,
  verdictMessage,
  type Rendered,
} from './blocks.js';

/** Outputs longer than this are uploaded to the thread as a file as well as excerpted. */
const uploadAboveBytes = 1_200;

export interface SlackReporterDeps {
  client: WebClient;
  redact: Redactor;
  logger: Logger;
  root: string;
  runbook: (scenario: string) => Runbook;
  /** Every thread message goes through it: in order, retried, never holding up a run. */
  outbox: SlackOutbox;
}

export class SlackReporter implements IncidentReporter {
  /** Each running step's message, once Slack has taken it (undefined if it never did). */
  private readonly stepMessages = new Map<string, Promise<MessageRef | undefined>>();

  constructor(private readonly deps: SlackReporterDeps) {}

  private clean(rendered: Rendered): Rendered {
    return JSON.parse(this.deps.redact(JSON.stringify(rendered))) as Rendered;
  }

  async post(channel: string, rendered: Rendered, threadTs?: string): Promise<MessageRef> {
    const { text, blocks } = this.clean(rendered);
    const response = await this.deps.client.chat.postMessage({ channel, text, blocks, thread_ts: threadTs, unfurl_links: false });
    return { channel: response.channel ?? channel, ts: response.ts as string };
  }

  async update(ref: MessageRef, rendered: Rendered): Promise<void> {
    const { text, blocks } = this.clean(rendered);
    await this.deps.client.chat.update({ channel: ref.channel, ts: ref.ts, text, blocks });
  }

  /** Queues a message for the incident's thread; resolves with where it landed, or undefined if Slack never took it. */
  private postInThread(incident: Incident, label: string, rendered: () => Rendered): Promise<MessageRef | undefined> {
    const thread = incident.thread;
    if (!thread) return Promise.resolve(undefined);
    return this.deps.outbox.deliver(incident.id, label, () => this.post(thread.channel, rendered(), thread.ts));
  }

  /** Queues an update of a message; a newer update of the same message replaces one not yet sent. */
  private updateInThread(incident: Incident, label: string, ref: MessageRef | Promise<MessageRef | undefined>, rendered: () => Rendered): Promise<void> {
    return this.deps.outbox
      .deliver(
        incident.id,
        label,
        async () => {
          const target = await ref;
          if (target) await this.update(target, rendered());
        },
        `update:${label}`,
      )
      .then(() => undefined);
  }

  private upload(incident: Incident, label: string, file: () => Parameters<WebClient['files']['uploadV2']>[0]): void {
    if (!incident.thread) return;
    void this.deps.outbox.deliver(incident.id, label, () => this.deps.client.files.uploadV2(file()));
  }

  async incidentOpened(incident: Incident): Promise<MessageRef | undefined> {
    if (!incident.channel) return undefined;
    // Awaited, and not queued: the thread cannot exist before its first message, and a refusal (the bot is not in
    // the channel) must reach the person who typed the command.
    return this.post(incident.channel, rootMessage(incident));
  }

  private refreshRoot(incident: Incident): void {
    if (incident.thread) void this.updateInThread(incident, `root ${incident.id}`, incident.thread, () => rootMessage(incident));
  }

  async runProposed(incident: Incident, run: Run): Promise<MessageRef | undefined> {
    const root = this.deps.root;
    const message = this.postInThread(incident, `run ${run.id}`, () => (run.needsApproval ? planMessage(run, root) : runStartedMessage(run)));
    if (run.needsApproval && planIsCut(run, root)) {
      this.upload(incident, `plan file ${run.id}`, () => ({
        channel_id: incident.thread?.channel as string,
        thread_ts: incident.thread?.ts as string,
        content: this.deps.redact(planText(run, root)),
        filename: `${run.id.replace('/', '-')}-plan.txt`,
        title: `The whole plan ${run.title}`,
      }));
    }
    this.refreshRoot(incident);
    // A plan's message is where its buttons are, and where its decision is shown later: wait for it. A read-only
    // run goes on at once; its messages follow in order.
    return run.needsApproval ? message : undefined;
  }

  async runDecided(incident: Incident, run: Run): Promise<void> {
    if (run.message) await this.updateInThread(incident, `run ${run.id}`, run.message, () => (run.needsApproval ? planMessage(run, this.deps.root) : runFinishedMessage(run)));
    this.refreshRoot(incident);
  }

  async stepStarted(incident: Incident, run: Run, step: ResolvedStep, index: number): Promise<void> {
    this.stepMessages.set(`${run.id}:${step.id}`, this.postInThread(incident, `step ${run.id}:${step.id}`, () => stepStartedMessage(run, step, index, this.deps.root)));
  }

  stepProgress(incident: Incident, run: Run, step: ResolvedStep, text: string): void {
    const ref = this.stepMessages.get(`${run.id}:${step.id}`);
    if (!ref) return;
    const index = run.steps.findIndex((s) => s.id === step.id);
    void this.updateInThread(incident, `step ${run.id}:${step.id}`, ref, () => stepStartedMessage(run, step, index, this.deps.root, text));
  }

  async stepFinished(incident: Incident, run: Run, step: ResolvedStep, record: StepRecord, output: string | undefined): Promise<void> {
    const index = run.steps.findIndex((s) => s.id === step.id);
    const upload = output !== undefined && record.logFile !== undefined && Buffer.byteLength(output) > uploadAboveBytes;
    const rendered = () => stepFinishedMessage(run, step, index, record, this.deps.root, upload);
    const key = `${run.id}:${step.id}`;
    const ref = this.stepMessages.get(key);
    this.stepMessages.delete(key);
    if (ref) void this.updateInThread(incident, `step ${key}`, ref, rendered);
    else void this.postInThread(incident, `step ${key}`, rendered);
    if (upload && incident.thread && record.logFile) {
      const logFile = record.logFile;
      this.upload(incident, `output ${key}`, () => ({
        channel_id: incident.thread?.channel as string,
        thread_ts: incident.thread?.ts as string,
        file: fs.readFileSync(logFile),
        filename: path.basename(logFile),
        title: `${run.id} step ${index + 1}: ${step.title} (full output)`,
      }));
    }
  }

  async runFinished(incident: Incident, run: Run): Promise<void> {
    if (run.kind === 'diagnosis') {
      const rb = this.deps.runbook(incident.scenario);
      const paths = rb.recovery.filter((p) => incident.diagnosis?.paths.includes(p.id));
      void this.postInThread(incident, `verdict ${run.id}`, () => verdictMessage(incident, run, paths));
    } else {
      void this.postInThread(incident, `end ${run.id}`, () => runFinishedMessage(run));
    }
    this.refreshRoot(incident);
  }

  async rollbackOffered(incident: Incident, recovery: Run): Promise<void> {
    void this.postInThread(incident, `rollback offer ${recovery.id}`, () => rollbackOfferMessage(recovery));
  }
}
