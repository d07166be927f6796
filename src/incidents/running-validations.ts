// Validations of an incident queued or running, by what they check: the same validation typed again joins the first.
import { typedDiagnosis } from './running-diagnoses.js';

/** Who asked for a validation being joined, and whether it started (false: refused, its asker told why). */
export interface ValidationUnderWay {
  user: string;
  started: Promise<boolean>;
}

export interface RunningValidation {
  /** It started: its run is proposed, and its steps and result follow in the incident's thread. */
  started(): void;
  /** It has finished, or never started: a validation typed after this runs again (the operator wants a fresh check). */
  done(): void;
}

/**
 * The words of a typed validation of an incident (scenario, parameters as typed, incident), the same for the same words
 * in any order: the scope a second one must share to join the first.
 */
export function typedValidation(scenario: string, params: Record<string, string>, incident: string): string {
  // The same words as a diagnosis' (each kind keeps its own registry, so the two never meet).
  return typedDiagnosis(scenario, params, incident);
}

export class RunningValidations {
  private readonly byTyped = new Map<string, ValidationUnderWay>();

  /** A validation of these same typed words queued or running, if one. */
  find(typed: string): ValidationUnderWay | undefined {
    return this.byTyped.get(typed);
  }

  /** Registers a validation about to be queued; call before anything is awaited after `find`. */
  begin(typed: string, user: string): RunningValidation {
    let settle: (started: boolean) => void = () => {};
    const entry: ValidationUnderWay = { user, started: new Promise((resolve) => (settle = resolve)) };
    this.byTyped.set(typed, entry);
    return {
      started: () => settle(true),
      done: () => {
        settle(false);
        if (this.byTyped.get(typed) === entry) this.byTyped.delete(typed);
      },
    };
  }
}
