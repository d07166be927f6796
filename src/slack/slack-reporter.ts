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
  private readonly stepMessages = new Map<string, MessageRef>();

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

  async postInThread(incident: Incident, rendered: Rendered): Promise<MessageRef | undefined> {
    if (!incident.thread) return undefined;
    return this.post(incident.thread.channel, rendered, incident.thread.ts);
  }

  async incidentOpened(incident: Incident): Promise<MessageRef | undefined> {
    if (!incident.channel) return undefined;
    return this.post(incident.channel, rootMessage(incident));
  }

  private async refreshRoot(incident: Incident): Promise<void> {
    if (incident.thread) await this.update(incident.thread, rootMessage(incident));
  }

  async runProposed(incident: Incident, run: Run): Promise<MessageRef | undefined> {
    const ref = await this.postInThread(incident, run.needsApproval ? planMessage(run, this.deps.root) : runStartedMessage(run));
    if (run.needsApproval && incident.thread && planIsCut(run, this.deps.root)) {
      await this.deps.client.files.uploadV2({
        channel_id: incident.thread.channel,
        thread_ts: incident.thread.ts,
        content: this.deps.redact(planText(run, this.deps.root)),
        filename: `${run.id.replace('/', '-')}-plan.txt`,
        title: `The whole plan ${run.title}`,
      });
    }
    await this.refreshRoot(incident);
    return ref;
  }

  async runDecided(incident: Incident, run: Run): Promise<void> {
    if (run.message) await this.update(run.message, run.needsApproval ? planMessage(run, this.deps.root) : runFinishedMessage(run));
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
    if (upload && incident.thread && record.logFile) {
      await this.deps.client.files.uploadV2({
        channel_id: incident.thread.channel,
        thread_ts: incident.thread.ts,
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

  async rollbackOffered(incident: Incident, recovery: Run): Promise<void> {
    await this.postInThread(incident, rollbackOfferMessage(recovery));
  }

  async followUpOffered(incident: Incident, _recovery: Run, advice: string): Promise<void> {
    await this.postInThread(incident, followUpMessage(this.deps.redact(advice)));
  }
}
