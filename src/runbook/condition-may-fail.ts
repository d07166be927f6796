// Whether a step's condition (onlyIf) may fail, or may hold, given the ways the steps it names may have ended: a step whose condition holds whatever they ended ran, one whose condition holds for none of them was skipped.
import { holds, stepsNamed } from '../engine/conditions.js';
import type { Condition } from './schema.js';

/** The most combinations of endings tried before giving up (and saying the condition may fail: the cautious answer). */
const mostCombinations = 4096;

/**
 * Whether `cond` fails for some way the steps it names may have ended: `endings` gives each step's statuses, undefined
 * among them for a step with no result (left out); a step not in `endings` may have ended any way, so it may fail.
 */
export function conditionMayFail(cond: Condition, endings: ReadonlyMap<string, ReadonlySet<string | undefined>>): boolean {
  const combinations = combinationsOf(cond, endings);
  return combinations === undefined || combinations.some((statuses) => !holds(cond, statuses));
}

/**
 * Whether `cond` holds for some way the steps it names may have ended, `endings` read as conditionMayFail reads them; a
 * step not in `endings`, or too many combinations to try, may hold (the cautious answer: "never holds" is never a guess).
 */
export function conditionMayHold(cond: Condition, endings: ReadonlyMap<string, ReadonlySet<string | undefined>>): boolean {
  const combinations = combinationsOf(cond, endings);
  return combinations === undefined || combinations.some((statuses) => holds(cond, statuses));
}

/** Every way the steps `cond` names may have ended together, or undefined when a step's ways are not known or there are too many. */
function combinationsOf(cond: Condition, endings: ReadonlyMap<string, ReadonlySet<string | undefined>>): Map<string, string>[] | undefined {
  let combinations: Map<string, string>[] = [new Map()];
  for (const step of stepsNamed(cond)) {
    const ways = endings.get(step);
    if (!ways || ways.size === 0) return undefined;
    combinations = combinations.flatMap((statuses) => [...ways].map((way) => (way === undefined ? new Map(statuses) : new Map(statuses).set(step, way))));
    if (combinations.length > mostCombinations) return undefined;
  }
  return combinations;
}

/**
 * The statuses a condition that held leaves each step it names with, where its shape tells: {step: open, status: ok}
 * held means open ended ok; an all, each member's; an any, a step every member names, with any of their statuses.
 */
export function impliedStatuses(cond: Condition): Map<string, Set<string>> {
  if ('all' in cond) {
    const implied = new Map<string, Set<string>>();
    for (const member of cond.all) {
      for (const [step, statuses] of impliedStatuses(member)) {
        const before = implied.get(step);
        implied.set(step, before ? new Set([...before].filter((status) => statuses.has(status))) : statuses);
      }
    }
    return implied;
  }
  if ('any' in cond) {
    const members = cond.any.map(impliedStatuses);
    const implied = new Map<string, Set<string>>();
    for (const [step] of members[0] ?? []) {
      if (members.every((m) => m.has(step))) implied.set(step, new Set(members.flatMap((m) => [...(m.get(step) ?? [])])));
    }
    return implied;
  }
  return new Map([[cond.step, new Set(Array.isArray(cond.status) ? cond.status : [cond.status])]]);
}
