// A path chosen on a verdict is checked again when its plan is made (IncidentService.start), not only at the click: a
// diagnosis that gave a newer verdict while the proposal waited in the queue gets it refused, as the click would be.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scriptsDir, useTempDirs } from '../support/fixtures.js';
import { engineOverRunbook } from '../helpers/engine.js';

const tempDir = useTempDirs('older-verdict-at-proposal-');

/** One check whose exit 5 gives a verdict offering path a. */
const runbook = `
id: probe
title: A probe
section: 9
summary: one check
symptoms: [something]
diagnosis:
  steps:
    - id: check
      kind: command
      title: A check
      argv: [sh, ${JSON.stringify(path.join(scriptsDir, 'exit-with.sh'))}, "5"]
      classify:
        - { exit: 5, status: broken }
  verdicts:
    - id: broken
      title: Broken
      severity: critical
      when: { step: check, status: broken }
      advice: start it
      paths: [a]
    - id: healthy
      title: Healthy
      advice: all is well
      severity: ok
recovery:
  - id: a
    title: Start it
    description: the one path
    steps:
      - { id: noop, kind: command, title: noop, argv: ["true"] }
validation:
  steps:
    - { id: noop, kind: command, title: noop, argv: ["true"] }
`;

/** An incident diagnosed twice: the ids of its two diagnoses, the first one's verdict replaced by the second's. */
async function diagnosedTwice() {
  const service = engineOverRunbook(tempDir(), runbook);
  const { incident } = await service.start({ verb: 'diagnose', scenario: 'probe', params: {} }, 'U1', 'slack');
  await service.start({ verb: 'diagnose', scenario: 'probe', params: {}, incident: incident.id }, 'U1', 'slack');
  const [first, second] = service.incident(incident.id).runs.filter((run) => run.kind === 'diagnosis').map((run) => run.id);
  const recover = (chosenOn?: { diagnosis: string | undefined; clicked: 'button' | 'form' }) =>
    service.start({ verb: 'recover', scenario: 'probe', path: 'a', params: {}, incident: incident.id, ...(chosenOn && { chosenOn }) }, 'U1', 'slack');
  const recoveries = () => service.incident(incident.id).runs.filter((run) => run.kind === 'recovery');
  return { incident: incident.id, first: first!, second: second!, recover, recoveries };
}

describe('a path chosen on a verdict, when its plan is made', () => {
  it("is refused on a button or form of a verdict a newer diagnosis replaced since the click, and nothing is proposed", async () => {
    const { incident, first, second, recover, recoveries } = await diagnosedTwice();
    await expect(recover({ diagnosis: first, clicked: 'button' })).rejects.toThrow(
      `this button is on an older verdict of incident ${incident} (diagnosis ${first} at `,
    );
    await expect(recover({ diagnosis: first, clicked: 'form' })).rejects.toThrow(`diagnosed again since (diagnosis ${second} at `);
    await expect(recover({ diagnosis: undefined, clicked: 'button' })).rejects.toThrow(`has been diagnosed 2 times`);
    expect(recoveries()).toEqual([]);
  });

  it("is proposed on the latest verdict's button, and a typed recover, naming no verdict, is proposed as before", async () => {
    const { second, recover, recoveries } = await diagnosedTwice();
    const { run } = await recover({ diagnosis: second, clicked: 'button' });
    expect(run?.kind).toBe('recovery');
    const typed = await recover();
    expect(typed.run?.id).toBe(run?.id);
    expect(recoveries()).toHaveLength(1);
  });
});
