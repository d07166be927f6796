// Changes a cleanup sends one by one, each applied on its own (a DROP per clone, a name removed per snapshot): how far it got when one failed.
import { isDriverFault } from './driver-fault.js';
import { connectionLost } from './rolled-back.js';
import { ChangedNothing, StoppedPartWay } from './step-database.js';

/** Whether the failed statement's answer was lost (a fault on this side, the connection gone): it may have been applied all the same. */
function answerLost(error: unknown): boolean {
  return isDriverFault(error) || connectionLost.test((error as Error).message);
}

/**
 * Runs `apply` on each item in order. One that fails stops it with what was done before (its `outputs`, and `unanswered`,
 * the one whose answer was lost), for its kind's partWay to read. `said` words the failure from those done.
 */
export async function oneByOne<T>(
  items: readonly T[],
  apply: (item: T) => Promise<void>,
  stopped: { outputs: (done: T[]) => Record<string, unknown>; said: (done: T[], failedAt: T, why: string) => string; name: (item: T) => string },
): Promise<T[]> {
  const done: T[] = [];
  for (const item of items) {
    try {
      await apply(item);
    } catch (error) {
      const lost = answerLost(error) ? { unanswered: stopped.name(item) } : {};
      throw new StoppedPartWay(stopped.said(done, item, (error as Error).message.split('\n')[0] ?? ''), { ...stopped.outputs(done), ...lost }, error as Error);
    }
    done.push(item);
  }
  return done;
}

/** Whether a step stopped so changed anything, as its outputs say: none (the engine stopped waiting, it may have gone on), something done, or an answer lost. */
export function oneByOneChanged(doneAs: string): (outputs: Readonly<Record<string, unknown>>) => boolean {
  return (outputs) => {
    const done = outputs[doneAs];
    return !Array.isArray(done) || done.length > 0 || typeof outputs.unanswered === 'string';
  };
}

/**
 * A read before the first change that failed (listing what to change): nothing was changed, said so. A fault on this
 * side is left as it is, said as one (withStepDatabase): counted as maybe changed, as nothing tells where it came.
 */
export function beforeAnyChange(error: unknown): never {
  throw isDriverFault(error) ? error : new ChangedNothing((error as Error).message, {});
}
