// A front end that shows nothing, for tests that drive the engine directly; `overrides` replace single callbacks.
import type { IncidentReporter } from '../../src/incidents/reporter.js';

export function quietReporter(overrides: Partial<IncidentReporter> = {}): IncidentReporter {
  return {
    frontEnd: 'quiet',
    incidentOpened: async () => undefined,
    runProposed: async () => undefined,
    runDecided: async () => {},
    planOutdated: async () => {},
    planRunbookChanged: async () => {},
    planOnOlderVerdict: async () => {},
    stepStarted: async () => {},
    stepProgress: () => {},
    stepFinished: async () => {},
    runFinished: async () => {},
    rollbackOffered: async () => {},
    offerSpent: async () => {},
    pathMarkChanged: async () => {},
    followUpOffered: async () => {},
    journalRepaired: async () => {},
    ...overrides,
  };
}
