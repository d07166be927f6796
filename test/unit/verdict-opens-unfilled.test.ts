// A verdict's opens whose parameter the diagnosis left without a value: said with why, no button that would open the other diagnosis on something else.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scriptsDir, useTempDirs } from '../support/fixtures.js';
import { engineOverRunbook } from '../helpers/engine.js';

const tempDir = useTempDirs('verdict-opens-');

const exitWith = (code: number) => `argv: [sh, ${JSON.stringify(path.join(scriptsDir, 'exit-with.sh'))}, "${code}"]`;
const classify = (prefix: string) => `classify: [${[1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => `{ exit: ${n}, status: ${prefix}${n} }`).join(', ')}]`;
const every = (prefix: string, skipped = false) => `[ok, failed, timeout, interrupted, ${skipped ? 'skipped, ' : ''}${[1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => `${prefix}${n}`).join(', ')}]`;

// Its condition spelled out over every way three steps may end: more cases than the load spreads (512), so the load
// cannot tell that b, run only on a's ok, did not run when a ended a3; the run finds it.
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
    - { id: a, kind: command, title: First check, ${exitWith(3)}, ${classify('a')} }
    - { id: b, kind: command, title: Second check, ${exitWith(0)}, ${classify('b')}, onlyIf: { step: a, status: ok } }
    - { id: c, kind: command, title: Third check, ${exitWith(0)}, ${classify('c')} }
  verdicts:
    - id: points-on
      title: Look at it from the day b found
      severity: warning
      when: { all: [{ step: a, status: ${every('a')} }, { step: b, status: ${every('b', true)} }, { step: c, status: ${every('c')} }] }
      advice: see below
      opens: { scenario: probe, params: { from: "{{steps.b.exitCode}}" } }
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

describe("a verdict's opens naming a value its diagnosis did not set", () => {
  it('is said under the verdict with why, offering no button, and the verdict stands', async () => {
    const dir = tempDir();
    const service = engineOverRunbook(dir, runbook);
    const { incident } = await service.start({ verb: 'diagnose', scenario: 'probe', params: {} }, 'U1', 'test');
    // Before: "the runbook refers to {{steps.b.exitCode}}, which has no value here", thrown after the verdict was posted.
    expect(service.incident(incident.id).diagnosis?.verdict).toBe('points-on');
    const records = fs.readFileSync(path.join(dir, 'var', 'journal.jsonl'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
    const followUps = records.filter((r) => r.type === 'run.follow-up').map((r) => r.data);
    expect(followUps).toEqual([
      expect.objectContaining({
        advice: 'What this verdict points to: A probe, not offered: the runbook fills in its parameters from values this diagnosis did not set ({{steps.b.exitCode}} has no value: step b did not run).',
        offers: [],
      }),
    ]);
  });
});
