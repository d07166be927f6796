// The MotherDuck stand-in the scenario tests run against: snapshots as copies, the runbook's statements on real files, every statement recorded.
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../support/fixtures.js';
import { MotherDuckStandIn } from '../helpers/motherduck-stand-in.js';

const tempDir = useTempDirs('md-standin-');

const at = (text: string) => new Date(`${text.replace(' ', 'T')}Z`);
const marts = `CREATE SCHEMA analytics; CREATE TABLE analytics.daily AS SELECT range AS id FROM range(100);`;

async function standIn(now = '2026-04-21 09:00:00') {
  let clock = at(now);
  const md = new MotherDuckStandIn(tempDir(), { clock: () => clock });
  await md.createDatabase('databox', marts, at('2026-04-19 08:00:00'));
  await md.write('databox', 'INSERT INTO analytics.daily SELECT range + 100 FROM range(20)', at('2026-04-20 11:00:00'));
  await md.write('databox', 'DELETE FROM analytics.daily WHERE id < 90', at('2026-04-20 15:00:00'));
  return { md, setNow: (text: string) => (clock = at(text)) };
}

async function count(md: MotherDuckStandIn, sql: string): Promise<number> {
  const session = await md.open({ writable: false });
  try {
    return Number((await session.run(sql)).rows[0]?.[0]);
  } finally {
    await session.close();
  }
}

describe('the MotherDuck stand-in', () => {
  it('answers md_information_schema from its snapshots and databases', async () => {
    const { md } = await standIn();
    const session = await md.open({ writable: false });
    try {
      const snapshots = await session.run(
        `SELECT snapshot_id, snapshot_name, created_ts, user_name FROM md_information_schema.database_snapshots WHERE database_name = 'databox' ORDER BY created_ts DESC LIMIT 20`,
      );
      expect(snapshots.columns).toEqual(['snapshot_id', 'snapshot_name', 'created_ts', 'user_name']);
      expect(snapshots.rows.map((r) => r[2])).toEqual(['2026-04-20 15:00:00', '2026-04-20 11:00:00', '2026-04-19 08:00:00']);
      const retention = await session.run(`SELECT name, CAST(historical_snapshot_retention AS VARCHAR) FROM md_information_schema.databases`);
      expect(retention.rows).toEqual([['databox', '7 days']]);
    } finally {
      await session.close();
    }
  });

  it('clones a moment, swaps with COPY FROM DATABASE … (OVERWRITE), and restores a named snapshot', async () => {
    const { md, setNow } = await standIn();
    expect(await count(md, 'SELECT count(*) FROM analytics.daily')).toBe(30);
    const session = await md.open({ writable: true });
    try {
      await session.run(`CREATE DATABASE "databox_restored" FROM "databox" (SNAPSHOT_TIME '2026-04-20 12:00:00')`);
      expect(Number((await session.run('SELECT count(*) FROM databox_restored.analytics.daily')).rows[0]?.[0])).toBe(120);
      await session.run(`CREATE SNAPSHOT 'before ''swap''' OF "databox"`);
      setNow('2026-04-21 09:05:00');
      await session.run(`COPY FROM DATABASE "databox_restored" (OVERWRITE) TO "databox"`);
      expect(Number((await session.run('SELECT count(*) FROM analytics.daily')).rows[0]?.[0])).toBe(120);
      await session.run(`ALTER DATABASE "databox" SET SNAPSHOT TO (SNAPSHOT_NAME 'before ''swap''')`);
      expect(Number((await session.run('SELECT count(*) FROM databox.analytics.daily')).rows[0]?.[0])).toBe(30);
      await session.run(`DROP DATABASE "databox_restored"`);
      await expect(session.run(`DROP DATABASE "databox"`)).rejects.toThrow(/cannot drop the database you are connected to/);
    } finally {
      await session.close();
    }
    expect(md.namedSnapshots()).toEqual(["before 'swap'"]);
    expect(md.liveDatabases()).toEqual(['databox']);
    expect(md.sql()).toEqual([
      'SELECT count(*) FROM analytics.daily',
      `CREATE DATABASE "databox_restored" FROM "databox" (SNAPSHOT_TIME '2026-04-20 12:00:00')`,
      'SELECT count(*) FROM databox_restored.analytics.daily',
      `CREATE SNAPSHOT 'before ''swap''' OF "databox"`,
      `COPY FROM DATABASE "databox_restored" (OVERWRITE) TO "databox"`,
      'SELECT count(*) FROM analytics.daily',
      `ALTER DATABASE "databox" SET SNAPSHOT TO (SNAPSHOT_NAME 'before ''swap''')`,
      'SELECT count(*) FROM databox.analytics.daily',
      `DROP DATABASE "databox_restored"`,
      `DROP DATABASE "databox"`,
    ]);
    expect(md.sent.at(-1)?.error).toMatch(/connected to/);
  });

  it('restores in place at a time, and refuses a moment older than the retention', async () => {
    const { md } = await standIn('2026-04-30 09:00:00');
    md.setRetentionDays('databox', 1);
    const session = await md.open({ writable: true });
    try {
      await expect(session.run(`ALTER DATABASE "databox" SET SNAPSHOT TO (SNAPSHOT_TIME '2026-04-20 12:00:00')`)).rejects.toThrow(/no snapshot of "databox" at or before 2026-04-20 12:00:00 is within its retention/);
      const listed = await session.run(`SELECT count(*) FROM md_information_schema.database_snapshots`);
      expect(Number(listed.rows[0]?.[0]), 'only the active snapshot is left').toBe(1);
    } finally {
      await session.close();
    }
    md.setRetentionDays('databox', 30);
    const again = await md.open({ writable: true });
    try {
      await again.run(`ALTER DATABASE "databox" SET SNAPSHOT TO (SNAPSHOT_TIME '2026-04-20 12:00:00')`);
      expect(Number((await again.run('SELECT count(*) FROM analytics.daily')).rows[0]?.[0])).toBe(120);
    } finally {
      await again.close();
    }
  });

  it('fails a statement on request, recording the failure, and leaves the files as they were', async () => {
    const { md } = await standIn();
    md.failWhen(/^COPY FROM DATABASE/, 'IO Error: connection to MotherDuck lost');
    const session = await md.open({ writable: true });
    try {
      await session.run(`CREATE DATABASE "databox_restored" FROM "databox" (SNAPSHOT_TIME '2026-04-20 12:00:00')`);
      await expect(session.run(`COPY FROM DATABASE "databox_restored" (OVERWRITE) TO "databox"`)).rejects.toThrow('connection to MotherDuck lost');
    } finally {
      await session.close();
    }
    expect(await md.value('databox', 'SELECT count(*) FROM analytics.daily')).toBe('30');
    expect(md.sent.map((s) => s.error ?? 'ok')).toEqual(['ok', 'IO Error: connection to MotherDuck lost']);
  });
});
