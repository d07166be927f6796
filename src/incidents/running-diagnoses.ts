// Diagnoses queued or running, by what they diagnose: a second request for the same database joins the first.
import type { Incident } from './state.js';

/** Who asked for a diagnosis that has not opened its incident yet, and where its thread will open. */
export interface AskedFor {
  user: string;
  /** The Slack channel its thread opens in (the one it was asked in). */
  channel: string;
}

/** A diagnosis begun but not yet open: who asked, and its incident once open (undefined if it never opened). */
export interface PendingDiagnosis {
  asked: AskedFor;
  incident: Promise<Incident | undefined>;
}

export interface RunningDiagnosis {
  /** The diagnosis has opened its incident (joiners are told where it is). */
  opened(incident: Incident): void;
  /** It has finished, or never started: later requests start a new one. */
  done(): void;
}

/**
 * The words of a typed diagnosis (scenario, parameters as typed, and the incident it diagnoses again, if one), the same
 * for the same words in any order.
 */
export function typedDiagnosis(scenario: string, params: Record<string, string>, incident?: string): string {
  return JSON.stringify([scenario, Object.entries(params).sort(([a], [b]) => a.localeCompare(b)), incident ?? null]);
}

export class RunningDiagnoses {
  private readonly byKey = new Map<string, Promise<Incident | undefined>>();
  /** The incident each diagnosis has opened, known at once: a request that joins it is told so in its ack. */
  private readonly openedByKey = new Map<string, Incident>();
  /** The key each diagnosis begun from typed words has: the same words typed again find it without working it out. */
  private readonly keyByTyped = new Map<string, string>();
  /** Who asked for each diagnosis begun from typed words, until it is done. */
  private readonly askedByKey = new Map<string, AskedFor>();

  /** The incident of a diagnosis of `key` already queued or running (once it is open; undefined if it never opened). */
  find(key: string): Promise<Incident | undefined> | undefined {
    return this.byKey.get(key);
  }

  /** The incident already opened by a running diagnosis begun from these same typed words (see `typedDiagnosis`). */
  openedFor(typed: string): Incident | undefined {
    const key = this.keyByTyped.get(typed);
    return key === undefined ? undefined : this.openedByKey.get(key);
  }

  /** A diagnosis begun from these same typed words whose incident is not open yet (the ack can say who asked). */
  pendingFor(typed: string): PendingDiagnosis | undefined {
    const key = this.keyByTyped.get(typed);
    if (key === undefined || this.openedByKey.has(key)) return undefined;
    const asked = this.askedByKey.get(key);
    const incident = this.byKey.get(key);
    return asked && incident ? { asked, incident } : undefined;
  }

  /** Registers a diagnosis about to be queued; call before anything is awaited after `find`. */
  begin(key: string, typed?: string, asked?: AskedFor): RunningDiagnosis {
    let resolve: (incident: Incident | undefined) => void = () => {};
    this.byKey.set(key, new Promise((settle) => (resolve = settle)));
    if (typed !== undefined) this.keyByTyped.set(typed, key);
    if (asked !== undefined) this.askedByKey.set(key, asked);
    return {
      opened: (incident) => {
        this.openedByKey.set(key, incident);
        resolve(incident);
      },
      done: () => {
        resolve(undefined);
        this.byKey.delete(key);
        this.openedByKey.delete(key);
        this.askedByKey.delete(key);
        if (typed !== undefined && this.keyByTyped.get(typed) === key) this.keyByTyped.delete(typed);
      },
    };
  }
}
