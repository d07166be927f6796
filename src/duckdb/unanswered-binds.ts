// Views whose binding has not returned (what they read does not answer), on the reader thread: each such bind holds one
// of libuv's few pool threads until the storage answers, so a view is not bound again, by any diagnosis, until it does.
import path from 'node:path';

/** A view's bind still out: the database file, the view as shown, what it reads, and since when (ms since the epoch). */
export interface UnansweredBind {
  file: string;
  view: string;
  reads: string;
  since: number;
}

const out = new Map<string, UnansweredBind>();
let onReturned: (stillOut: UnansweredBind[]) => void = () => {};
const key = (file: string, view: string) => `${path.resolve(file)}\n${view}`;

/** The bind of `view` in `file` still out, if there is one. */
export function bindStillOut(file: string, view: string): UnansweredBind | undefined {
  return out.get(key(file, view));
}

/** Notes `bind` as out until `returned` settles. */
export function noteBindOut(bind: UnansweredBind, returned: Promise<unknown>): void {
  const at = key(bind.file, bind.view);
  out.set(at, bind);
  const settled = () => {
    if (out.get(at) !== bind) return;
    out.delete(at);
    onReturned(bindsStillOut());
  };
  returned.then(settled, settled);
}

/** Every bind still out. */
export function bindsStillOut(): UnansweredBind[] {
  return [...out.values()];
}

/** Calls `listener` with the binds still out each time one returns: the main thread keeps its copy of them so. */
export function whenBindReturns(listener: (stillOut: UnansweredBind[]) => void): void {
  onReturned = listener;
}
