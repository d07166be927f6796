// The Dagster and watcher settings in loadConfig: defaults, each watcher can be turned off, bad values named.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

function problem(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('Dagster and watcher configuration', () => {
  it('has the defaults the issue names', () => {
    const config = loadConfig({});
    expect(config.dagster).toEqual({ url: undefined, timeoutMs: 10_000, location: undefined, repository: '__repository__', daemonStart: ['uv', 'run', 'dagster-daemon', 'run'] });
    expect(config.watch).toEqual({
      intervalMs: 60_000,
      alertChannel: undefined,
      daemon: true,
      schedules: true,
      disk: true,
      marts: true,
      database: true,
      diskAlertPercent: 90,
      heartbeatMaxAgeMs: 180_000,
      dagsterDownAfterMs: 300_000,
      reminderMs: 4 * 3_600_000,
    });
  });

  it('reads every setting, and turns each watcher off', () => {
    const config = loadConfig({
      DAGSTER_URL: 'http://127.0.0.1:3070',
      DAGSTER_DAEMON_START: 'uv run dagster-daemon run -w workspace.yaml',
      DATABOX_WATCH_INTERVAL: '30s',
      DATABOX_ALERT_CHANNEL: 'C0ALERTS',
      DATABOX_WATCH_DAEMON: 'false',
      DATABOX_WATCH_SCHEDULES: 'off',
      DATABOX_WATCH_DISK: 'no',
      DATABOX_WATCH_MARTS: '0',
      DATABOX_DISK_ALERT_PERCENT: '85',
    });
    expect(config.dagster.url).toBe('http://127.0.0.1:3070');
    expect(config.dagster.daemonStart).toEqual(['uv', 'run', 'dagster-daemon', 'run', '-w', 'workspace.yaml']);
    expect(config.watch).toMatchObject({ intervalMs: 30_000, alertChannel: 'C0ALERTS', daemon: false, schedules: false, disk: false, marts: false, diskAlertPercent: 85 });
  });

  it('names what is wrong', () => {
    expect(problem({ DAGSTER_URL: 'ftp://dagster' })).toContain('DAGSTER_URL');
    expect(problem({ DATABOX_ALERT_CHANNEL: '#incidents' })).toContain('expected a Slack channel ID such as C012ABCDEF → at DATABOX_ALERT_CHANNEL');
    expect(problem({ DATABOX_WATCH_INTERVAL: 'often' })).toContain('DATABOX_WATCH_INTERVAL');
    expect(problem({ DATABOX_DISK_ALERT_PERCENT: '120' })).toContain('DATABOX_DISK_ALERT_PERCENT');
    // A reminder at every check would flood the channel: refused at start, naming both settings.
    expect(problem({ DATABOX_ALERT_REMINDER: '1m' })).toContain(
      '1 min is not longer than DATABOX_WATCH_INTERVAL (1 min), so every check would post a reminder to the channel: set it well above the interval (the defaults are 4h and 60s) → at DATABOX_ALERT_REMINDER',
    );
    expect(problem({ DATABOX_ALERT_REMINDER: '20m', DATABOX_WATCH_INTERVAL: '1h' })).toContain('20 min is not longer than DATABOX_WATCH_INTERVAL (1 h)');
    expect(loadConfig({ DATABOX_ALERT_REMINDER: '2m' }).watch.reminderMs).toBe(120_000);
    expect(problem({ DAGSTER_DAEMON_START: 'uv run dagster-daemon run; rm -rf /' })).toContain('is split on spaces and run without a shell: no quotes or shell metacharacters → at DAGSTER_DAEMON_START');
  });
});
