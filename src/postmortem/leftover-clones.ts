// The postmortem's "Leftover clones" item: which databases the bot made for the incident were still there at the last
// check, and which an approved cleanup dropped, read from the leftover-clones steps' results in the journal.
import type { Incident, Run } from '../incidents/state.js';
import { code, plain, utcClock } from './markdown.js';

interface Finding {
  run: Run;
  names: string[];
}

const names = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

/** The database a SQL step made, when it is a CREATE DATABASE (a clone); undefined otherwise. */
function createdDatabase(sql: unknown): string | undefined {
  const match = typeof sql === 'string' ? /^\s*CREATE DATABASE (?:IF NOT EXISTS )?"((?:[^"]|"")+)"/i.exec(sql) : null;
  return match?.[1]?.replace(/""/g, '"');
}
const when = (run: Run) => `${utcClock(run.finishedAt ?? run.startedAt ?? run.proposedAt)} UTC`;
const listed = (list: readonly string[]) => list.map(code).join(', ');

/** The item's lines, or none when no step of the incident looked for leftover clones. */
export function leftoverClonesLines(incident: Incident): string[] {
  let lastCheck: Finding | undefined;
  const drops: Finding[] = [];
  // Clones made since the last check (a swap that failed before its validation listed them): never left unsaid.
  const unchecked = new Map<string, Run>();
  for (const run of incident.runs) {
    for (const result of run.results) {
      const step = run.steps.find((s) => s.id === result.stepId);
      const made = step?.kind === 'sql' && result.status !== 'failed' ? createdDatabase((step as { sql?: unknown }).sql) : undefined;
      if (made) unchecked.set(made, run);
      // A guard's look (path A's "no clone yet") is for one name, before the plan: not a check of what is left.
      if (step?.kind !== 'leftover-clones' || step.guard || result.status !== 'ok' && result.status !== 'leftovers') continue;
      if (!step.drop) unchecked.clear();
      else for (const name of names(result.outputs.dropped)) unchecked.delete(name);
      if (step.drop) {
        const dropped = names(result.outputs.dropped);
        drops.push({ run, names: dropped });
        if (lastCheck) lastCheck = { ...lastCheck, names: lastCheck.names.filter((name) => !dropped.includes(name)) };
      } else {
        lastCheck = { run, names: names(result.outputs.databases) };
      }
    }
  }
  if (!lastCheck && drops.length === 0 && unchecked.size === 0) return [];
  const lines: string[] = [];
  if (unchecked.size > 0) {
    const made = [...unchecked.entries()].map(([name, run]) => `${code(name)} (made by \`${run.id}\`)`).join(', ');
    lines.push(`Made for this incident and not looked for since (no validation listed them): ${made}. Look on MotherDuck; an approved cleanup (path C) drops them.`);
  }
  if (lastCheck && lastCheck.names.length > 0) {
    lines.push(
      `Still on MotherDuck at the last check (${plain(lastCheck.run.kind)} \`${lastCheck.run.id}\`, ${when(lastCheck.run)}): ${listed(lastCheck.names)}. ` +
        'An approved cleanup (path C) drops them.',
    );
  } else if (lastCheck && drops.length === 0) {
    lines.push('No clone made for this incident was left at the last check.');
  }
  for (const drop of drops) {
    lines.push(
      drop.names.length > 0
        ? `Dropped by ${plain(drop.run.title)} (\`${drop.run.id}\`) at ${when(drop.run)}: ${listed(drop.names)} (UNDROP DATABASE brings one back within the retention).`
        : `${plain(drop.run.title)} (\`${drop.run.id}\`) found nothing to drop at ${when(drop.run)}.`,
    );
  }
  return lines.flatMap((line) => [line, '']);
}
