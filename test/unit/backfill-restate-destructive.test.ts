// Every restate in backfill.yml is marked the same way: it replaces mart rows SQLMesh cannot put back, so destructive.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledRunbooksDir } from '../../src/config.js';
import { parseRunbook } from '../../src/runbook/load.js';

describe("backfill.yml's restates", () => {
  it('are destructive wherever they run: path A, path B and path A\'s rollback', () => {
    const rb = parseRunbook(fs.readFileSync(path.join(bundledRunbooksDir, 'backfill.yml'), 'utf8'), 'runbooks/backfill.yml');
    const restates = rb.recovery.flatMap((p) =>
      [...p.steps.map((step) => ({ at: `path ${p.id}`, step })), ...(p.rollback?.steps ?? []).map((step) => ({ at: `path ${p.id}'s rollback`, step }))].filter(
        ({ step }) => step.kind === 'command' && JSON.stringify((step as { argv: unknown }).argv).includes('--restate-model'),
      ),
    );
    expect(restates.map(({ at, step }) => `${at}: ${step.id}`)).toEqual(['path a: restate', "path a's rollback: restate_again", 'path b: restate']);
    expect(restates.filter(({ step }) => !step.destructive).map(({ at, step }) => `${at}: ${step.id}`)).toEqual([]);
  });
});
