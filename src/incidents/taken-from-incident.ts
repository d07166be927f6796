// A validation's parameters left out: taken from what its incident's recovery was given, else from its diagnosis.
import type { Incident } from './state.js';

export interface TakenFromIncident {
  /** The values given, with those taken from the incident added. */
  params: Record<string, string>;
  /** Where each fromIncident parameter's value came from (or why there is none), by name: {{taken_from.<name>}}. */
  takenFrom: Record<string, string>;
}

/**
 * Each of `names` the validation was not given: what the incident's latest recovery that ran was given (nothing, when it
 * was given none: what it was asked to do is what is checked), else, with no recovery yet, what its verdict suggests (what
 * a recovery would be given), else what its diagnosis was given. A recovery proposed but never run has asked for nothing.
 */
export function takenFromIncident(
  names: readonly string[],
  incident: Incident | undefined,
  given: Record<string, string>,
  /**
   * Those of `names` a verdict's suggestion may fill before any recovery (what a recovery would be given); by default
   * all. An optional window is not: with nothing recovered yet, there is nothing backfilled to wait through.
   */
  fromVerdict: readonly string[] = names,
): TakenFromIncident {
  const params = { ...given };
  const takenFrom: Record<string, string> = {};
  const recovery = incident?.runs.filter((run) => run.kind === 'recovery' && run.startedAt).at(-1);
  for (const name of names) {
    if (given[name] !== undefined) {
      takenFrom[name] = `as given (${name}=)`;
      continue;
    }
    if (!incident) {
      takenFrom[name] = `no incident= was given, so no recovery or diagnosis to take ${name}= from`;
      continue;
    }
    if (recovery) {
      const value = recovery.params[name];
      if (value) params[name] = value;
      takenFrom[name] = value
        ? `as recovery ${recovery.id}${recovery.pathId ? ` (path ${recovery.pathId})` : ''} of incident ${incident.id} was given it`
        : `recovery ${recovery.id}${recovery.pathId ? ` (path ${recovery.pathId})` : ''} of incident ${incident.id} was given no ${name}=`;
      continue;
    }
    const suggested = fromVerdict.includes(name) ? incident.diagnosis?.suggested[name] : undefined;
    // What the diagnosis was given (source=ebird) stands where its verdict suggests nothing for it.
    const diagnosed = incident.diagnosis?.params[name];
    if (suggested || diagnosed) params[name] = (suggested || diagnosed) as string;
    takenFrom[name] = !incident.diagnosis
      ? `incident ${incident.id} has no recovery or diagnosis yet to take ${name}= from`
      : suggested
        ? `as the diagnosis of incident ${incident.id} found it (verdict: ${incident.diagnosis.title}), no recovery having run yet`
        : diagnosed
          ? `as the diagnosis of incident ${incident.id} was given it, no recovery having run yet`
          : `no recovery of incident ${incident.id} has run, and its diagnosis (verdict: ${incident.diagnosis.title}) found no ${name}=`;
  }
  return { params, takenFrom };
}
