// What the bot advised next in an incident (the thread's "Next:" messages, a terminal's "→" lines), from the journal's run.follow-up records.
import { planOfferCommand, type PlanOffer } from '../incidents/plan-offer.js';
import { endedWords } from '../incidents/run-label.js';
import { followUpCommand, type FollowUpOffer } from '../incidents/reporter.js';
import { cliActor, type Incident, type IncidentState, type Run } from '../incidents/state.js';
import type { JournalRecord } from '../journal/record.js';
import { code, fromSlackText, plain, utcClock } from './markdown.js';

/**
 * Where the advice was shown, as the journal tells it by who recorded it: the bot posts it in the incident's Slack thread,
 * a terminal prints it under the command that ran there (a terminal's records of old journals name the bot: the
 * incident's origin tells those).
 */
export function whereAdvised(actor: string | null | undefined, incident: Incident | undefined): string {
  const channel = incident?.refs.slack?.channel;
  if (actor !== cliActor && channel) return `in the incident's Slack thread (channel ${plain(channel)})`;
  if (actor === cliActor || incident?.origin?.startsWith('terminal')) return 'at a terminal';
  return 'in Slack';
}

/** What came with the advice: the diagnoses it offered as buttons, or the plan of this scenario it offered as one. */
export function offeredWithAdvice(data: { offers?: unknown; plan?: unknown }): string {
  const offers = Array.isArray(data.offers) ? (data.offers as FollowUpOffer[]).filter((o) => o && typeof o.scenario === 'string') : [];
  const buttons = offers.length === 1 ? 'a button that opens a new incident with its diagnosis' : 'buttons, each opening a new incident with its diagnosis';
  const diagnoses = offers.length > 0 ? ` Offered as ${buttons}: ${offers.map((o) => code(followUpCommand({ scenario: o.scenario, params: o.params ?? {} }))).join(', ')}.` : '';
  const plan = data.plan && typeof data.plan === 'object' ? ` Offered as a button: ${plain(String((data.plan as PlanOffer).label))} (${code(planOfferCommand(data.plan as PlanOffer))}).` : '';
  return `${diagnoses}${plan}`;
}

/** The run the advice followed, as the postmortem names it: "Validation (`id`, failed)", "Path A: … (`id`, succeeded)". */
function after(run: Run | undefined, runId: unknown, label: (run: Run) => string): string {
  if (run) return `, after ${label(run)} (\`${run.id}\`, ${endedWords(run)})`;
  return typeof runId === 'string' ? `, after \`${plain(runId)}\`` : '';
}

/**
 * One line per piece of advice, in journal order: when, where, after which run, and the advice as it was given. Empty
 * when the bot advised nothing (journals from before advice was journaled too).
 */
export function advisedNextLines(records: readonly JournalRecord[], state: IncidentState, incident: Incident, label: (run: Run) => string): string[] {
  return records
    .filter((record) => record.type === 'run.follow-up')
    .map((record) => {
      const data = record.data as Record<string, unknown>;
      const run = typeof data.runId === 'string' ? state.runs.get(data.runId) : undefined;
      return `- \`${utcClock(record.at)}\` ${whereAdvised(record.actor, incident)}${after(run, data.runId, label)}: ${fromSlackText(String(data.advice ?? ''))}${offeredWithAdvice(data)}`;
    });
}
