// Refuses at load a time zone a runbook reads a source's days in ({{… | time-zone}} in SQL, a step's timeZone, a date's todayIn) that DuckDB or Node does not know.
import type { TemplateUse } from '../engine/steps/define-step-kind.js';
import { timeZoneProblem } from '../time-zone-name.js';
import type { RunbookProblem } from './check.js';
import type { Runbook } from './schema.js';
import { placeholderUses } from './template.js';

/** Whether `use` names a time zone: a step's timeZone field (its text), or SQL's {{… | time-zone}} placeholders. */
function zoneTemplates(use: TemplateUse): { expressions: string[]; literal?: string } {
  if (use.at[use.at.length - 1] === 'timeZone') {
    const uses = placeholderUses(use.template);
    return uses.length === 0 ? { expressions: [], literal: use.template } : { expressions: uses.map((u) => u.expression) };
  }
  if (use.as !== 'sql') return { expressions: [] };
  return { expressions: placeholderUses(use.template).filter((u) => u.kind === 'time-zone').map((u) => u.expression) };
}

/**
 * The problems of the zones `use` names: a literal one, or each value's attribute of an enum parameter it reads
 * ({{source.time_zone}}), named at that value's setting: a wrong zone would count, keep and delete the wrong days at
 * 3 a.m. rather than fail now. `at` is where the use is, for a literal.
 */
export function timeZoneSettingProblems(rb: Runbook, use: TemplateUse, at: (string | number)[]): RunbookProblem[] {
  const { expressions, literal } = zoneTemplates(use);
  const problems: RunbookProblem[] = [];
  if (literal !== undefined) {
    const problem = timeZoneProblem(literal);
    if (problem) problems.push({ at: [...at, ...use.at], message: `timeZone ${JSON.stringify(literal)} ${problem}` });
  }
  for (const expression of expressions) {
    const [head = '', attribute, ...rest] = expression.split('.');
    if (attribute !== undefined && rest.length === 0) problems.push(...enumZoneProblems(rb, head, attribute));
  }
  return problems;
}

/**
 * The problems of the zones enum parameter `head`'s values hold in `attribute` (source.time_zone), each named at its
 * value's setting; none when `head` is no enum parameter. A value without the attribute has none (its UTC day).
 */
export function enumZoneProblems(rb: Runbook, head: string, attribute: string): RunbookProblem[] {
  const declared = Object.hasOwn(rb.parameters, head) ? rb.parameters[head] : undefined;
  if (declared?.type !== 'enum') return [];
  const problems: RunbookProblem[] = [];
  for (const [value, attributes] of Object.entries(declared.values)) {
    if (!Object.hasOwn(attributes, attribute)) continue;
    const zone = attributes[attribute];
    const problem = typeof zone === 'string' ? timeZoneProblem(zone) : 'is not text: name an IANA time zone, such as America/New_York';
    if (problem) problems.push({ at: ['parameters', head, 'values', value, attribute], message: `${attribute} ${JSON.stringify(zone)} (the time zone ${head} ${value}'s days are read in) ${problem}` });
  }
  return problems;
}
