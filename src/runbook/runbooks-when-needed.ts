// A directory's runbooks loaded (and checked, as at any load) at the first look: a command that may not need them,
// the CLI's status, does not pay the half second of CPU their parse and checks take when it does not.
import type { Runbook } from './schema.js';

export function runbooksWhenNeeded(load: () => Map<string, Runbook>): ReadonlyMap<string, Runbook> {
  let loaded: Map<string, Runbook> | undefined;
  const runbooks = () => (loaded ??= load());
  return {
    get: (id) => runbooks().get(id),
    has: (id) => runbooks().has(id),
    get size() {
      return runbooks().size;
    },
    keys: () => runbooks().keys(),
    values: () => runbooks().values(),
    entries: () => runbooks().entries(),
    forEach: (each, thisArg) => runbooks().forEach(each, thisArg),
    [Symbol.iterator]: () => runbooks()[Symbol.iterator](),
  };
}
