// Which recovery path a typed recover that names none proposes: the runbook's only one, or the one its incident's verdict offered.
import { UserError } from '../errors.js';
import type { Runbook } from '../runbook/schema.js';
import type { Incident } from './state.js';

/**
 * The path named, else the one leaving it out can only mean. A guess (the runbook's first path, say) would propose a plan
 * the evidence may point away from, so with no single path to go by the command is refused, listing what to type.
 */
export function chosenPathId(rb: Runbook, named: string | undefined, incident: Incident | undefined): string {
  if (named !== undefined) return named;
  // A cleanup (letting go what an incident left) recovers nothing: never what a recover with no path= means.
  const recoveries = rb.recovery.filter((p) => !p.cleanup);
  const only = recoveries.length === 1 ? recoveries[0] : undefined;
  if (only) return only.id;
  const offered = incident?.diagnosis?.paths ?? [];
  if (offered.length === 1) return offered[0] as string;
  const diagnosis = incident?.diagnosis;
  const why = !incident
    ? 'no incident=<id> was given whose diagnosis could choose one'
    : !diagnosis
      ? `incident ${incident.id} has no diagnosis to choose one`
      : `the diagnosis of incident ${incident.id} (verdict "${diagnosis.title}") offered ${offered.length === 0 ? 'no recovery' : offered.map((p) => `path ${p.toUpperCase()}`).join(' and ')}`;
  // The verdict's own paths when it offered several; with none offered, every path, each checked by its guards.
  const listed = offered.length > 1 ? recoveries.filter((p) => offered.includes(p.id)) : recoveries;
  const choices = listed.map((p) => `path=${p.id} (${p.title})`).join(' or ');
  const anyway = diagnosis && offered.length === 0 ? ' (its advice says what to do first; a path typed anyway is checked by its guards before anything runs)' : '';
  throw new UserError(`which recovery path of ${rb.id}? ${why}${anyway}: add ${choices} to the command; nothing was proposed`);
}
