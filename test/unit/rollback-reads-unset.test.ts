// Tests what a rollback does with the recovery steps its parts are bound to (onlyIfRan): a guard bound to a step that never
// ran is left out, one bound to a step the run does not have (renamed since) refuses the rollback, and so does a part
// that reads an output its step ran without setting, saying so, before anything is proposed.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../support/fixtures.js';
import { engineOverRunbook, openEngine } from '../helpers/engine.js';

const tempDir = useTempDirs('rollback-reads-unset-');

/**
 * A probe whose path A starts a daemon (`startArgv`, started detached) and then fails at `load`; its rollback stops the
 * daemon (`stopArgv`, which may read what the recovery's steps said).
 */
const runbook = (startArgv: string, stopArgv = '["true", "stop"]', load = '{ id: load, kind: command, title: load what it missed, argv: ["false"], mutates: true }') => `
id: probe
title: A probe
section: 9
summary: one check
symptoms: [something]
diagnosis:
  steps:
    - { id: check, kind: command, title: A check, argv: ["true", "check"] }
  verdicts:
    - { id: found, title: Found, advice: repair it, paths: [a], severity: critical }
recovery:
  - id: a
    title: Start it again
    description: starts the daemon again
    steps:
      - { id: start, kind: command, title: start the daemon, argv: ${startArgv}, detach: true, settle: 1s, mutates: true }
      - ${load}
      - { id: publish, kind: command, title: publish, argv: ["true", "publish"], mutates: true }
    rollback:
      title: Stop it
      guards:
        # Would refuse every rollback: it is in one only after publish ran, which it never does here.
        - { id: published, kind: command, title: the publication is there, argv: ["false", "published"], onlyIfRan: publish }
      steps:
        - { id: stop, kind: command, title: stop the daemon, argv: ${stopArgv}, onlyIfRan: start, mutates: true }
validation:
  steps:
    - { id: noop, kind: command, title: noop, argv: ["true", "noop"] }
`;

async function failedRecovery(startArgv: string, dir = tempDir(), yaml = runbook(startArgv)) {
  const service = engineOverRunbook(dir, yaml);
  const { incident } = await service.start({ verb: 'diagnose', scenario: 'probe', params: {} }, 'U1', 'test');
  const { run } = await service.start({ verb: 'recover', scenario: 'probe', path: 'a', params: {}, incident: incident.id }, 'U1', 'test');
  expect(service.approve(run!.id, run!.hash, 'U2').ok).toBe(true);
  await service.executeApproved(run!.id).catch(() => undefined);
  return { service, runId: run!.id };
}

describe('a rollback bound to the steps that ran', () => {
  it('leaves out a guard bound to a step that never ran, as it leaves out such a step', async () => {
    // A daemon that stays up for its settle: started, PID known.
    const { service, runId } = await failedRecovery('["sleep", "5"]');
    const rollback = await service.proposeRollback(runId, 'U1');
    expect(rollback.steps.map((step) => step.id)).toEqual(['stop']);
  });

  it('is refused when a guard is bound to a step the recovery run does not have (renamed since), as a step so bound is', async () => {
    const dir = tempDir();
    const { runId } = await failedRecovery('["sleep", "5"]', dir);
    // publish renamed in the runbook since the recovery ran: its guard would be left out, as if publish had not run.
    fs.writeFileSync(path.join(dir, 'runbooks', 'probe.yml'), runbook('["sleep", "5"]').replaceAll('publish', 'publish_all'));
    const { service } = openEngine(dir, path.join(dir, 'var'), undefined, {}, path.join(dir, 'runbooks'));
    await expect(service.proposeRollback(runId, 'U1')).rejects.toThrow(
      `path A of the probe runbook has changed since ${runId} ran: its rollback expects a step "publish_all", which that run does not have (its steps: start, load, publish), so the rollback would leave out what undoes it.`,
    );
  });

  it('is refused, naming the step and what it did not set, when a step it reads ran but stopped the recovery without saying what it did', async () => {
    // The load refuses a part reading what its own step (onlyIfRan) may leave unset; another step read, which stops the
    // recovery when it fails, may have timed out part-way with no exit code: only the run can tell.
    const load = '{ id: load, kind: command, title: load what it missed, argv: ["sleep", "5"], timeout: 1s, mutates: true }';
    const yaml = runbook('["sleep", "5"]', '["true", "stop", "{{recovery.load.exitCode}}"]', load);
    const { service, runId } = await failedRecovery('["sleep", "5"]', tempDir(), yaml);
    await expect(service.proposeRollback(runId, 'U1')).rejects.toThrow(
      new RegExp(`^${runId} cannot be rolled back by the bot: its step "stop" reads \\{\\{recovery\\.load\\.exitCode\\}\\}, but recovery step "load" ended timeout without setting exitCode \\(.*\\), so the rollback cannot know what to undo there\\. Nothing was proposed`),
    );
  });
});
