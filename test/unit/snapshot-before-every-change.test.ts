// On MotherDuck the engine takes its named snapshot before every step that changes the database, a plain INSERT too, so
// every approved change can be gone back on; against the MotherDuck stand-in, through the engine, with a rollback.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { localTarget } from '../../src/database/local-target.js';
import { describeStep } from '../../src/engine/describe.js';
import { resolveSteps } from '../../src/engine/resolve.js';
import { IncidentService } from '../../src/incidents/service.js';
import { IncidentState } from '../../src/incidents/state.js';
import { Journal } from '../../src/journal/journal.js';
import { createLogger } from '../../src/logger.js';
import { runCommand } from '../../src/process/run-command.js';
import { loadRunbooks } from '../../src/runbook/load.js';
import { step as stepSchema } from '../../src/runbook/schema.js';
import { MotherDuckStandIn } from '../helpers/motherduck-stand-in.js';
import { quietReporter } from '../helpers/quiet-reporter.js';
import { useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('snapshot-every-change-');
const now = new Date('2026-04-21T09:00:00Z');

/** A MotherDuck runbook whose one recovery only adds rows (not destructive); its rollback restores the engine's snapshot taken before them. */
const additions = `
id: additions
title: Rows missing on MotherDuck
section: 9
summary: rows are missing from a mart
symptoms: [rows missing]
lockKey: "{{targets.motherduck.lock}}"
diagnosis:
  steps:
    - { id: count, kind: sql, title: Count the rows, target: motherduck, sql: "SELECT count(*) FROM analytics.daily" }
  verdicts:
    - { id: short, title: Rows missing, advice: add them, paths: [a], severity: critical }
recovery:
  - id: a
    title: Add the missing rows
    description: inserts them
    steps:
      - id: add_rows
        kind: sql
        title: Add the missing rows
        target: motherduck
        sql: INSERT INTO analytics.daily SELECT range + 1000 FROM range(5)
        mutates: true
    rollback:
      title: Take the added rows back out
      steps:
        - id: undo_add
          kind: sql
          title: Put the database back as it was right before the rows were added
          target: motherduck
          sql: >-
            ALTER DATABASE {{targets.motherduck.database | database}}
            SET SNAPSHOT TO (SNAPSHOT_NAME {{recovery.add_rows_snapshot.snapshot | snapshot-name}})
          mutates: true
          destructive: true
validation:
  steps:
    - { id: recount, kind: sql, title: Count again, target: motherduck, sql: "SELECT count(*) FROM analytics.daily" }
`;

async function engineOnMotherDuck() {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, 'runbooks'));
  fs.writeFileSync(path.join(dir, 'runbooks', 'additions.yml'), additions);
  const md = new MotherDuckStandIn(path.join(dir, 'md'), { clock: () => now });
  await md.createDatabase('databox', 'CREATE SCHEMA analytics; CREATE TABLE analytics.daily AS SELECT range AS id FROM range(100);', new Date('2026-04-20T08:00:00Z'));
  const config = loadConfig({ DATABOX_ROOT: dir, DATABOX_STATE_DIR: path.join(dir, 'var'), DATABOX_RUNBOOKS_DIR: path.join(dir, 'runbooks'), DATABOX_BACKEND: 'motherduck' });
  const journal = new Journal(config.stateDir, () => now);
  const state = new IncidentState();
  journal.onRecord((record) => state.apply(record));
  journal.load();
  const service = new IncidentService(
    {
      config, runbooks: loadRunbooks(config.runbooksDir), journal, state, runCommand, redact: (t) => t, logger: createLogger('silent', (t) => t), clock: () => now,
      targets: { local: localTarget(config.databasePath), motherduck: md, backend: md },
    },
    quietReporter(),
  );
  return { service, md, root: dir };
}

const rows = async (md: MotherDuckStandIn) => Number(await md.value('databox', 'SELECT count(*) FROM analytics.daily'));

describe('a plan that changes MotherDuck', () => {
  it('takes a named snapshot before an INSERT that only adds rows, shows it in the plan, and its rollback takes the rows back out', async () => {
    const { service, md, root } = await engineOnMotherDuck();
    const { incident } = await service.start({ verb: 'diagnose', scenario: 'additions', params: {} }, 'U1', 'test');
    const { run } = await service.start({ verb: 'recover', scenario: 'additions', path: 'a', params: {}, incident: incident.id }, 'U1', 'test');
    expect(run!.steps.map((s) => s.id)).toEqual(['add_rows_snapshot', 'add_rows']);
    const name = `databox_bot_${incident.id.replaceAll('-', '_')}_add_rows_20260421T090000Z`;
    expect(run!.steps[0]).toMatchObject({ kind: 'named-snapshot', title: 'Named snapshot of databox before "Add the missing rows"', mutates: true, destructive: false });
    expect(describeStep(run!.steps[0]!, root)).toContain(`CREATE SNAPSHOT '${name}' OF "databox"`);

    md.sent.length = 0;
    expect(service.approve(run!.id, run!.hash, 'U2').ok).toBe(true);
    expect((await service.executeApproved(run!.id)).status).toBe('succeeded');
    expect(await rows(md)).toBe(105);
    const changes = md.sql().filter((sql) => !/^\s*(SELECT|DESCRIBE)\b/i.test(sql) && !/^(BEGIN|COMMIT|ROLLBACK)/.test(sql));
    expect(changes).toEqual([`CREATE SNAPSHOT '${name}' OF "databox"`, 'INSERT INTO analytics.daily SELECT range + 1000 FROM range(5)']);

    const rollback = await service.proposeRollback(run!.id, 'U1');
    expect(rollback.steps.map((s) => s.id)).toEqual(['undo_add_snapshot', 'undo_add']);
    expect(describeStep(rollback.steps[1]!, root)).toContain(`SET SNAPSHOT TO (SNAPSHOT_NAME '${name}')`);
    expect(service.approve(rollback.id, rollback.hash, 'U2').ok).toBe(true);
    expect((await service.executeApproved(rollback.id)).status).toBe('succeeded');
    expect(await rows(md), 'the added rows are gone again').toBe(100);
  });
});

describe('which steps get the named snapshot first', () => {
  const values = { db: 'databox', incident_id: 'dbx-20260420-3fa2', now: '20260421T090000Z' };
  const ids = (step: Record<string, unknown>, snapshotBefore?: { database: string }) =>
    resolveSteps([stepSchema.parse(step)], { root: '/srv/databox', values, now, snapshotBefore }).map((s) => s.id);
  const insert = { id: 'add', kind: 'sql', title: 'Add rows', target: 'motherduck', sql: 'INSERT INTO t VALUES (1)', mutates: true };

  it('every step that changes the database: SQL that only adds rows, a command that loads (a reload), a Dagster backfill', () => {
    expect(ids(insert, { database: 'databox' })).toEqual(['add_snapshot', 'add']);
    expect(ids({ id: 'reload', kind: 'command', title: 'Reload', argv: ['task', 'reload'], mutates: true }, { database: 'databox' })).toEqual(['reload_snapshot', 'reload']);
    expect(ids({ id: 'backfill', kind: 'dagster-backfill', title: 'Backfill', job: 'daily', definitionsFile: 'defs.py', from: '2026-04-17', to: '2026-04-20', mutates: true }, { database: 'databox' })).toEqual(['backfill_snapshot', 'backfill']);
  });

  it('none before a read, a clone made from the database, rows kept in a file, or a schedule started in Dagster; none in a plan that does not change MotherDuck', () => {
    expect(ids({ ...insert, id: 'read', sql: 'SELECT count(*) FROM t', mutates: false }, { database: 'databox' })).toEqual(['read']);
    expect(ids({ ...insert, id: 'clone', sql: 'CREATE DATABASE {{db | database}}_restored FROM {{db | database}}' }, { database: 'databox' })).toEqual(['clone']);
    expect(ids({ ...insert, id: 'keep', sql: 'CREATE DATABASE IF NOT EXISTS x FROM {{db | database}}' }, { database: 'databox' })).toEqual(['keep']);
    expect(ids({ id: 'keep_rows', kind: 'export-rows', title: 'Keep rows', table: 't', where: 'true', to: 'kept.parquet', mutates: true }, { database: 'databox' })).toEqual(['keep_rows']);
    expect(ids({ id: 'start', kind: 'dagster-schedule-start', title: 'Start the schedules', schedules: 'daily', definitionsFile: 'defs.py', mutates: true }, { database: 'databox' })).toEqual(['start']);
    // The local DuckDB file keeps its own safeguards (rows kept first, moves aside): no MotherDuck snapshot.
    expect(ids(insert)).toEqual(['add']);
  });
});
