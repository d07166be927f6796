// What the journal says Slack refused for good and never took since, for a terminal's status: the bot's own note of it
// lives in its memory, and a terminal reading the journal can say the same facts while the thread stays silent.
import { cli } from '../commands/terminal-commands.js';
import type { Incident } from '../incidents/state.js';
import { lastingRefusal, tokenAdvice } from './lasting-refusals.js';

function utcSeconds(at: string): string {
  return `${at.slice(11, 19)} UTC`;
}

/** One line per incident with messages Slack refused for good that have not reached its thread, then its rollback offers. */
export function undeliveredStatusLines(incidents: Iterable<Incident>): string[] {
  const lines: string[] = [];
  for (const incident of incidents) {
    const undelivered = incident.undelivered ?? [];
    const first = undelivered[0];
    if (!first) continue;
    const refusal = lastingRefusal(first.code);
    const why = refusal ? (refusal.kind === 'token' ? tokenAdvice(refusal) : refusal.means) : first.code;
    const count = undelivered.length === 1 ? '1 thread message' : `${undelivered.length} thread messages`;
    lines.push(`incident ${incident.id}: Slack refused ${count} for good since ${utcSeconds(first.at)} (${first.code}: ${why}), and none has reached its thread since (each message counted once, however often Slack refused it; the journal's slack.not-delivered lines also name a follow-up's advice, which is not kept); the bot shows them once Slack takes its messages there again`);
    for (const offer of undelivered.filter((u) => u.what === 'rollback-offer' && u.runId)) {
      lines.push(`  rollback offer of recovery ${offer.runId} not in the thread: \`${cli} rollback ${offer.runId}\` proposes its rollback`);
    }
  }
  return lines;
}
