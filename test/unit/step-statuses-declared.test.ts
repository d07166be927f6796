// Tests that each step kind declares the statuses its run can return, as read from the code: those the step helpers it
// calls return (withStepDatabase ends a step "unreachable" when MotherDuck cannot be reached), and those its own module
// returns (where its statuses depend on the step, by some step of that kind in runbooks/).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineStatuses } from '../../src/engine/execute-steps.js';
import { forStep } from '../../src/engine/steps/define-step-kind.js';
import { stepKinds, type AnyStepKind } from '../../src/engine/steps/index.js';
import { stepsAt } from '../../src/runbook/every-step.js';
import { loadRunbooks } from '../../src/runbook/load.js';
import type { Step } from '../../src/runbook/schema.js';
import { projectRoot } from '../support/fixtures.js';

const stepsDir = path.join(projectRoot, 'src', 'engine', 'steps');
const isKindModule = (file: string) => file.endsWith('-step.ts');

/** The modules of src/engine/steps a module imports values from (not types alone). */
function valueImports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/^import (?!type )[^;]*? from '(\.[^']+)';/gms)]
    .map((m) => path.join(path.dirname(file), (m[1] as string).replace(/\.js$/, '.ts')))
    .filter((imported) => path.dirname(imported) === stepsDir);
}

/**
 * The statuses a module's results are given as written: the quoted names on a `status:` line, not those compared with
 * (=== 'skip') nor a type's index (ScanResult['status']).
 */
function statusesWritten(file: string): string[] {
  const lines = [...fs.readFileSync(file, 'utf8').matchAll(/\bstatus: ([^,}\n]+)/g)].map((m) => m[1] as string);
  const named = lines.flatMap((line) => [...line.matchAll(/(?<![=!]== |\[)'([a-z][a-z0-9-]*)'/g)].map((m) => m[1] as string));
  return [...new Set(named)].filter((status) => !(engineStatuses as readonly string[]).includes(status));
}

/** The helper modules (no kind's own) a kind's module calls, directly or through another helper. */
function helpersOf(kindFile: string): string[] {
  const seen = new Set<string>();
  const todo = valueImports(kindFile).filter((file) => !isKindModule(file));
  while (todo.length > 0) {
    const file = todo.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    todo.push(...valueImports(file).filter((imported) => !isKindModule(imported)));
  }
  return [...seen];
}

const shipped = [...loadRunbooks(path.join(projectRoot, 'runbooks')).values()].flatMap((rb) => stepsAt(rb).map(([, step]) => step));

describe('every status a step kind can return is among those it declares', () => {
  it('reads the statuses the shared database helper gives: a target that cannot be reached is "unreachable"', () => {
    expect(statusesWritten(path.join(stepsDir, 'step-database.ts'))).toContain('unreachable');
  });

  it.each(stepKinds.map((kind) => ({ kind: kind.kind, definition: kind as AnyStepKind })))('$kind', ({ kind, definition }) => {
    const kindFile = path.join(stepsDir, `${kind}-step.ts`);
    expect(fs.existsSync(kindFile), `${kind}'s module is src/engine/steps/${kind}-step.ts`).toBe(true);
    const fixed = typeof definition.statuses !== 'function';
    const steps: Step[] = shipped.filter((step) => step.kind === kind);
    // A kind whose statuses depend on the step is read for the steps the runbooks have of it.
    if (!fixed) expect(steps.length, `no step of kind ${kind} in runbooks/ to read its statuses for`).toBeGreaterThan(0);
    const returned = new Map<string, string>();
    for (const helper of helpersOf(kindFile)) for (const status of statusesWritten(helper)) returned.set(status, path.basename(helper));
    if (fixed) for (const status of statusesWritten(kindFile)) returned.set(status, path.basename(kindFile));
    for (const step of fixed ? [undefined] : steps) {
      const declared: readonly string[] = forStep(definition.statuses, step);
      for (const [status, where] of returned) expect(declared, `${kind}${step ? ` step "${step.id}"` : ''}: "${status}", returned in ${where}`).toContain(status);
    }
    // Its own statuses that depend on the step (disk-usage's no-room, with roomFor) are each declared for some step.
    if (!fixed) {
      const declaredForSome = new Set(steps.flatMap((step) => forStep(definition.statuses, step) as readonly string[]));
      for (const status of statusesWritten(kindFile)) expect([...declaredForSome], `${kind}: "${status}", returned in ${kind}-step.ts`).toContain(status);
    }
  });
});
