// A short text answer to "/databox status": what holds a database, what waits for approval, what is open.
import { mention, utcTime } from './approval-policy.js';
import type { IncidentService } from './service.js';

/** `watchers`: one line per watcher (its state and last check), where watchers run. */
export function statusText(service: IncidentService, watchers?: string[]): string {
  const runs = [...service.state.runs.values()];
  const busy = runs.filter((r) => r.status === 'running' || r.status === 'approved');
  const now = Date.now();
  const waiting = runs.filter((r) => r.status === 'pending' && r.needsApproval && (!r.expiresAt || Date.parse(r.expiresAt) > now));
  const recent = [...service.state.incidents.values()].slice(-5).reverse();
  const lines: string[] = [];
  lines.push(
    busy.length > 0
      ? `*Running:* ${busy.map((r) => `\`${r.id}\` ${r.title} (${r.status}, requested by ${mention(r.requestedBy)})`).join('; ')}`
      : '*Running:* nothing; no database is held by a plan.',
  );
  lines.push(
    waiting.length > 0
      ? `*Waiting for approval:* ${waiting.map((r) => `\`${r.id}\` ${r.title}, expires ${utcTime(r.expiresAt ?? '')}`).join('; ')}`
      : '*Waiting for approval:* nothing.',
  );
  lines.push(
    recent.length > 0
      ? `*Latest incidents:*\n${recent.map((i) => `• \`${i.id}\` ${i.title}, opened ${i.openedAt.slice(0, 16).replace('T', ' ')} UTC by ${mention(i.openedBy)}${i.diagnosis ? `, verdict: ${i.diagnosis.title}` : ''}`).join('\n')}`
      : '*Latest incidents:* none yet.',
  );
  if (watchers) lines.push(`*Watchers:*\n${watchers.join('\n')}`);
  return lines.join('\n');
}
