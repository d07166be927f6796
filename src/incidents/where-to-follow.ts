// Where a refusal sends the operator to follow an incident: its Slack thread when it has one, `/databox status` always.
import type { Incident } from './state.js';

/**
 * "the incident's Slack thread, or `/databox status`", or only "`/databox status`" for an incident opened at a terminal
 * that never got a thread (Slack keeps its thread under refs.slack; no other front end keeps one).
 */
export function whereToFollow(incident: Pick<Incident, 'refs'> | undefined): string {
  return incident?.refs.slack ? "the incident's Slack thread, or `/databox status`" : '`/databox status`';
}
