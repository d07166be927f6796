// Whether a step's status says it could not see (a timeout, MotherDuck unreachable) rather than answering what it looks at.
import { stepKind } from './steps/index.js';

/** The engine's statuses for a step that did not finish looking: it failed to run, was killed on its timeout, was cut short, or never began. */
const engineUnseeing: readonly string[] = ['failed', 'timeout', 'interrupted', 'not-started'];

/** True when `status` is the engine's or the step's kind's way of saying the step could not see (its unseeingStatuses). */
export function isUnseeing(kind: string, status: string): boolean {
  return engineUnseeing.includes(status) || ((stepKind(kind).unseeingStatuses as readonly string[] | undefined)?.includes(status) ?? false);
}
