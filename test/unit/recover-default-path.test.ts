// A typed recover with no path= proposes the one path the incident's verdict offered (or the runbook's only one); otherwise it asks which.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { againstDiagnosis, windowLeftOut } from '../../src/incidents/against-diagnosis.js';
import type { Incident } from '../../src/incidents/state.js';
import type { RecoveryPath } from '../../src/runbook/schema.js';
import { scriptsDir, useTempDirs } from '../support/fixtures.js';
import { engineOverRunbook } from '../helpers/engine.js';

const tempDir = useTempDirs('default-path-');

/** Two paths, as scenario 4 has; the check's exit code picks the verdict: 4 offers path B alone, 5 both, 0 none. */
const runbook = (exit: number) => `
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
      argv: [sh, ${JSON.stringify(path.join(scriptsDir, 'exit-with.sh'))}, "${exit}"]
      classify:
        - { exit: 4, status: paused }
        - { exit: 5, status: either }
  verdicts:
    - id: paused
      title: Schedules paused
      severity: critical
      when: { step: check, status: paused }
      advice: start them
      paths: [b]
    - id: either
      title: Either will do
      severity: critical
      when: { step: check, status: either }
      advice: pick one
      paths: [a, b]
    - id: healthy
      title: Healthy
      advice: all is well
      severity: ok
recovery:
  - id: a
    title: Start the daemon
    description: first path
    steps:
      - { id: noop, kind: command, title: noop, argv: ["true"] }
  - id: b
    title: Start the schedules
    description: second path
    steps:
      - { id: noop, kind: command, title: noop, argv: ["true"] }
validation:
  steps:
    - { id: noop, kind: command, title: noop, argv: ["true"] }
`;

const serviceFor = (text: string) => engineOverRunbook(tempDir(), text);

/** A diagnosed incident, then a recover typed against it with no path=. */
async function recoverWithoutPath(exit: number) {
  const service = serviceFor(runbook(exit));
  const { incident } = await service.start({ verb: 'diagnose', scenario: 'probe', params: {} }, 'U1', 'test');
  const before = service.incident(incident.id).runs.length;
  const started = service.start({ verb: 'recover', scenario: 'probe', params: {}, incident: incident.id }, 'U1', 'test');
  return { service, incident, before, started };
}

describe('a typed recover with no path=', () => {
  it('proposes the one path the verdict offered, even when it is not the first', async () => {
    const { started } = await recoverWithoutPath(4);
    const { run } = await started;
    expect(run).toMatchObject({ pathId: 'b', status: 'pending', title: 'Path B: Start the schedules' });
    expect(run?.againstDiagnosis).toBeUndefined();
  });

  it('asks which path when the verdict offered several, naming them and how to type one; nothing is proposed', async () => {
    const { service, incident, before, started } = await recoverWithoutPath(5);
    await expect(started).rejects.toThrow(
      `which recovery path of probe? the diagnosis of incident ${incident.id} (verdict "Either will do") offered path A and path B: add path=a (Start the daemon) or path=b (Start the schedules) to the command; nothing was proposed`,
    );
    expect(service.incident(incident.id).runs).toHaveLength(before);
  });

  it('lists only the paths the verdict offered, not one it never pointed at', async () => {
    const threePaths = runbook(5).replace('validation:', `  - id: w\n    title: Move the damaged log aside\n    description: third path\n    steps:\n      - { id: noop, kind: command, title: noop, argv: ["true"] }\nvalidation:`);
    const service = serviceFor(threePaths);
    const { incident } = await service.start({ verb: 'diagnose', scenario: 'probe', params: {} }, 'U1', 'test');
    const refused = service.start({ verb: 'recover', scenario: 'probe', params: {}, incident: incident.id }, 'U1', 'test');
    await expect(refused).rejects.toThrow('offered path A and path B: add path=a (Start the daemon) or path=b (Start the schedules) to the command; nothing was proposed');
  });

  it('asks which path when the verdict offered none', async () => {
    const { service, incident, before, started } = await recoverWithoutPath(0);
    await expect(started).rejects.toThrow(
      `(verdict "Healthy") offered no recovery (its advice says what to do first; a path typed anyway is checked by its guards before anything runs): add path=a (Start the daemon) or path=b (Start the schedules) to the command`,
    );
    expect(service.incident(incident.id).runs).toHaveLength(before);
  });

  it('asks which path with no incident to go by; a path typed is still proposed against the verdict', async () => {
    const service = serviceFor(runbook(4));
    await expect(service.start({ verb: 'recover', scenario: 'probe', params: {} }, 'U1', 'test')).rejects.toThrow(
      'which recovery path of probe? no incident=<id> was given whose diagnosis could choose one: add path=a',
    );
    expect(service.state.incidents.size).toBe(0);
    const { incident } = await service.start({ verb: 'diagnose', scenario: 'probe', params: {} }, 'U1', 'test');
    const { run } = await service.start({ verb: 'recover', scenario: 'probe', path: 'a', params: {}, incident: incident.id }, 'U1', 'test');
    expect(run).toMatchObject({ pathId: 'a', againstDiagnosis: expect.stringContaining('offered path B, not path A') });
  });

  it('never takes or lists a cleanup path: a recover with no path= means a recovery', async () => {
    const cleanup = `  - id: c\n    title: Let go what the incident left\n    description: a cleanup\n    needsIncident: true\n    cleanup: true\n    steps:\n      - { id: noop, kind: command, title: noop, argv: ["true"] }\nvalidation:`;
    const service = serviceFor(runbook(0).replace('validation:', cleanup));
    await expect(service.start({ verb: 'recover', scenario: 'probe', params: {} }, 'U1', 'test')).rejects.toThrow(
      'no incident=<id> was given whose diagnosis could choose one: add path=a (Start the daemon) or path=b (Start the schedules) to the command; nothing was proposed',
    );
    const onePath = runbook(0).replace(/ {2}- id: b\n[\s\S]*?(?=validation:)/, '').replace('paths: [a, b]', 'paths: [a]').replace('paths: [b]', 'paths: [a]').replace('validation:', cleanup);
    const { run } = await serviceFor(onePath).start({ verb: 'recover', scenario: 'probe', params: {} }, 'U1', 'test');
    expect(run?.pathId).toBe('a');
  });

  it('takes the runbook\'s only path whatever the verdict, or with no incident at all', async () => {
    const onePath = runbook(0).replace(/ {2}- id: b\n[\s\S]*?(?=validation:)/, '').replace('paths: [a, b]', 'paths: [a]').replace('paths: [b]', 'paths: [a]');
    const service = serviceFor(onePath);
    const { run } = await service.start({ verb: 'recover', scenario: 'probe', params: {} }, 'U1', 'test');
    expect(run?.pathId).toBe('a');
  });
});

/** One source parameter, diagnosed and recovered; the verdict offers path A. */
const withSource = `
id: probe
title: A source
section: 9
summary: one check of one source
symptoms: [something]
parameters:
  source: { type: token, required: true, description: the source }
diagnosis:
  parameters: [source]
  steps:
    - { id: check, kind: command, title: A check, argv: ["true"] }
  verdicts:
    - id: found
      title: Found
      severity: critical
      advice: repair it
      paths: [a]
recovery:
  - id: a
    title: Repair the source
    description: the one path
    parameters: [source]
    steps:
      - { id: noop, kind: command, title: noop, argv: ["true", "{{source}}"] }
validation:
  steps:
    - { id: noop, kind: command, title: noop, argv: ["true"] }
`;

describe('a plan that does not follow from a diagnosis', () => {
  it('says so when there is no diagnosis at all', async () => {
    const service = serviceFor(withSource);
    const { run } = await service.start({ verb: 'recover', scenario: 'probe', path: 'a', params: { source: 'ebird' } }, 'U1', 'test');
    expect(run?.againstDiagnosis).toBe('No diagnosis: this plan was typed without one, so nobody has looked at the database first. Read its steps and what they will change before approving.');
  });

  it('says so when it is for a parameter other than the one the diagnosis looked at, and not when it is the same', async () => {
    const service = serviceFor(withSource);
    const { incident } = await service.start({ verb: 'diagnose', scenario: 'probe', params: { source: 'ebird' } }, 'U1', 'test');
    const { run: other } = await service.start({ verb: 'recover', scenario: 'probe', path: 'a', params: { source: 'noaa' }, incident: incident.id }, 'U1', 'test');
    expect(other?.againstDiagnosis).toBe("The diagnosis looked at source=ebird; this plan is for source=noaa, which it did not look at. Read the diagnosis' evidence before approving.");
    const { run: same } = await service.start({ verb: 'recover', scenario: 'probe', path: 'a', params: { source: 'ebird' }, incident: incident.id }, 'U1', 'test');
    expect(same?.againstDiagnosis).toBeUndefined();
  });
});

describe('a window within what the diagnosis found', () => {
  // Typed from 1 November to 5 December, the diagnosis found two runs of bad days: 22–24 and 1 December, normal days between.
  const incident = {
    diagnosis: { runId: 'dbx-20261202-0b0b/1', title: 'Bad window in raw', paths: ['a'], params: { source: 'ebird', from: '2026-11-01', to: '2026-12-05' }, suggested: { from: '2026-11-22', to: '2026-12-01' } },
    runs: [{ id: 'dbx-20261202-0b0b/1', results: [{ stepId: 'raw_counts', status: 'anomalies', outputs: { badDays: ['2026-11-22', '2026-11-23', '2026-11-24', '2026-12-01'] } }] }],
  } as unknown as Incident;
  const recovery = { id: 'a', parameters: ['source', 'from', 'to'] } as unknown as RecoveryPath;
  const windows = [{ from: 'from', to: 'to' }];

  it.each([
    ['the first run of bad days on its own, as the advice says', '2026-11-22', '2026-11-24'],
    ['the last day on its own', '2026-12-01', '2026-12-01'],
    ['the whole window found', '2026-11-22', '2026-12-01'],
  ])('follows it: %s', (_what, from, to) => {
    expect(againstDiagnosis(incident, recovery, { source: 'ebird', from, to }, windows)).toBeUndefined();
  });

  it.each([
    ['the first run of bad days on its own', '2026-11-22', '2026-11-24', 'bad day 2026-12-01: this plan does not recover it'],
    ['the last day on its own', '2026-12-01', '2026-12-01', 'bad days 2026-11-22, 2026-11-23, 2026-11-24: this plan does not recover them'],
  ])('says what a window that follows it leaves out: %s', (_what, from, to, left) => {
    expect(windowLeftOut(incident, recovery, { source: 'ebird', from, to }, windows)).toBe(
      `The diagnosis found from=2026-11-22 to=2026-12-01 (bad days 2026-11-22, 2026-11-23, 2026-11-24, 2026-12-01); this plan is for from=${from} to=${to}, which leaves out ${left} (propose another plan for ${left.endsWith('it') ? 'it' : 'them'} once this one has run).`,
    );
  });

  it('says nothing left out of a plan for the whole window found, nor of one that goes against it (its warning says more)', () => {
    expect(windowLeftOut(incident, recovery, { source: 'ebird', from: '2026-11-22', to: '2026-12-01' }, windows)).toBeUndefined();
    expect(windowLeftOut(incident, recovery, { source: 'ebird', from: '2026-11-20', to: '2026-11-24' }, windows)).toBeUndefined();
  });

  it('names the part of a found window a narrower plan leaves out where no bad day was counted (scenario 4: missed days)', () => {
    const missed = {
      diagnosis: { runId: 'dbx-20261204-0d0d/1', title: 'Schedules paused', paths: ['a', 'b'], params: {}, suggested: { from: '2026-12-01', to: '2026-12-03' } },
      runs: [{ id: 'dbx-20261204-0d0d/1', results: [] }],
    } as unknown as Incident;
    const backfill = { id: 'a', parameters: ['from', 'to'] } as unknown as RecoveryPath;
    expect(windowLeftOut(missed, backfill, { from: '2026-12-01', to: '2026-12-02' }, windows)).toBe(
      'The diagnosis found from=2026-12-01 to=2026-12-03; this plan is for from=2026-12-01 to=2026-12-02, which leaves out 2026-12-03 of the window 2026-12-01 … 2026-12-03: this plan does not recover it (propose another plan for it once this one has run).',
    );
  });

  it.each([
    ['reaching before what it found, though within what it was typed with', '2026-11-20', '2026-11-24'],
    ['of normal days only, between the runs', '2026-11-25', '2026-11-30'],
    ['of normal days only, at the start of what it was typed with', '2026-11-01', '2026-11-05'],
    ['reaching past it', '2026-11-30', '2026-12-02'],
    // Each end is one the diagnosis had (typed, found): together they take normal days.
    ['from its typed start to its found end', '2026-11-01', '2026-12-01'],
    // Typed back whole, the window it looked at takes every normal day around what it found.
    ['of the whole window it was typed with', '2026-11-01', '2026-12-05'],
  ])('warns of a window %s, naming what it found', (_what, from, to) => {
    expect(againstDiagnosis(incident, recovery, { source: 'ebird', from, to }, windows)).toBe(
      `The diagnosis found from=2026-11-22 to=2026-12-01 (bad days 2026-11-22, 2026-11-23, 2026-11-24, 2026-12-01); this plan is for from=${from} to=${to}, which takes days it did not find bad. Read the diagnosis' evidence before approving.`,
    );
  });
});

describe('a window typed where the diagnosis found none', () => {
  // Dagster's CLI gives no tick times: the verdict could not size the window, and offered a path that needs one.
  const incident = {
    diagnosis: { runId: 'dbx-20261203-0c0c/1', title: 'Dagster daemon stopped', paths: ['b'], params: {}, suggested: {} },
    runs: [{ id: 'dbx-20261203-0c0c/1', results: [] }],
  } as unknown as Incident;
  const recovery = { id: 'a', parameters: ['from', 'to'] } as unknown as RecoveryPath;

  it('says it found no window, not that it found the days healthy', () => {
    expect(againstDiagnosis(incident, recovery, { from: '2026-11-30', to: '2026-12-02' }, [{ from: 'from', to: 'to' }])).toBe(
      'The diagnosis of this incident (verdict "Dagster daemon stopped") offered path B, not path A: this plan was typed against it. ' +
        "The diagnosis found no window to recover (its verdict says why); this plan is for from=2026-11-30 to=2026-12-02, which it did not find bad. Read the diagnosis' evidence before approving.",
    );
  });
});
