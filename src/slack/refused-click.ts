// A click or a form the bot refused goes on the record, under the incident it concerns, before the person is told why.
import { IncidentAbandoned, isUserError, StoppedError } from '../errors.js';
import { JournalUnwritable } from '../journal/journal.js';
import type { IncidentService } from '../incidents/service.js';

export interface RefusedRequest {
  user: string;
  /** The button's label as it was shown ("Path A: Rebuild from raw dlt state"), for a click. */
  clicked?: string;
  action?: string;
  value?: string;
  /** The command a button or a form stands for, as its command.received has it: the refusal is told on that line. */
  command?: string;
  incident?: string;
}

/**
 * Journals a refusal (a user error), so the postmortem shows it with why. Anything else is the bot's own failure,
 * logged with a reference by describeFailure; a journal that cannot be written could not record it anyway.
 */
export function recordIfRefused(service: Pick<IncidentService, 'recordRefusal'>, request: RefusedRequest, error: unknown): void {
  // Nor is a stop (the bot stopping under the work) or an incident whose first message Slack would not take: both are
  // on the record in their own words (the run's end, incident.abandoned), and neither refused what was asked.
  if (!isUserError(error) || error instanceof JournalUnwritable || error instanceof StoppedError || error instanceof IncidentAbandoned) return;
  const { user, ...given } = request;
  const data = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
  void service.recordRefusal(user, { ...data, reason: error.message });
}

/** A refused click as the journal keeps it: who, the button's label as shown, its action and value, and the incident. */
export function refusedClick(user: string, action: { action_id: string; value?: string; text?: { text: string } }, incident?: string): RefusedRequest {
  return { user, clicked: action.text?.text, action: action.action_id, value: action.value, incident };
}

/** The incident a run id names (`dbx-20260420-3fa2/2`): what a refused click on that run's button is about. */
export function incidentOfRun(runId: string): string {
  return runId.split('/')[0] as string;
}
