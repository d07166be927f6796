// Tests which of a rollback's inspect steps run when the rollback is asked for (IncidentService.inspectRollback): one
// bound (onlyIfRan) to a recovery step that never ran is left out, as the rollback's own guards and steps are.
import { expect, it } from 'vitest';
import { useTempDirs } from '../support/fixtures.js';
import { engineOverRunbook } from '../helpers/engine.js';

const tempDir = useTempDirs('rollback-inspect-');

const runbook = `
id: probe
title: A probe
section: 9
summary: one check
symptoms: [something]
parameters:
  plan_id: { type: token, required: false, description: a plan to restore }
diagnosis:
  steps:
    - { id: check, kind: command, title: A check, argv: ["true", "check"] }
  verdicts:
    - { id: found, title: Found, advice: repair it, paths: [a], severity: critical }
recovery:
  - id: a
    title: Change it
    description: changes it
    steps:
      - { id: first, kind: command, title: first change, argv: ["false"], mutates: true }
      - { id: second, kind: command, title: second change, argv: ["true", "second"], mutates: true }
    rollback:
      title: Undo it
      parameters: [plan_id]
      inspect:
        - { id: list_plans, kind: command, title: plans to restore, argv: ["true", "plans"] }
        - { id: first_left, kind: command, title: what the first change left, argv: ["true", "first-left"], onlyIfRan: first }
        - { id: second_left, kind: command, title: what the second change left, argv: ["true", "second-left"], onlyIfRan: second }
      steps:
        - { id: undo_first, kind: command, title: undo the first, argv: ["true", "{{plan_id?}}"], onlyIfRan: first, mutates: true }
validation:
  steps:
    - { id: noop, kind: command, title: noop, argv: ["true", "noop"] }
`;

it('runs the inspect steps bound to no step or to one that ran (or may have: it failed), not one bound to a step that never ran', async () => {
  const service = engineOverRunbook(tempDir(), runbook);
  const { incident } = await service.start({ verb: 'diagnose', scenario: 'probe', params: {} }, 'U1', 'test');
  const { run } = await service.start({ verb: 'recover', scenario: 'probe', path: 'a', params: {}, incident: incident.id }, 'U1', 'test');
  expect(service.approve(run!.id, run!.hash, 'U2').ok).toBe(true);
  await service.executeApproved(run!.id).catch(() => undefined);
  const inspection = await service.inspectRollback(run!.id, 'U1');
  expect(inspection?.steps.map((step) => step.id)).toEqual(['list_plans', 'first_left']);
  expect(inspection?.results.map((result) => [result.stepId, result.status])).toEqual([
    ['list_plans', 'ok'],
    ['first_left', 'ok'],
  ]);
});
