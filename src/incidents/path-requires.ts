// What a recovery path must be given on its incident's diagnosis: its requires, but for what that verdict found empty that day.
import type { RecoveryPath } from '../runbook/schema.js';
import { minuteUtc } from '../timestamps.js';
import type { Diagnosis, Run } from './state.js';

/**
 * What a verdict found empty (`knownEmpty`: scenario 4's window, no day missed yet), when it looked, and until when that
 * holds: the end of that UTC day, or before it what the verdict's holdsUntil names (a paused schedule's next tick). The finding is about the day (the schedules are daily: once it ends, a new diagnosis
 * counts it as missed), so a plan made or approved after it would act on what may no longer be so.
 */
export interface KnownEmpty {
  params: string[];
  asOf: string;
  until: string;
  /** What ends it at `until` where that comes before the day's end (a paused schedule's next tick); absent: the day's end. */
  untilWhat?: string;
}

/** The verdict's knownEmpty for this path as of its diagnosis, whether or not it still holds; undefined when none. */
export function knownEmptyOf(path: RecoveryPath, diagnosis: Diagnosis | undefined): KnownEmpty | undefined {
  const params = diagnosis?.paths.includes(path.id) ? (diagnosis.knownEmpty ?? []).filter((name) => path.requires.includes(name)) : [];
  if (!diagnosis || params.length === 0) return undefined;
  // Diagnoses recorded before the time their steps looked was kept: the verdict's own time, a moment later.
  const asOf = diagnosis.knownEmptyAsOf ?? diagnosis.at;
  const dayEnds = new Date(`${asOf.slice(0, 10)}T00:00:00Z`);
  dayEnds.setUTCDate(dayEnds.getUTCDate() + 1);
  const sooner = diagnosis.holdsUntil;
  if (sooner && Date.parse(sooner.at) < dayEnds.getTime()) return { params, asOf, until: sooner.at, untilWhat: sooner.what };
  return { params, asOf, until: dayEnds.toISOString() };
}

/** "that day ended (…)", or what ended it before ("schedule …'s next tick …, at …"): how long it held, said. */
export function heldUntil(found: Pick<KnownEmpty, 'until' | 'untilWhat'>): string {
  return found.untilWhat ? `${found.untilWhat}, at ${minuteUtc(found.until)}` : `that day ended (${minuteUtc(found.until)})`;
}

/** Until when a diagnosis' finding holds for the plans made on it (its verdict's holdsUntil), and as of when. */
export interface HoldsUntil {
  at: string;
  what: string;
  asOf: string;
}

/**
 * The diagnosis' holdsUntil for a plan made on it, when its verdict said one; undefined otherwise. Whichever path the
 * plan takes: one the verdict did not offer (path A on schedules paused) gets the same window, found as of the same tick.
 */
export function holdsUntilOf(diagnosis: Diagnosis | undefined): HoldsUntil | undefined {
  if (!diagnosis?.holdsUntil) return undefined;
  return { ...diagnosis.holdsUntil, asOf: diagnosis.knownEmptyAsOf ?? diagnosis.at };
}

/**
 * Why a plan made on a diagnosis that held until a time (a paused schedule's next tick) cannot be made or approved now,
 * completing "the plan's diagnosis …" or "the diagnosis of incident … …"; undefined while it holds.
 */
export function holdsLapsed(holds: HoldsUntil, now: Date, nothingDone = 'nothing was run'): string | undefined {
  if (now.getTime() < Date.parse(holds.at)) return undefined;
  return (
    `found at ${minuteUtc(holds.asOf)} what held until ${holds.what}, at ${minuteUtc(holds.at)}: it is ${minuteUtc(now.toISOString())} now, ` +
    `and what it found may no longer be so. Diagnose again and propose a new plan; ${nothingDone}`
  );
}

/** Whether what was found empty still holds at `now`. */
export function stillHolds(found: Pick<KnownEmpty, 'until'>, now: Date): boolean {
  return now.getTime() < Date.parse(found.until);
}

/**
 * The path's `requires`, less the parameters the diagnosis' verdict offered it knowing there is nothing to give, on the
 * day it found that. A window the diagnosis could not size, or found empty on a day that has ended, is required.
 */
export function requiredOn(path: RecoveryPath, diagnosis: Diagnosis | undefined, now: Date): string[] {
  const found = knownEmptyOf(path, diagnosis);
  const empty = found && stillHolds(found, now) ? found.params : [];
  return path.requires.filter((name) => !empty.includes(name));
}

/**
 * Why a plan that goes without what its diagnosis found empty cannot be approved now (that day has ended), or undefined.
 * Said to the approver as a plan another plan made stale is: nothing ran, diagnose again.
 */
export function knownEmptyLapsed(run: Pick<Run, 'knownEmpty' | 'leftOut'>, now: Date, nothingDone = 'nothing was run'): string | undefined {
  const found = run.knownEmpty;
  if (!found || stillHolds(found, now)) return undefined;
  const leftOut = (run.leftOut ?? []).filter((step) => found.params.includes(step.parameter)).map((step) => `"${step.title}"`);
  const without = found.params.map((name) => `${name}=`).join(' and ');
  return (
    `this plan goes without ${without}${leftOut.length > 0 ? ` (leaving out ${leftOut.join(', ')})` : ''} on what its diagnosis found at ${minuteUtc(found.asOf)}, ` +
    `which held until ${heldUntil(found)}: it is ${minuteUtc(now.toISOString())} now, and what it found may no longer be so. Diagnose again and propose a new plan; ${nothingDone}`
  );
}

/**
 * Why a plan, approved while its diagnosis' finding held, may no longer go on changing anything now: its steps
 * (guards, a health check or a daemon's start waiting for its heartbeat) can outlast the hold, and a schedule started
 * after its tick misses the day it builds. Asked right before each changing step (`first`: none has run yet);
 * undefined while the finding still holds.
 */
export function lapsedBeforeChanges(run: Pick<Run, 'knownEmpty' | 'leftOut' | 'holdsUntil'>, now: Date, first = true): string | undefined {
  const nothingDone = first ? 'nothing was changed' : 'the changing steps before this one ran, nothing after them was';
  const diagnosisLapsed = run.holdsUntil && holdsLapsed(run.holdsUntil, now, nothingDone);
  return knownEmptyLapsed(run, now, nothingDone) ?? (diagnosisLapsed ? `this plan's diagnosis ${diagnosisLapsed}` : undefined);
}
