// A plan a validation follow-up offers (path C, the cleanup, after leftover clones were found): what its button proposes.
import { commandValue } from '../commands/quote-value.js';
import type { followUp } from '../runbook/schema.js';
import { render, type TemplateContext } from '../runbook/template.js';
import type { z } from 'zod';
import type { Incident, Run } from './state.js';

/**
 * A recovery path of the incident's own scenario, ready to propose in that incident as a typed `recover` would. It is
 * journaled with the follow-up and kept on the validation run (Run.planOffers), so a click can be checked against it.
 */
export interface PlanOffer {
  scenario: string;
  incident: string;
  path: string;
  /** Its place among the validation's offers: what the button's value names. */
  index: number;
  /** What the plan does, as the button says it: "Plan cleanup of 2 leftover clones". */
  label: string;
  /** The path's parameters, filled in from the validation; an empty one is left out. */
  params: Record<string, string>;
}

type Proposes = NonNullable<z.output<typeof followUp>['proposes']>;

/** The offer a follow-up's `proposes` makes, its label and parameters rendered with the validation's values. */
export function planOffer(where: Pick<PlanOffer, 'incident' | 'scenario' | 'index'>, proposes: Proposes, values: TemplateContext): PlanOffer {
  const params = Object.fromEntries(Object.entries(proposes.params).map(([name, template]) => [name, render(template, values)]).filter(([, value]) => value !== ''));
  return { ...where, path: proposes.path, label: render(proposes.label, values), params };
}

/** The command that proposes the same plan, as it would be typed: `recover motherduck path=c incident=dbx-…`. */
export function planOfferCommand(offer: Pick<PlanOffer, 'scenario' | 'path' | 'params' | 'incident'>): string {
  return ['recover', offer.scenario, `path=${offer.path}`, ...Object.entries(offer.params).map(([name, value]) => `${name}=${commandValue(value)}`), `incident=${offer.incident}`].join(' ');
}

const sameParams = (a: Record<string, string>, b: Record<string, string>) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
const samePlan = (run: Run, offer: PlanOffer) => run.kind === 'recovery' && run.pathId === offer.path && sameParams(run.params, offer.params);

/**
 * The plan the same offer already proposed and still waiting for approval (a double click, a second person), if any: one
 * its database changed under since (`approvable` says no) is waiting for nothing, and a new one is proposed.
 */
export function pendingProposal(incident: Incident, offer: PlanOffer, now: Date, approvable: (plan: Run) => boolean): Run | undefined {
  return incident.runs.find((run) => samePlan(run, offer) && run.status === 'pending' && (!run.expiresAt || Date.parse(run.expiresAt) > now.getTime()) && approvable(run));
}

/** The same plan, proposed after `offeredBy` (the validation that offered it) finished, that has run: the offer is done. */
export function doneSince(incident: Incident, offer: PlanOffer, offeredBy: Run): Run | undefined {
  const since = Date.parse(offeredBy.finishedAt ?? offeredBy.proposedAt);
  return incident.runs.find((run) => samePlan(run, offer) && run.status === 'succeeded' && Date.parse(run.proposedAt) >= since);
}
