// `npm run --silent cli -- watch` as cron would run it: the watchers once, their findings printed, non-zero when something is
// wrong; and `status` listing each watcher's state and last check as the bot left them.
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { Journal } from '../../src/journal/journal.js';
import { runCommand } from '../../src/process/run-command.js';
import { buildWatchers } from '../../src/watchers/build-watchers.js';
import type { Finding, Watcher } from '../../src/watchers/finding.js';
import { lastChecksFileName, WatchService } from '../../src/watchers/watch-service.js';
import { cliEnv, runCliProcess } from '../helpers/cli-process.js';
import { DagsterStandIn } from '../helpers/dagster-stand-in.js';
import { useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('cli-watch-');
const dagster = new DagsterStandIn();
let root: string;
let runbooksDir: string;

beforeAll(async () => {
  await dagster.start();
  root = tempDir();
  runbooksDir = tempDir();
  fs.mkdirSync(path.join(root, 'data'));
  const instance = await DuckDBInstance.create(path.join(root, 'data', 'databox.duckdb'));
  const connection = await instance.connect();
  // The newest day is yesterday, so the SLA holds whatever day the test runs.
  await connection.run('CREATE SCHEMA ebird; CREATE TABLE ebird.fct_daily_bird_observations AS SELECT current_date - 1 - CAST(range AS INTEGER) AS day_date FROM range(10)');
  connection.closeSync();
  instance.closeSync();
  // The bundled schedule.yml (the watchers read it through the runbook loader), with this database's one mart, and, as the
  // recorded ticks are months old by now, a switchedOffAfter of ten years that keeps a STOPPED one paused, not switched off on purpose.
  const bundled = fs.readFileSync('runbooks/schedule.yml', 'utf8');
  const oneMart = bundled
    .replace(/^( +marts: &marts\n)(?: +- \{ table: .*\n)+/m, '$1        - { table: ebird.fct_daily_bird_observations, dateColumn: day_date, maxLag: 48h }\n')
    .replace('switchedOffAfter: 31d', 'switchedOffAfter: 3650d');
  expect(oneMart).toContain('switchedOffAfter: 3650d');
  expect(oneMart).not.toContain('noaa.fct_daily_weather');
  fs.writeFileSync(path.join(runbooksDir, 'schedule.yml'), oneMart);
});
afterAll(() => dagster.stop());

function env(extra: Record<string, string>): Record<string, string> {
  return cliEnv({ DATABOX_ROOT: root, DATABOX_STATE_DIR: path.join(root, 'var'), DATABOX_RUNBOOKS_DIR: runbooksDir, DAGSTER_URL: dagster.url, ...extra });
}

describe('cli watch', () => {
  it('exits 1 and names the problem when the disk is over the threshold; prints each watcher', async () => {
    // The recorded heartbeats are old by now, so the daemon is judged with a threshold wide enough to pass.
    dagster.answers = { DataboxDaemonHealth: 'daemon-health-healthy' };
    const result = await runCliProcess(['watch'], { env: env({ DATABOX_DISK_ALERT_PERCENT: '1', DATABOX_HEARTBEAT_MAX_AGE: '100000h' }), stdin: 'ignore' });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^Dagster daemon heartbeat: OK: 5 required daemons heartbeating\n/);
    expect(result.stdout).toMatch(/\nDisk space: PROBLEM: Disk at or over 1%: .*databox\.duckdb/);
    expect(result.stdout).toMatch(/\nMart freshness: OK: 1 marts within their SLA\n/);
    expect(result.code).toBe(1);
  });

  it('exits 0 when everything is healthy, and 1 when the daemon is stopped', async () => {
    dagster.answers = { DataboxDaemonHealth: 'daemon-health-healthy', DataboxRepositories: 'repositories', DataboxSchedules: 'schedules-healthy' };
    const asked = dagster.requests.length;
    const healthy = await runCliProcess(['watch'], { env: env({ DATABOX_DISK_ALERT_PERCENT: '100', DATABOX_DISK_FULL_PERCENT: '100', DATABOX_HEARTBEAT_MAX_AGE: '100000h' }), stdin: 'ignore' });
    expect(healthy.code).toBe(0);
    // The two Dagster watchers judge one answer: the webserver is asked the daemons' health once.
    expect(dagster.requests.slice(asked).filter((r) => r.operation === 'DataboxDaemonHealth')).toHaveLength(1);
    dagster.answers = { DataboxDaemonHealth: 'daemon-health-stopped' };
    const stopped = await runCliProcess(['watch'], { env: env({ DATABOX_DISK_ALERT_PERCENT: '100', DATABOX_DISK_FULL_PERCENT: '100', DATABOX_WATCH_MARTS: 'false' }), stdin: 'ignore' });
    expect(stopped.stdout).toMatch(/^Dagster daemon heartbeat: PROBLEM: Dagster daemon not heartbeating: SCHEDULER \(last heartbeat \d+ d( \d+ h)? ago, unhealthy\)/);
    expect(stopped.stdout).toContain('Mart freshness: turned off (DATABOX_WATCH_MARTS=false)');
    expect(stopped.code).toBe(1);
  });

  it("exits 1 naming the stack's schedule STOPPED while the daemon heartbeats, and 0 once it runs again", async () => {
    const vars = env({ DATABOX_DISK_ALERT_PERCENT: '100', DATABOX_DISK_FULL_PERCENT: '100', DATABOX_HEARTBEAT_MAX_AGE: '100000h' });
    dagster.answers = { DataboxDaemonHealth: 'daemon-health-healthy', DataboxRepositories: 'repositories', DataboxSchedules: 'schedules-paused' };
    const paused = await runCliProcess(['watch'], { env: vars, stdin: 'ignore' });
    expect(paused.stderr).toBe('');
    expect(paused.stdout).toMatch(/^Dagster daemon heartbeat: OK: 5 required daemons heartbeating\n/);
    expect(paused.stdout).toContain('\nDagster schedules: PROBLEM: Dagster schedule STOPPED: all_pipelines_daily (last tick 2026-04-17 06:00 UTC)\n');
    expect(paused.code).toBe(1);
    dagster.answers = { DataboxDaemonHealth: 'daemon-health-healthy', DataboxRepositories: 'repositories', DataboxSchedules: 'schedules-healthy' };
    const running = await runCliProcess(['watch'], { env: vars, stdin: 'ignore' });
    expect(running.stdout).toMatch(/\nDagster schedules: OK: \d+ of the stack's schedules RUNNING\n/);
    expect(running.code).toBe(0);
  });

  it('is off, as the other watchers are, with DATABOX_WATCH_SCHEDULES=false', async () => {
    dagster.answers = { DataboxDaemonHealth: 'daemon-health-healthy', DataboxRepositories: 'repositories', DataboxSchedules: 'schedules-paused' };
    const result = await runCliProcess(['watch'], { env: env({ DATABOX_WATCH_SCHEDULES: 'false', DATABOX_DISK_ALERT_PERCENT: '100', DATABOX_DISK_FULL_PERCENT: '100', DATABOX_HEARTBEAT_MAX_AGE: '100000h' }), stdin: 'ignore' });
    expect(result.stdout).toContain('\nDagster schedules: turned off (DATABOX_WATCH_SCHEDULES=false)\n');
    expect(result.code).toBe(0);
  });

  it('counts a webserver that does not answer as a problem at once', async () => {
    const result = await runCliProcess(['watch'], { env: env({ DAGSTER_URL: 'http://127.0.0.1:9', DATABOX_DISK_ALERT_PERCENT: '100', DATABOX_DISK_FULL_PERCENT: '100', DATABOX_WATCH_MARTS: 'false' }), stdin: 'ignore' });
    expect(result.stdout).toMatch(/^Dagster daemon heartbeat: PROBLEM: The Dagster webserver does not answer\n    the Dagster webserver at http:\/\/127\.0\.0\.1:9\/graphql cannot be reached/);
    expect(result.code).toBe(1);
  });

  it('counts a webserver that does not answer as a problem at once in the schedules watcher when the daemon watcher is off', async () => {
    const result = await runCliProcess(['watch'], {
      env: env({ DAGSTER_URL: 'http://127.0.0.1:9', DATABOX_WATCH_DAEMON: 'false', DATABOX_DISK_ALERT_PERCENT: '100', DATABOX_DISK_FULL_PERCENT: '100', DATABOX_WATCH_MARTS: 'false' }),
      stdin: 'ignore',
    });
    expect(result.stdout).toMatch(/^Dagster daemon heartbeat: turned off \(DATABOX_WATCH_DAEMON=false\)\nDagster schedules: PROBLEM: The Dagster webserver does not answer\n    the Dagster webserver at http:\/\/127\.0\.0\.1:9\/graphql cannot be reached/);
    expect(result.code).toBe(1);
  });

  it('leaves the outage to the daemon watcher when it is on: the schedules watcher cannot tell', async () => {
    const result = await runCliProcess(['watch'], { env: env({ DAGSTER_URL: 'http://127.0.0.1:9', DATABOX_DISK_ALERT_PERCENT: '100', DATABOX_DISK_FULL_PERCENT: '100', DATABOX_WATCH_MARTS: 'false' }), stdin: 'ignore' });
    expect(result.stdout).toMatch(/\nDagster schedules: CANNOT TELL: The schedules could not be read: the Dagster webserver at http:\/\/127\.0\.0\.1:9\/graphql cannot be reached/);
  });
});

describe('cli status', () => {
  it('lists each watcher with its state and the last check the bot made, and says when no bot has checked', async () => {
    dagster.answers = { DataboxDaemonHealth: 'daemon-health-stopped', DataboxRepositories: 'repositories', DataboxSchedules: 'schedules-healthy' };
    // The bundled runbooks: status loads them all (this file's runbooks dir holds only SLAs).
    const vars = env({ DATABOX_STATE_DIR: tempDir(), DATABOX_RUNBOOKS_DIR: '', DATABOX_DISK_ALERT_PERCENT: '100', DATABOX_DISK_FULL_PERCENT: '100', DATABOX_WATCH_MARTS: 'false' });
    const before = await runCliProcess(['status'], { env: vars, stdin: 'ignore' });
    expect(before.stderr).toBe('');
    // No bot has checked: how often it would is not known here (the terminal's own interval is not the bot's).
    expect(before.stdout).toContain('\nWatchers\n  Dagster daemon heartbeat: not checked yet (no check recorded by the bot)\n');
    expect(before.stdout).toContain('No check recorded: is the bot running on this state dir?');

    // The bot's watchers, set up as createBot sets them up, check once on that state dir, the bot every 10 min
    // (DATABOX_WATCH_INTERVAL=10m) where the terminal's setting is the default 1 min.
    const config = loadConfig(vars);
    const journal = new Journal(config.stateDir);
    const watch = new WatchService({
      watchers: buildWatchers(config, runCommand),
      journal,
      sink: { alert: async () => ({ channel: 'C0ALERTS', ts: '1776762000.000100' }), reminder: async () => {}, changed: async () => {}, recovered: async () => {}, returned: async () => {}, settled: async () => {} },
      logger: pino({ level: 'silent' }),
      intervalMs: 10 * 60_000,
      reminderMs: config.watch.reminderMs,
      lastChecksFile: path.join(config.stateDir, lastChecksFileName),
    });
    journal.load();
    await watch.checkOnce();

    const result = await runCliProcess(['status'], { env: vars, stdin: 'ignore' });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const watchers = result.stdout.slice(result.stdout.indexOf('\nWatchers\n'));
    expect(watchers).toMatch(
      /^\nWatchers\n  Dagster daemon heartbeat: ALERTING since \d{4}-\d\d-\d\d \d\d:\d\d UTC \([^)]+\): Dagster daemon not heartbeating: SCHEDULER \(last heartbeat .*\) \(last check \d\d:\d\d:\d\d UTC, every 10 min\)\n  Dagster schedules: healthy: 2 of the stack's schedules RUNNING \(last check \d\d:\d\d:\d\d UTC, every 10 min\)\n  Disk space: healthy: under 100% used: .* \(last check \d\d:\d\d:\d\d UTC, every 10 min\)\n  Mart freshness: turned off \(DATABOX_WATCH_MARTS=false\)\n  Database file: healthy: \S+databox\.duckdb opens read-only \(last check \d\d:\d\d:\d\d UTC, every 10 min\)\n$/,
    );
    // Checks kept by a bot from before the interval was kept with them: the interval is left out, not guessed.
    const keptFile = path.join(config.stateDir, lastChecksFileName);
    const { intervalMs: _kept, ...older } = JSON.parse(fs.readFileSync(keptFile, 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(keptFile, `${JSON.stringify(older)}\n`);
    const olderStatus = await runCliProcess(['status'], { env: vars, stdin: 'ignore' });
    expect(olderStatus.stdout).toMatch(/\n  Disk space: healthy: under 100% used: .* \(last check \d\d:\d\d:\d\d UTC\)\n/);
  });
});

describe('cli status during an outage', () => {
  it('shows the latest problem the bot found, not the alert\'s figures, also when its last check could not tell', async () => {
    const vars = env({ DATABOX_STATE_DIR: tempDir(), DATABOX_RUNBOOKS_DIR: '', DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_MARTS: 'false', DATABOX_WATCH_DATABASE: 'false' });
    const config = loadConfig(vars);
    const journal = new Journal(config.stateDir);
    // The bot's disk watcher as the checks see a volume filling up, then a check that cannot read it.
    const findings: Finding[] = [
      { watcher: 'disk', state: 'problem', scenario: 'duckdb', summary: 'Disk at or over 90%: the volume holding /data 91% used (9.0 GiB free)', details: [] },
      { watcher: 'disk', state: 'problem', scenario: 'duckdb', summary: 'Disk at or over 90%: the volume holding /data 97% used (3.0 GiB free)', details: [] },
      { watcher: 'disk', state: 'unknown', scenario: 'duckdb', summary: 'statfs /data did not answer', details: [] },
    ];
    const disk: Watcher = { id: 'disk', title: 'Disk space', check: async () => findings.shift() as Finding };
    const watch = new WatchService({
      watchers: [disk],
      journal,
      sink: { alert: async () => ({ channel: 'C0ALERTS', ts: '1776762000.000100' }), reminder: async () => {}, changed: async () => {}, recovered: async () => {}, returned: async () => {}, settled: async () => {} },
      logger: pino({ level: 'silent' }),
      intervalMs: config.watch.intervalMs,
      reminderMs: config.watch.reminderMs,
      lastChecksFile: path.join(config.stateDir, lastChecksFileName),
    });
    journal.load();
    const diskLine = async () => (await runCliProcess(['status'], { env: vars, stdin: 'ignore' })).stdout.split('\n').find((line) => line.startsWith('  Disk space: '));

    await watch.checkOnce();
    expect(await diskLine()).toContain(': Disk at or over 90%: the volume holding /data 91% used (9.0 GiB free) (last check');
    await watch.checkOnce();
    expect(await diskLine()).toContain(': Disk at or over 90%: the volume holding /data 97% used (3.0 GiB free) (last check');
    await watch.checkOnce();
    // What the latest check says first, the problem found before after it, and "last check" once: when it was.
    const unsure = await diskLine();
    expect(unsure).toMatch(/: cannot tell now \(statfs \/data did not answer\); found before: Disk at or over 90%: the volume holding \/data 97% used \(3\.0 GiB free\) \(last check \d\d:\d\d:\d\d UTC, every /);
    expect(unsure?.match(/last check/g)).toHaveLength(1);
  });
});

describe('cli status with a watcher that names commands', () => {
  it('gives them as the CLI\'s own, as every other line at the terminal does', async () => {
    const vars = env({ DATABOX_STATE_DIR: tempDir(), DATABOX_RUNBOOKS_DIR: '', DATABOX_WATCH_DAEMON: 'false', DATABOX_WATCH_MARTS: 'false', DATABOX_WATCH_DISK: 'false' });
    const config = loadConfig(vars);
    const journal = new Journal(config.stateDir);
    // As the database watcher says a plan run at a terminal left its database (src/watchers/plans-on-databases.ts).
    const summary = 'a plan left databox.duckdb part-way: read `/databox postmortem dbx-20260420-0b0b` (it ran at a terminal, so the incident has no Slack thread: `/databox diagnose duckdb incident=dbx-20260420-0b0b` gives it one, with any rollback offered)';
    const database: Watcher = { id: 'database', title: 'Database file', check: async () => ({ watcher: 'database', state: 'problem', scenario: 'duckdb', summary, details: [] }) };
    const watch = new WatchService({
      watchers: [database],
      journal,
      sink: { alert: async () => ({ channel: 'C0ALERTS', ts: '1776762000.000100' }), reminder: async () => {}, changed: async () => {}, recovered: async () => {}, returned: async () => {}, settled: async () => {} },
      logger: pino({ level: 'silent' }),
      intervalMs: config.watch.intervalMs,
      reminderMs: config.watch.reminderMs,
      lastChecksFile: path.join(config.stateDir, lastChecksFileName),
    });
    journal.load();
    await watch.checkOnce();
    const line = (await runCliProcess(['status'], { env: vars, stdin: 'ignore' })).stdout.split('\n').find((l) => l.startsWith('  Database file: '));
    expect(line).toContain('read `npm run --silent cli -- postmortem dbx-20260420-0b0b`');
    expect(line).toContain('`npm run --silent cli -- diagnose duckdb incident=dbx-20260420-0b0b` gives it one');
    expect(line).not.toContain('/databox');
  });
});
