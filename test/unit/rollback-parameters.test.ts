// Tests which rollback parameters a rollback asks for (IncidentService.rollbackParameters): those its steps, guards or
// previews read, however the template is spaced, and none for a step left out because what it undoes never ran.
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../support/fixtures.js';
import { engineOverRunbook } from '../helpers/engine.js';

const tempDir = useTempDirs('rollback-parameters-');

const runbook = (firstArgv: string, secondArgv: string) => `
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
      - { id: first, kind: command, title: first change, argv: ${firstArgv}, mutates: true }
      - { id: second, kind: command, title: second change, argv: ${secondArgv}, mutates: true }
      - { id: third, kind: command, title: third change, argv: ["false"], mutates: true }
    rollback:
      title: Undo it
      parameters: [plan_id]
      steps:
        - { id: undo_first, kind: command, title: undo the first, argv: ["true", "undo"], onlyIfRan: first, mutates: true }
        - { id: undo_second, kind: command, title: undo the second, argv: ["true", "{{ plan_id? }}"], onlyIfRan: second, mutates: true }
validation:
  steps:
    - { id: noop, kind: command, title: noop, argv: ["true", "noop"] }
`;

async function failedRecovery(firstArgv: string, secondArgv: string) {
  const service = engineOverRunbook(tempDir(), runbook(firstArgv, secondArgv));
  const { incident } = await service.start({ verb: 'diagnose', scenario: 'probe', params: {} }, 'U1', 'test');
  const { run } = await service.start({ verb: 'recover', scenario: 'probe', path: 'a', params: {}, incident: incident.id }, 'U1', 'test');
  expect(service.approve(run!.id, run!.hash, 'U2').ok).toBe(true);
  await service.executeApproved(run!.id).catch(() => undefined);
  return { service, runId: run!.id };
}

describe('a rollback asks for the parameters what it will run reads', () => {
  it('asks for one a step reads with {{ spaced }} template braces, once that step is in the rollback; none when what it undoes never ran', async () => {
    const ran = await failedRecovery('["true", "first"]', '["true", "second"]');
    expect(ran.service.rollbackParameters(ran.runId)).toEqual(['plan_id']);
    // A command that failed may have done part of its work: what undoes it is in the rollback, and asks for its parameter.
    const failed = await failedRecovery('["true", "first"]', '["false"]');
    expect(failed.service.rollbackParameters(failed.runId)).toEqual(['plan_id']);
    const notRan = await failedRecovery('["false"]', '["true", "second"]');
    expect(notRan.service.rollbackParameters(notRan.runId)).toEqual([]);
  });
});
