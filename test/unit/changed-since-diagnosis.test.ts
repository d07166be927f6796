// A plan is made on what a diagnosis saw: once a recovery has changed the database since, another is refused until the
// incident is diagnosed again; a clone made beside the database, or clones dropped, leave what it saw as it was.
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../support/fixtures.js';
import { engineOverRunbook } from '../helpers/engine.js';

const tempDir = useTempDirs('changed-since-');

/** Path A clones (a swap, path S, continues it), path B changes the database in place, path C drops clones; the validation fails. */
const runbook = `
id: probe
title: A probe
section: 9
summary: one check
symptoms: [something]
diagnosis:
  steps:
    - { id: check, kind: command, title: A check, argv: ["true", "check"] }
  verdicts:
    - { id: found, title: Found, advice: repair it, paths: [a, b], severity: critical }
recovery:
  - id: a
    title: Clone it
    description: a clone beside the database
    steps:
      - { id: clone, kind: command, title: clone, argv: ["true"], mutates: true }
    continueWith: s
  - id: s
    title: Swap the clone in
    description: the swap
    needsIncident: true
    steps:
      - { id: swap, kind: command, title: swap, argv: ["true"], mutates: true }
  - id: b
    title: Change it in place
    description: in place
    steps:
      - { id: change, kind: command, title: change, argv: ["true"], mutates: true }
  - id: c
    title: Drop the clones
    description: cleanup
    cleanup: true
    needsIncident: true
    steps:
      - { id: drop, kind: command, title: drop, argv: ["true"], mutates: true }
validation:
  steps:
    - { id: noop, kind: command, title: noop, argv: ["false", "noop"] }
`;

/** The same, its validation passing: a recovery then leaves the incident recovered. */
const validatingRunbook = runbook.replace('argv: ["false", "noop"]', 'argv: ["true", "noop"]');

async function diagnosedAndRan(pathId: string, text = runbook) {
  const service = engineOverRunbook(tempDir(), text);
  const { incident } = await service.start({ verb: 'diagnose', scenario: 'probe', params: {} }, 'U1', 'test');
  const { run } = await service.start({ verb: 'recover', scenario: 'probe', path: pathId, params: {}, incident: incident.id }, 'U1', 'test');
  expect(service.approve(run!.id, run!.hash, 'U2').ok).toBe(true);
  await service.executeApproved(run!.id);
  return { service, incident };
}

describe('a plan on a diagnosis its database has changed since', () => {
  it('is refused after a change in place, naming the plan and the command that diagnoses again', async () => {
    const { service, incident } = await diagnosedAndRan('b');
    await expect(service.start({ verb: 'recover', scenario: 'probe', path: 'b', params: {}, incident: incident.id }, 'U1', 'test')).rejects.toThrow(
      new RegExp(`has changed since this incident's diagnosis: plan ${incident.id}/2 \\(Path B: Change it in place\\) ran at \\d\\d:\\d\\d UTC\\. .*\\(\`/databox diagnose probe incident=${incident.id}\`\\)`),
    );
    // Diagnosed again, it is proposed.
    await service.start({ verb: 'diagnose', scenario: 'probe', params: {}, incident: incident.id }, 'U1', 'test');
    const { run } = await service.start({ verb: 'recover', scenario: 'probe', path: 'b', params: {}, incident: incident.id }, 'U1', 'test');
    expect(run?.status).toBe('pending');
  });

  it('says the incident is recovered, not changed since, once the validation after its recovery passed', async () => {
    const { service, incident } = await diagnosedAndRan('b', validatingRunbook);
    await expect(service.start({ verb: 'recover', scenario: 'probe', path: 'b', params: {}, incident: incident.id }, 'U1', 'test')).rejects.toThrow(
      new RegExp(`^This incident is recovered: plan ${incident.id}/2 \\(Path B: Change it in place\\) ran, and its validation passed at \\d\\d:\\d\\d UTC\\. Nothing is needed unless the problem is back: then diagnose again \\(\`/databox diagnose probe incident=${incident.id}\`\\)`),
    );
  });

  it('is not refused after a clone made beside the database (a path a swap continues)', async () => {
    const { service, incident } = await diagnosedAndRan('a');
    const { run } = await service.start({ verb: 'recover', scenario: 'probe', path: 'b', params: {}, incident: incident.id }, 'U1', 'test');
    expect(run).toMatchObject({ pathId: 'b', status: 'pending' });
  });

  it('is refused on an incident with no diagnosis once its first plan, typed blind, has changed the database', async () => {
    const service = engineOverRunbook(tempDir(), runbook);
    const { incident, run } = await service.start({ verb: 'recover', scenario: 'probe', path: 'b', params: {} }, 'U1', 'test');
    expect(service.approve(run!.id, run!.hash, 'U2').ok).toBe(true);
    await service.executeApproved(run!.id);
    await expect(service.start({ verb: 'recover', scenario: 'probe', path: 'b', params: {}, incident: incident.id }, 'U1', 'test')).rejects.toThrow(
      /has changed since this incident's first plan was typed \(with no diagnosis\): plan .*\/1 \(Path B: Change it in place\)/,
    );
  });
});
