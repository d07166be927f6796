// The front end's side of the engine: Slack and the terminal each implement it to show what happens.
import type { ResolvedStep, StepRecord } from '../engine/types.js';
import type { Incident, MessageRef, Run } from './state.js';

export interface IncidentReporter {
  /** A new incident: Slack posts the root message and returns where it is. */
  incidentOpened(incident: Incident): Promise<MessageRef | undefined>;
  /** A run was proposed: a plan awaiting approval, or a read-only run about to start. */
  runProposed(incident: Incident, run: Run): Promise<MessageRef | undefined>;
  /** A plan was approved, rejected or expired. */
  runDecided(incident: Incident, run: Run): Promise<void>;
  stepStarted(incident: Incident, run: Run, step: ResolvedStep, index: number): Promise<void>;
  stepProgress(incident: Incident, run: Run, step: ResolvedStep, text: string): void;
  stepFinished(incident: Incident, run: Run, step: ResolvedStep, record: StepRecord, output: string | undefined): Promise<void>;
  runFinished(incident: Incident, run: Run): Promise<void>;
  /** After a recovery and its validation: the rollback can be requested. */
  rollbackOffered(incident: Incident, recovery: Run): Promise<void>;
  /** A recovery (or its validation) failed and its runbook says what to do next: the text, as the runbook gives it. */
  followUpOffered(incident: Incident, recovery: Run, advice: string): Promise<void>;
}
