// The engine's safety net: a diagnosis never lands on the default (healthy) verdict over a check that failed.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scriptsDir, useTempDirs } from '../support/fixtures.js';
import { engineOverRunbook } from '../helpers/engine.js';

const tempDir = useTempDirs('verdict-');

/** A check ending with an exit code: a script, since a runbook's argv may not hide a shell script in sh -c. */
const failing = (code: number) => `argv: [sh, ${JSON.stringify(path.join(scriptsDir, 'exit-with.sh'))}, "${code}"]`;

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
      title: A check that cannot run
      ${failing(3)}
      classify:
        - { exit: 9, status: broken }
  verdicts:
    - id: broken
      title: Broken
      severity: critical
      when: { step: check, status: broken }
      advice: it is broken
    - id: healthy
      title: Healthy
      advice: all is well
      severity: ok
recovery:
  - id: a
    title: Nothing
    description: nothing
    steps:
      - { id: noop, kind: command, title: noop, argv: ["true"] }
validation:
  steps:
    - { id: noop, kind: command, title: noop, argv: ["true"] }
`;

const serviceFor = (text: string) => engineOverRunbook(tempDir(), text);

describe('the default verdict', () => {
  it('is replaced by "not conclusive" when a check failed, naming the check and why', async () => {
    const service = serviceFor(runbook);
    const { incident } = await service.start({ verb: 'diagnose', scenario: 'probe', params: {} }, 'U1', 'test');
    const diagnosis = service.incident(incident.id).diagnosis;
    expect(diagnosis?.verdict).toBe('inconclusive');
    expect(diagnosis?.advice).toContain('A check that cannot run: exit 3');
    expect(diagnosis?.paths).toEqual([]);
  });
});

describe('a status no verdict names', () => {
  it('makes the diagnosis "not conclusive", naming the step and the status, instead of the catch-all', async () => {
    // The check ends "desynced" (a status its kind declares), but the runbook only has a verdict for "broken".
    const service = serviceFor(
      runbook.replace(failing(3), failing(4)).replace(
        '        - { exit: 9, status: broken }\n',
        '        - { exit: 9, status: broken }\n        - { exit: 4, status: desynced }\n',
      ),
    );
    const { incident } = await service.start({ verb: 'diagnose', scenario: 'probe', params: {} }, 'U1', 'test');
    const diagnosis = service.incident(incident.id).diagnosis;
    expect(diagnosis?.verdict).toBe('inconclusive');
    expect(diagnosis?.title).toBe('Not conclusive — A check that cannot run ended "desynced"');
    expect(diagnosis?.advice).toContain('A check that cannot run: exit 4 (ended "desynced")');
    expect(diagnosis?.severity).toBe('warning');
  });

  it('still lands on the catch-all when every step ended ok or skipped', async () => {
    const service = serviceFor(runbook.replace(failing(3), 'argv: ["true"]'));
    const { incident } = await service.start({ verb: 'diagnose', scenario: 'probe', params: {} }, 'U1', 'test');
    expect(service.incident(incident.id).diagnosis?.verdict).toBe('healthy');
  });
});

describe("a verdict's suggestion its parameter refuses", () => {
  it('is left out, and the advice says why, rather than offered as a command that would be refused', async () => {
    const suggesting = runbook
      .replace('symptoms: [something]\n', 'symptoms: [something]\nparameters:\n  day: { type: date, required: false, description: the day }\n')
      .replace('      advice: it is broken\n', '      advice: it is broken\n      paths: [a]\n      suggest: { day: "{{steps.check.summary}}" }\n')
      .replace('    title: Nothing\n    description: nothing\n', '    title: Nothing\n    description: nothing\n    parameters: [day]\n')
      .replace('      - { id: noop, kind: command, title: noop, argv: ["true"] }\nvalidation:', '      - { id: noop, kind: command, title: noop, argv: ["true", "{{day?}}"] }\nvalidation:')
      .replace(failing(3), failing(9));
    const { incident } = await serviceFor(suggesting).start({ verb: 'diagnose', scenario: 'probe', params: {} }, 'U1', 'test');
    const { diagnosis } = incident;
    expect(diagnosis?.verdict).toBe('broken');
    expect(diagnosis?.suggested).toEqual({});
    expect(diagnosis?.advice).toBe('it is broken (The runbook\'s suggestion for day= was left out: day=exit 9 is not a date: use YYYY-MM-DD, e.g. day=2026-04-18.)');
  });
});

describe('a guard whose condition does not hold', () => {
  it('is skipped and passes: the plan is proposed, not refused', async () => {
    const service = serviceFor(
      runbook.replace(
        '    steps:\n      - { id: noop, kind: command, title: noop, argv: ["true"] }\nvalidation:',
        [
          '    guards:',
          '      - { id: first, kind: command, title: First check, argv: ["true"] }',
          '      - { id: only_after_failure, kind: command, title: Only when the first failed, argv: ["false"], onlyIf: { step: first, status: failed } }',
          '    steps:',
          '      - { id: noop, kind: command, title: noop, argv: ["true"] }',
          'validation:',
        ].join('\n'),
      ),
    );
    const { run } = await service.start({ verb: 'recover', scenario: 'probe', path: 'a', params: {} }, 'U1', 'test');
    expect(run?.status).toBe('pending');
    expect(run?.steps.map((s) => s.id)).toEqual(['first', 'only_after_failure', 'noop']);
  });
});

/**
 * Scenario 5 as a tester wrote it: the scan's exit says checks fail, and the results table's query says which. A verdict
 * for the scan alone (offering path A) is given only when the results verdict before it does not hold.
 */
const soda = (resultsExit: number) => `
id: probe
title: A probe
section: 9
summary: two checks
symptoms: [something]
diagnosis:
  steps:
    - { id: scan, kind: command, title: Run the Soda scan, ${failing(2)}, classify: [{ exit: 2, status: checks-failed }], acceptStatuses: [checks-failed] }
    - { id: results, kind: command, title: Failing checks in the results table, ${failing(resultsExit)}, classify: [{ exit: 4, status: failing }] }
  verdicts:
    - { id: checks-failing, title: Soda checks failing, severity: critical, when: { step: results, status: failing }, advice: reload, paths: [a] }
    - { id: scan-failed, title: "soda scan reports failing checks, the results table does not", severity: warning, when: { step: scan, status: checks-failed }, advice: reload, paths: [a] }
    - { id: healthy, title: Healthy, advice: all is well, severity: ok }
recovery:
  - id: a
    title: Reload
    description: reloads
    steps:
      - { id: noop, kind: command, title: noop, argv: ["true"] }
validation:
  steps:
    - { id: noop, kind: command, title: noop, argv: ["true"] }
`;

describe('a verdict offering recovery after one a step that did not see leaves undecided', () => {
  it('is "not conclusive" when the results query failed, naming it and the verdict it could not decide, offering no path', async () => {
    const { incident } = await serviceFor(soda(3)).start({ verb: 'diagnose', scenario: 'probe', params: {} }, 'U1', 'test');
    const diagnosis = incident.diagnosis;
    expect(diagnosis?.verdict).toBe('inconclusive');
    expect(diagnosis?.title).toBe('Not conclusive — Failing checks in the results table ended "failed"');
    expect(diagnosis?.advice).toBe(
      'Failing checks in the results table: exit 3 (ended "failed"), so whether "Soda checks failing" holds could not be told, and "soda scan reports failing checks, the results table does not" is given only when it does not. No recovery is offered on a diagnosis that could not see: fix that and diagnose again.',
    );
    expect(diagnosis?.paths).toEqual([]);
  });

  it('is given when the results query ran and found nothing failing', async () => {
    const { incident } = await serviceFor(soda(0)).start({ verb: 'diagnose', scenario: 'probe', params: {} }, 'U1', 'test');
    expect(incident.diagnosis?.verdict).toBe('scan-failed');
    expect(incident.diagnosis?.paths).toEqual(['a']);
  });

  it('is not reached when the results query found failing checks: that verdict comes first', async () => {
    const { incident } = await serviceFor(soda(4)).start({ verb: 'diagnose', scenario: 'probe', params: {} }, 'U1', 'test');
    expect(incident.diagnosis?.verdict).toBe('checks-failing');
  });
});

/**
 * Scenario 1's order of verdicts: the damaged file's verdict comes after the full disk's and before the audit's, and the
 * verdicts for a scan that did not finish and a disk nearly full come last.
 */
const blownFile = (exits: { scan: number; audit: number; disk: number }) => `
id: probe
title: A probe
section: 9
summary: a file, its disk and its state
symptoms: [something]
diagnosis:
  steps:
    - { id: disk, kind: command, title: Free space, ${failing(exits.disk)}, classify: [{ exit: 5, status: full }, { exit: 6, status: nearly-full }] }
    - { id: scan, kind: command, title: Read every table, ${failing(exits.scan)}, classify: [{ exit: 4, status: damaged }] }
    - { id: audit, kind: command, title: SQLMesh state, ${failing(exits.audit)}, classify: [{ exit: 7, status: desynced }] }
  verdicts:
    - { id: disk-full-file-damaged, title: Disk full and the file damaged, severity: critical, when: { all: [{ step: disk, status: full }, { step: scan, status: damaged }] }, advice: free space }
    - { id: corrupt, title: File corrupt, severity: critical, when: { step: scan, status: damaged }, advice: rebuild, paths: [a] }
    - { id: desynced, title: SQLMesh state out of step, severity: warning, when: { step: audit, status: desynced }, advice: rebuild, paths: [a] }
    - { id: unverified, title: The scan did not finish, severity: warning, when: { step: scan, status: failed }, advice: scan again }
    - { id: disk-nearly-full, title: Disk nearly full, severity: warning, when: { step: disk, status: nearly-full }, advice: free space }
    - { id: healthy, title: Healthy, advice: all is well, severity: ok }
recovery:
  - id: a
    title: Rebuild
    description: rebuilds
    steps:
      - { id: noop, kind: command, title: noop, argv: ["true"] }
validation:
  steps:
    - { id: noop, kind: command, title: noop, argv: ["true"] }
`;

describe('a status only a verdict after the one given names', () => {
  it('leaves the earlier verdict undecided when it says the step could not see: a scan that failed, named only by a later verdict, makes "desynced" not conclusive', async () => {
    const { incident } = await serviceFor(blownFile({ disk: 0, scan: 3, audit: 7 })).start({ verb: 'diagnose', scenario: 'probe', params: {} }, 'U1', 'test');
    const diagnosis = incident.diagnosis;
    expect(diagnosis?.verdict).toBe('inconclusive');
    expect(diagnosis?.title).toBe('Not conclusive — Read every table ended "failed"');
    expect(diagnosis?.advice).toContain('so whether "File corrupt" holds could not be told, and "SQLMesh state out of step" is given only when it does not');
    expect(diagnosis?.paths).toEqual([]);
  });

  it('is an answer when it says what the step saw: a damaged file on a disk nearly full is corrupt, its paths offered', async () => {
    const { incident } = await serviceFor(blownFile({ disk: 6, scan: 4, audit: 0 })).start({ verb: 'diagnose', scenario: 'probe', params: {} }, 'U1', 'test');
    expect(incident.diagnosis?.verdict).toBe('corrupt');
    expect(incident.diagnosis?.paths).toEqual(['a']);
  });
});
