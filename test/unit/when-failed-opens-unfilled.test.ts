// A path's whenFailedOpens whose parameter the incident's diagnosis left without a value (the path typed on a verdict that does not offer it): said with why, no button, as a verdict's opens is.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../support/fixtures.js';
import { engineOverRunbook } from '../helpers/engine.js';

const tempDir = useTempDirs('when-failed-opens-');

// Path a is offered by no verdict, so the load cannot tell how the diagnosis ended when it runs; typed on the healthy
// verdict, after which late (run only when check failed) did not run, its whenFailedOpens finds no exit code there.
const runbook = `
id: probe
title: A probe
section: 9
summary: one check
symptoms: [something]
parameters:
  from: { type: date, required: false, description: first day }
diagnosis:
  parameters: [from]
  steps:
    - { id: check, kind: command, title: First check, argv: ["true", "check"] }
    - { id: late, kind: command, title: Look closer, argv: ["true", "closer"], onlyIf: { step: check, status: failed } }
  verdicts:
    - { id: healthy, title: Healthy, advice: all is well, severity: ok }
recovery:
  - id: a
    title: Do it again
    description: does it again
    whenFailed: "Still failing after {{diagnosis.late.exitCode}}: diagnose it again."
    whenFailedOpens: { scenario: probe, params: { from: "{{diagnosis.late.exitCode}}" } }
    steps:
      - { id: again, kind: command, title: again, argv: ["true", "again"], mutates: true }
validation:
  steps:
    - { id: still, kind: command, title: still failing, argv: ["false", "still"] }
`;

describe("a path's whenFailedOpens naming a value the incident's diagnosis did not set", () => {
  it('is said after the failed validation with why, offering no button, and the whenFailed advice is posted with a marker', async () => {
    const dir = tempDir();
    const service = engineOverRunbook(dir, runbook);
    const { incident } = await service.start({ verb: 'diagnose', scenario: 'probe', params: {} }, 'U1', 'test');
    const { run } = await service.start({ verb: 'recover', scenario: 'probe', path: 'a', params: {}, incident: incident.id }, 'U1', 'test');
    expect(service.approve(run!.id, run!.hash, 'U2').ok).toBe(true);
    // Before: "the runbook refers to {{diagnosis.late.exitCode}}, which has no value here", thrown after the validation failed.
    await service.executeApproved(run!.id);
    const records = fs.readFileSync(path.join(dir, 'var', 'journal.jsonl'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
    const followUps = records.filter((r) => r.type === 'run.follow-up').map((r) => r.data);
    expect(followUps).toEqual([
      expect.objectContaining({
        runId: run!.id,
        advice:
          "Still failing after (no value: the diagnosis' step late did not run): diagnose it again. What this path points to: A probe, not offered: the runbook fills in its parameters from values this incident's diagnosis did not set ({{diagnosis.late.exitCode}} has no value: the diagnosis' step late did not run).",
        offers: [],
      }),
      // The path changes data and has no rollback: said after its failed validation too.
      expect.objectContaining({ runId: run!.id, advice: expect.stringMatching(/^The validation failed, and path A of probe \(Do it again\) has no rollback/) }),
    ]);
  });
});
