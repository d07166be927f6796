// Journal lines the postmortem cannot make sense of (a forged or hand-written line with its data missing): said as such.
import type { JournalRecord } from '../journal/record.js';

/** The types whose line is about one plan, named by its run id. */
const aboutAPlan = new Set(['run.approved', 'run.runbook-changed', 'run.diagnosed-again', 'run.rejected', 'run.expired', 'run.started', 'run.finished', 'run.rollback-offered', 'run.offer-ref', 'step.started', 'step.finished', 'step.intent', 'step.process']);

/**
 * What a line lacks that its type needs for the postmortem to tell it ("without its plan"), or undefined when it has it:
 * such a line is shown as a line that makes no sense, never with "undefined" where its plan or result would be.
 */
export function missingFromLine(record: JournalRecord): string | undefined {
  const data = record.data as Record<string, unknown> | null;
  if (typeof data !== 'object' || data === null) return 'without any data';
  if (aboutAPlan.has(record.type) && typeof data.runId !== 'string') return 'without its plan (no run id)';
  const result = data.result as { stepId?: unknown; status?: unknown } | undefined;
  if (record.type === 'step.finished' && (typeof result !== 'object' || result === null || typeof result.stepId !== 'string' || typeof result.status !== 'string')) return "without its step's result";
  if (record.type === 'diagnosis.verdict' && typeof data.title !== 'string' && typeof data.verdict !== 'string') return 'without its verdict';
  if (record.type === 'incident.opened' && typeof data.title !== 'string') return 'without its title';
  return undefined;
}
