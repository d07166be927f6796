// A restore-rows step whose file an earlier step of the same plan keeps the rows in: proposed and run on a real DuckDB
// file (the file is not there before the plan runs, which is no reason to refuse it), and still looked for as it runs.
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { createDuckdbFile, useTempDirs } from '../support/fixtures.js';
import { engineOverRunbook } from '../helpers/engine.js';
import { escapeRegExp } from '../support/escape-regexp.js';
import type { Run } from '../../src/incidents/state.js';

const tempDir = useTempDirs('restore-kept-in-same-plan-');

/**
 * Path A keeps five rows of `observations` in a file, then puts them from that file into `observations_copy`. `keepOnlyIf`:
 * a condition on its first step, which looks and succeeds, for the keep.
 */
const runbook = (keepOnlyIf = '') => `
id: probe
title: A probe
section: 9
summary: one check
symptoms: [something]
diagnosis:
  steps:
    - { id: check, kind: command, title: A check, argv: ["true", "check"] }
  verdicts:
    - { id: found, title: Found, advice: copy them, paths: [a], severity: critical }
recovery:
  - id: a
    title: Copy the first rows
    description: keeps the first rows in a file, then puts them into the copy
    steps:
      - { id: look, kind: command, title: Look first, argv: ["true", "look"], mutates: true }
      - { id: keep, kind: export-rows, title: Keep the first rows, table: observations, where: "id < 5", to: "var/kept/first-rows.{{now}}.parquet", mutates: true${keepOnlyIf} }
      - { id: put, kind: restore-rows, title: Put them into the copy, table: observations_copy, from: "var/kept/first-rows.{{now}}.parquet", key: id, mutates: true }
validation:
  steps:
    - { id: noop, kind: command, title: noop, argv: ["true", "noop"] }
`;

async function rowsIn(file: string, table: string): Promise<number> {
  const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  try {
    const connection = await instance.connect();
    const rows = (await connection.runAndReadAll(`SELECT count(*) FROM ${table}`)).getRowsJson();
    connection.closeSync();
    return Number(rows[0]?.[0]);
  } finally {
    instance.closeSync();
  }
}

async function checkout(yaml: string) {
  const dir = tempDir();
  const database = path.join(dir, 'data', 'databox.duckdb');
  fs.mkdirSync(path.dirname(database));
  await createDuckdbFile(database, { observations: 10, observations_copy: 0 });
  const service = engineOverRunbook(dir, yaml);
  const { incident } = await service.start({ verb: 'diagnose', scenario: 'probe', params: {} }, 'U1', 'test');
  return { dir, database, service, incident: incident.id };
}

/** The file a plan keeps the rows in and puts them back from: its name holds the time the plan was made ({{now}}). */
function keptBy(run: Run | undefined): string {
  const put = run?.steps.find((step) => step.id === 'put');
  return put?.kind === 'restore-rows' ? put.from : '';
}

describe('a restore-rows step whose file an earlier step of its plan writes', () => {
  it('is proposed though the file is not there yet, and puts back what that step kept', async () => {
    const { dir, database, service, incident } = await checkout(runbook());
    // Before: "refused, nothing was proposed: the step "Put them into the copy": the rows the recovery kept are not at …".
    const { run } = await service.start({ verb: 'recover', scenario: 'probe', path: 'a', params: {}, incident }, 'U1', 'test');
    const kept = keptBy(run);
    expect(path.dirname(kept)).toBe(path.join(dir, 'var', 'kept'));
    expect(fs.existsSync(kept)).toBe(false);
    expect(run?.steps.map((step) => step.id)).toEqual(['look', 'keep', 'put']);
    expect(service.approve(run!.id, run!.hash, 'U2').ok).toBe(true);
    await service.executeApproved(run!.id);
    const done = service.incident(incident).runs.find((r) => r.id === run!.id)!;
    expect(done.status).toBe('succeeded');
    expect(done.results.slice(1).map((r) => [r.stepId, r.status, r.summary])).toEqual([
      ['keep', 'ok', `kept 5 rows in ${kept}, read back exactly`],
      ['put', 'ok', 're-inserted 5 of 5 kept rows into observations_copy; 0 were already there'],
    ]);
    expect(await rowsIn(database, 'observations_copy')).toBe(5);
  });

  it('is still looked for right before that step runs: an earlier step that kept nothing stops it, nothing put in', async () => {
    // The keep skipped (its condition on the check does not hold): no file, and the restore finds none when its turn comes.
    const { database, service, incident } = await checkout(runbook(', onlyIf: { step: look, status: [failed] }'));
    const { run } = await service.start({ verb: 'recover', scenario: 'probe', path: 'a', params: {}, incident }, 'U1', 'test');
    const kept = keptBy(run);
    expect(service.approve(run!.id, run!.hash, 'U2').ok).toBe(true);
    await service.executeApproved(run!.id).catch(() => undefined);
    const done = service.incident(incident).runs.find((r) => r.id === run!.id)!;
    expect(done.results.slice(1).map((r) => [r.stepId, r.status, r.summary])).toEqual([
      ['keep', 'skipped', 'runs only when step 1 (look) is failed; it was ok'],
      ['put', 'failed', `the kept rows are not at ${kept}`],
    ]);
    expect(done.status).toBe('failed');
    expect(await rowsIn(database, 'observations_copy')).toBe(0);
  });

  it('is proposed by a recover command that opens its incident, the keeping step bound to a preview (resolved only then)', async () => {
    const previewed = runbook()
      .replace('    steps:\n      - { id: look', '    previews:\n      - { id: first, title: Rows kept, sql: "SELECT count(*) FROM observations WHERE id < 5" }\n    steps:\n      - { id: look')
      .replace('.parquet", mutates: true', '.parquet", expectRows: "{{previews.first}}", mutates: true');
    const { service } = await checkout(previewed);
    // No incident named: the steps are checked before one is opened, the keep left out there (it needs the preview).
    const { run } = await service.start({ verb: 'recover', scenario: 'probe', path: 'a', params: {} }, 'U1', 'test');
    expect(run?.steps.map((step) => step.id)).toEqual(['look', 'keep', 'put']);
  });

  it('is refused before it is proposed when no earlier step writes it and it is not there', async () => {
    const { dir, service, incident } = await checkout(runbook().replace('to: "var/kept/first-rows.', 'to: "var/kept/other-rows.'));
    const kept = `${escapeRegExp(path.join(dir, 'var', 'kept', 'first-rows.'))}\\d{8}T\\d{6}Z\\.parquet`;
    await expect(service.start({ verb: 'recover', scenario: 'probe', path: 'a', params: {}, incident }, 'U1', 'test')).rejects.toThrow(
      new RegExp(`refused, nothing was proposed: the step "Put them into the copy": the rows the recovery kept are not at ${kept} \\(moved or deleted\\): put the file back there to roll back`),
    );
  });
});
