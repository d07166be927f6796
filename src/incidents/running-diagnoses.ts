// Diagnoses queued or running, by what they diagnose: a second request for the same database joins the first.
import type { Incident } from './state.js';

export interface RunningDiagnosis {
  /** The diagnosis has opened its incident (joiners are told where it is). */
  opened(incident: Incident): void;
  /** It has finished, or never started: later requests start a new one. */
  done(): void;
}

export class RunningDiagnoses {
  private readonly byKey = new Map<string, Promise<Incident | undefined>>();

  /** The incident of a diagnosis of `key` already queued or running (once it is open; undefined if it never opened). */
  find(key: string): Promise<Incident | undefined> | undefined {
    return this.byKey.get(key);
  }

  /** Registers a diagnosis about to be queued; call before anything is awaited after `find`. */
  begin(key: string): RunningDiagnosis {
    let resolve: (incident: Incident | undefined) => void = () => {};
    this.byKey.set(key, new Promise((settle) => (resolve = settle)));
    return {
      opened: (incident) => resolve(incident),
      done: () => {
        resolve(undefined);
        this.byKey.delete(key);
      },
    };
  }
}
