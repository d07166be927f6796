// Tests loadConfig, parseDuration and secretValuesOf (src/config.ts): defaults, parsing, errors naming the variable, secrets collected.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, configVariables, loadConfig, loadRecordSettings, parseDuration, secretValuesOf, unreadSettingsWarning } from '../../src/config.js';
import { hostMemory } from '../../src/duckdb/memory-sizes.js';
import { childEnvironment } from '../../src/process/run-command.js';
import { createRedactor } from '../../src/redact.js';
import { projectRoot } from '../support/fixtures.js';

/** A real directory to stand for the databox checkout: DATABOX_ROOT must exist. */
const databoxRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'databox-root-'));

function configErrorOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).name).toBe('ConfigError');
    return (error as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe('the variables an operator sets', () => {
  it('are each documented in .env.example, which `npm start` reads, and in the README', () => {
    const example = fs.readFileSync(path.join(projectRoot, '.env.example'), 'utf8');
    const readme = fs.readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
    expect(configVariables.length).toBeGreaterThan(20);
    expect(configVariables.filter((name) => !new RegExp(`^#? ?${name}=`, 'm').test(example)), 'missing from .env.example').toEqual([]);
    expect(configVariables.filter((name) => !readme.includes(name)), 'missing from the README').toEqual([]);
  });
});

describe('defaults', () => {
  it('fills in every default from an empty environment', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      slack: { botToken: undefined, appToken: undefined, signingSecret: undefined, apiUrl: undefined, port: 3000, healthPort: 8099, socketDownGraceMs: 120_000 },
      logLevel: 'info',
      databoxRoot: process.cwd(),
      databasePath: path.join(process.cwd(), 'data', 'databox.duckdb'),
      stateDir: path.join(process.cwd(), 'var'),
      runbooksDir: path.join(projectRoot, 'runbooks'),
      allowSelfApproval: false,
      approvers: [],
      allowGuestApproval: false,
      allowExternalApproval: false,
      requesters: [],
      approvalTtlMs: 15 * 60 * 1000,
      approvalClickMaxAgeMs: 60_000,
      diskFullPercent: 95,
      workers: 2,
      userCommandLimit: { limit: 10, windowMs: 5 * 60_000 },
      // Scenario 4 and the watchers: tested in watch-config.test.ts.
      dagster: expect.any(Object),
      watch: expect.any(Object),
      duckdbMemoryLimit: '256MB',
      duckdbThreads: Math.max(1, os.availableParallelism() - 1),
      workNiceness: 0,
      readNiceness: 0,
      backend: 'local',
      motherduck: { database: 'databox', token: undefined, connectTimeoutMs: 30_000, extensionDirectory: undefined },
      secrets: [],
    });
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ DATABOX_ALLOW_SELF_APPROVAL: '', DATABOX_APPROVAL_TTL: '', PORT: '' })).toMatchObject({
      allowSelfApproval: false,
      approvalTtlMs: 900_000,
      slack: { port: 3000 },
    });
  });

  it('resolves the database path against DATABOX_ROOT, and leaves an absolute one alone', () => {
    expect(loadConfig({ DATABOX_ROOT: databoxRoot, DATABOX_DATABASE_PATH: 'data/other.duckdb' })).toMatchObject({
      databoxRoot,
      databasePath: path.join(databoxRoot, 'data/other.duckdb'),
    });
    expect(loadConfig({ DATABOX_ROOT: databoxRoot, DATABOX_DATABASE_PATH: '/mnt/db/x.duckdb' }).databasePath).toBe('/mnt/db/x.duckdb');
  });
});

describe('DATABOX_ALLOW_SELF_APPROVAL (z.stringbool)', () => {
  it.each(['false', 'FALSE', '0', 'no', 'off', 'disabled', ' false', 'false\t'])('%j is false (spaces around it ignored, as for every value)', (text) => {
    expect(loadConfig({ DATABOX_ALLOW_SELF_APPROVAL: text }).allowSelfApproval).toBe(false);
  });

  it.each(['true', 'True', '1', 'yes', 'on', 'enabled'])('%j is true', (text) => {
    expect(loadConfig({ DATABOX_ALLOW_SELF_APPROVAL: text }).allowSelfApproval).toBe(true);
  });

  it.each(['maybe', 'tru', '2'])('%j is refused, naming the variable', (text) => {
    expect(configErrorOf({ DATABOX_ALLOW_SELF_APPROVAL: text })).toMatch(/→ at DATABOX_ALLOW_SELF_APPROVAL/);
  });
});

describe('durations', () => {
  it.each([
    ['15m', 900_000],
    ['30s', 30_000],
    ['2h', 7_200_000],
    ['1000ms', 1_000],
    ['1h30m', 5_400_000],
  ] as const)('DATABOX_APPROVAL_TTL=%s is %i ms', (text, ms) => {
    expect(loadConfig({ DATABOX_APPROVAL_TTL: text }).approvalTtlMs).toBe(ms);
  });

  it('refuses a DuckDB memory limit too small to read with, naming what was probably meant; 16MB is taken', () => {
    expect(configErrorOf({ DATABOX_DUCKDB_MEMORY_LIMIT: '256KB' })).toContain('is below 16MB, too little for DuckDB to read a database with (KB typed for MB?) → at DATABOX_DUCKDB_MEMORY_LIMIT');
    expect(loadConfig({ DATABOX_DUCKDB_MEMORY_LIMIT: '16MB' }).duckdbMemoryLimit).toBe('16MB');
    expect(loadConfig({ DATABOX_DUCKDB_MEMORY_LIMIT: '0.5GB' }).duckdbMemoryLimit).toBe('0.5GB');
    expect(loadConfig({ DATABOX_DUCKDB_MEMORY_LIMIT: ' 256MB ' }).duckdbMemoryLimit).toBe('256MB');
  });

  it('refuses a DuckDB memory limit over the memory this process may use, naming the value and that memory; under it is taken', () => {
    // 24GB on a 23.5 GiB host was taken, and the first read-only open aborted the bot (exit 134).
    const memory = hostMemory();
    const over = `${Math.ceil(memory.bytes / 1e9) + 1}GB`;
    const said = configErrorOf({ DATABOX_DUCKDB_MEMORY_LIMIT: over });
    const gigabytes = `${(Math.floor(memory.bytes / 1e8) / 10).toFixed(1)}GB = ${(Math.floor((memory.bytes / 2 ** 30) * 10) / 10).toFixed(1)}GiB`;
    expect(said).toContain(`${over} is more memory than ${memory.cgroup ? `this process may use (its cgroup's limit: ${gigabytes};` : `this host has (${gigabytes})`}`);
    expect(said).toMatch(/: set it lower, such as the default 256MB .*→ at DATABOX_DUCKDB_MEMORY_LIMIT$/);
    const under = `${Math.floor((memory.bytes * 0.9) / 1e6)}MB`;
    expect(loadConfig({ DATABOX_DUCKDB_MEMORY_LIMIT: under }).duckdbMemoryLimit).toBe(under);
  });

  // Refused before as "expected a size such as 256MB or 1GB": DuckDB writes terabytes too.
  it('reads a DuckDB memory limit in TB or TiB, and holds it to the memory there is as any other', () => {
    expect(loadConfig({ DATABOX_DUCKDB_MEMORY_LIMIT: '0.001TB' }).duckdbMemoryLimit).toBe('0.001TB');
    expect(loadConfig({ DATABOX_DUCKDB_MEMORY_LIMIT: '0.001tib' }).duckdbMemoryLimit).toBe('0.001tib');
    const over = `${Math.ceil(hostMemory().bytes / 1e12)}TB`;
    expect(configErrorOf({ DATABOX_DUCKDB_MEMORY_LIMIT: over })).toMatch(new RegExp(`✖ ${over} is more memory than (this host has|this process may use) .*→ at DATABOX_DUCKDB_MEMORY_LIMIT$`));
    expect(configErrorOf({ DATABOX_DUCKDB_MEMORY_LIMIT: '1T' })).toContain('expected a size such as 256MB or 1GB (KB, MB, GB or TB; KiB to TiB) → at DATABOX_DUCKDB_MEMORY_LIMIT');
  });

  it('refuses a disk alert percentage above the disk-full one, naming both: the alert would come only once the disk is called full', () => {
    expect(configErrorOf({ DATABOX_DISK_ALERT_PERCENT: '97' })).toContain(
      '97 is above DATABOX_DISK_FULL_PERCENT (95), so the disk alert would come only after the disk check calls the volume full: set it below that (the defaults are 90 and 95) → at DATABOX_DISK_ALERT_PERCENT',
    );
    expect(configErrorOf({ DATABOX_DISK_ALERT_PERCENT: '85', DATABOX_DISK_FULL_PERCENT: '80' })).toContain('85 is above DATABOX_DISK_FULL_PERCENT (80)');
    expect(loadConfig({ DATABOX_DISK_ALERT_PERCENT: '95' }).watch.diskAlertPercent).toBe(95);
    expect(loadConfig({ DATABOX_DISK_ALERT_PERCENT: '70', DATABOX_DISK_FULL_PERCENT: '80' }).diskFullPercent).toBe(80);
  });

  it('refuses a duration past a hundred years, which no clock can add (a plan would fail "Invalid time value")', () => {
    expect(configErrorOf({ DATABOX_APPROVAL_TTL: '100000000d' })).toContain('is longer than 36500d (a hundred years): a typo? → at DATABOX_APPROVAL_TTL');
    expect(loadConfig({ DATABOX_APPROVAL_TTL: '36500d' }).approvalTtlMs).toBe(36_500 * 86_400_000);
    // A per-user window too: 99999999d would hold one person's tenth command back for ever.
    expect(configErrorOf({ DATABOX_USER_COMMAND_LIMIT: '10/99999999d' })).toContain('has a window longer than 36500d (a hundred years): a typo? → at DATABOX_USER_COMMAND_LIMIT');
    expect(loadConfig({ DATABOX_USER_COMMAND_LIMIT: '10/36500d' }).userCommandLimit).toEqual({ limit: 10, windowMs: 36_500 * 86_400_000 });
  });

  it.each(['0s', '500ms'])('DATABOX_APPROVAL_TTL=%s is refused: every plan would expire as it is posted', (text) => {
    expect(configErrorOf({ DATABOX_APPROVAL_TTL: text })).toContain('must be at least 1s, or every plan expires as it is posted → at DATABOX_APPROVAL_TTL');
  });

  it('refuses a duration under a second elsewhere without the approval\'s reason, which is not theirs', () => {
    const said = configErrorOf({ DATABOX_WATCH_INTERVAL: '0s' });
    expect(said).toContain('must be at least 1s → at DATABOX_WATCH_INTERVAL');
    expect(said).not.toContain('plan');
  });

  it.each(['DATABOX_WATCH_INTERVAL', 'DAGSTER_TIMEOUT', 'DATABOX_MOTHERDUCK_CONNECT_TIMEOUT'])(
    '%s longer than a timer can wait (30d) is refused, not fired at once; 24d is taken',
    (name) => {
      expect(configErrorOf({ [name]: '30d' })).toContain(`is longer than the bot can wait (at most 24d, about 24 days) → at ${name}`);
      // A watch interval that long wants its reminders longer still (DATABOX_ALERT_REMINDER must exceed it).
      expect(() => loadConfig({ [name]: '24d', ...(name === 'DATABOX_WATCH_INTERVAL' ? { DATABOX_ALERT_REMINDER: '25d' } : {}) })).not.toThrow();
    },
  );

  it.each(['http://127.0.0.1:3000/graphql', 'https://dagster.internal/graphql/'])('DAGSTER_URL=%s (with /graphql, which the bot adds) is refused, naming the base URL to give', (url) => {
    expect(configErrorOf({ DAGSTER_URL: url })).toContain("expected the webserver's base URL, without /graphql (the bot adds it): such as http://127.0.0.1:3000 → at DAGSTER_URL");
    expect(loadConfig({ DAGSTER_URL: url.replace(/\/graphql\/?$/, '') }).dagster.url).toBe(url.replace(/\/graphql\/?$/, ''));
  });

  it.each(['127.0.0.1:3000', 'not a url'])('DAGSTER_URL=%j (no scheme) is a ConfigError naming what is expected, never a thrown TypeError', (url) => {
    expect(configErrorOf({ DAGSTER_URL: url })).toContain('expected the Dagster webserver URL such as http://127.0.0.1:3000 → at DAGSTER_URL');
  });

  it('takes an age compared with a clock, never waited for, beyond 24d (a heartbeat that may be years old)', () => {
    expect(loadConfig({ DATABOX_HEARTBEAT_MAX_AGE: '100000h' }).watch.heartbeatMaxAgeMs).toBe(100_000 * 3_600_000);
  });

  it.each(['0x5A', '1e2', '90%', ' '])('DATABOX_DISK_ALERT_PERCENT=%j is refused, naming what is expected', (text) => {
    expect(configErrorOf({ DATABOX_DISK_ALERT_PERCENT: text })).toContain('→ at DATABOX_DISK_ALERT_PERCENT');
    expect(configErrorOf({ DATABOX_DISK_ALERT_PERCENT: text })).toMatch(/expected a percentage from 1 to 100/);
  });

  it('refuses a DATABOX_ROOT that is not a directory, and a DATABOX_STATE_DIR under a file', () => {
    expect(configErrorOf({ DATABOX_ROOT: '/nonexistent/databox' })).toContain('/nonexistent/databox is not a directory: it must be the databox checkout → at DATABOX_ROOT');
    const file = path.join(os.tmpdir(), `databox-config-${process.pid}`);
    fs.writeFileSync(file, 'x');
    try {
      expect(configErrorOf({ DATABOX_STATE_DIR: path.join(file, 'var') })).toContain(`cannot be created: ${file} is not a directory → at DATABOX_STATE_DIR`);
    } finally {
      fs.rmSync(file);
    }
  });

  it.each(['DATABOX_ROOT', 'DATABOX_DATABASE_PATH', 'DATABOX_STATE_DIR', 'DATABOX_RUNBOOKS_DIR', 'DATABOX_DUCKDB_EXTENSION_DIRECTORY'])(
    '%s starting with ~ is refused, as no shell expands it here, with the full path to give instead',
    (name) => {
      // DATABOX_STATE_DIR=~/var made ./~/var, the journal not where the operator looked; DATABOX_ROOT's refusal said only "not a directory".
      const said = configErrorOf({ [name]: '~/var' });
      expect(said).toBe(
        `invalid configuration: ✖ starts with ~, which no shell expands here: it would be a folder named "~", not a home folder. Give the full path, such as ${path.join(os.homedir(), 'var')} → at ${name}`,
      );
      expect(configErrorOf({ [name]: '~ops/var' })).toContain('it would be a folder named "~ops", not a home folder. Give the full path → at');
      expect(configErrorOf({ [name]: '~' })).toContain(`Give the full path, such as ${os.homedir()} → at ${name}`);
    },
  );

  it.each(['DATABOX_ROOT', 'DATABOX_DATABASE_PATH', 'DATABOX_STATE_DIR', 'DATABOX_RUNBOOKS_DIR', 'DATABOX_DUCKDB_EXTENSION_DIRECTORY'])(
    '%s wrapped in quotes is refused, as docker run --env-file keeps them, naming the setting',
    (name) => {
      // The quotes would be part of the path: a folder named '"' in the working directory, the journal not where expected.
      const why = 'is wrapped in quotes, which would be taken as part of the path (docker run --env-file keeps quotes): write the path bare';
      expect(configErrorOf({ [name]: '"/srv/databox"' })).toBe(`invalid configuration: ✖ ${why} → at ${name}`);
      expect(configErrorOf({ [name]: "'/srv/databox'" })).toBe(`invalid configuration: ✖ ${why} → at ${name}`);
      expect(configErrorOf({ [name]: '/srv/databox"' })).toContain(`${why} → at ${name}`);
    },
  );

  it('refuses a DATABOX_ROOT wrapped in quotes or starting with ~ for the commands that read only the state dir, in the bot\'s words; one naming no checkout is taken', () => {
    for (const root of ['"/srv/databox"', "'/srv/databox'", '~/databox']) {
      expect(() => loadRecordSettings({ DATABOX_ROOT: root })).toThrow(new ConfigError(configErrorOf({ DATABOX_ROOT: root })));
    }
    expect(loadRecordSettings({ DATABOX_ROOT: '/nowhere/databox' }).databoxRoot).toBe('/nowhere/databox');
  });

  it('takes a path with a ~ further on, which is a folder\'s own name', () => {
    expect(loadConfig({ DATABOX_STATE_DIR: 'var/~backup' }).stateDir).toBe(path.resolve('var/~backup'));
  });

  it.each(['15 minutes', '15', 'm15', '-5m', '1.5h', '15M', '1w', '1h 30m', '30s1m', '1h30', 'h'])('DATABOX_APPROVAL_TTL=%j is refused, naming the variable', (text) => {
    expect(configErrorOf({ DATABOX_APPROVAL_TTL: text })).toContain('expected a duration such as 30s, 15m, 2h or 1h30m → at DATABOX_APPROVAL_TTL');
  });

  it('parseDuration trims, takes several units together largest first, and returns undefined for anything else', () => {
    expect(parseDuration(' 15m ')).toBe(900_000);
    expect(parseDuration('15m30s')).toBe(930_000);
    expect(parseDuration('1h30m')).toBe(parseDuration('90m'));
    expect(parseDuration('1d12h')).toBe(parseDuration('36h'));
    expect(parseDuration('1m500ms')).toBe(60_500);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('30m1h')).toBeUndefined();
    expect(parseDuration('1h1h')).toBeUndefined();
    expect(parseDuration('')).toBeUndefined();
  });

});

describe('other variables', () => {
  it('parses numbers, the log level and the approvers list', () => {
    const config = loadConfig({
      PORT: '8080',
      HEALTH_PORT: '9100',
      LOG_LEVEL: 'debug',
      DATABOX_DISK_FULL_PERCENT: '90.5',
      DATABOX_WORKERS: '4',
      DATABOX_DUCKDB_MEMORY_LIMIT: '1GB',
      DATABOX_DUCKDB_THREADS: '3',
      DATABOX_WORK_NICENESS: '10',
      DATABOX_READ_NICENESS: '15',
      DATABOX_APPROVERS: ' U012ABCDEF, W0ABC123 ',
      HEALTH_SOCKET_GRACE: '90s',
    });
    expect(config).toMatchObject({ slack: { port: 8080, healthPort: 9100, socketDownGraceMs: 90_000 }, logLevel: 'debug', diskFullPercent: 90.5, workers: 4, duckdbMemoryLimit: '1GB', duckdbThreads: 3, workNiceness: 10, readNiceness: 15, approvers: ['U012ABCDEF', 'W0ABC123'] });
    // An operator's spelling of the level, and a per-person window in days, as every other duration may be.
    expect(loadConfig({ LOG_LEVEL: 'INFO', DATABOX_USER_COMMAND_LIMIT: '10/1d' })).toMatchObject({ logLevel: 'info', userCommandLimit: { limit: 10, windowMs: 86_400_000 } });
    expect(loadConfig({ DATABOX_USER_COMMAND_LIMIT: '10/1h30m' }).userCommandLimit).toEqual({ limit: 10, windowMs: 90 * 60_000 });
  });

  it('refuses a HEALTH_PORT of 0, which the health check could not find, naming why', () => {
    expect(() => loadConfig({ HEALTH_PORT: '0' })).toThrow('invalid configuration: ✖ expected a port number from 1 to 65535 (0, any free port, could not be found by the health check) → at HEALTH_PORT');
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['LOG_LEVEL', 'verbose'],
    ['DATABOX_DISK_FULL_PERCENT', '101'],
    ['DATABOX_WORKERS', '0'],
    ['DATABOX_WORKERS', '9'],
    ['DATABOX_WORKERS', '1.5'],
    ['DATABOX_APPROVERS', 'bob'],
    ['DATABOX_REQUESTERS', 'oncall-team'],
    ['DATABOX_ALLOW_GUEST_APPROVAL', 'maybe'],
    ['DATABOX_USER_COMMAND_LIMIT', '10'],
    ['DATABOX_USER_COMMAND_LIMIT', '0/5m'],
    ['DATABOX_USER_COMMAND_LIMIT', '10/30m1h'],
    ['DATABOX_USER_COMMAND_LIMIT', '/5m'],
    ['SLACK_API_URL', 'not a url'],
    ['SLACK_API_URL', 'localhost:8080/api/'],
    ['SLACK_API_URL', 'ftp://slack.example/api/'],
    ['DATABOX_DUCKDB_MEMORY_LIMIT', '256KB'],
    ['DATABOX_DUCKDB_MEMORY_LIMIT', '0MB'],
    ['DATABOX_APPROVAL_TTL', '100000000d'],
    ['DATABOX_HEARTBEAT_MAX_AGE', '99999999999999999999h'],
    ['DATABOX_BACKEND', 'postgres'],
    ['DATABOX_MOTHERDUCK_DATABASE', 'data box'],
    ['DATABOX_MOTHERDUCK_DATABASE', "x';DROP DATABASE y"],
    // A share is never named: only a plain name, so md:_share/… is refused (README, scenario 3).
    ['DATABOX_MOTHERDUCK_DATABASE', 'md:_share/databox/3f2a9c1e-5b7d-4e6f-8a9b-0c1d2e3f4a5b'],
    ['DATABOX_MOTHERDUCK_CONNECT_TIMEOUT', 'forever'],
    ['DATABOX_DUCKDB_MEMORY_LIMIT', 'lots'],
    ['DATABOX_DUCKDB_MEMORY_LIMIT', "256MB'; SET x=1"],
    ['DATABOX_DUCKDB_THREADS', '0'],
    ['DATABOX_DUCKDB_THREADS', '1.5'],
    ['DATABOX_DUCKDB_THREADS', 'two'],
    ['DATABOX_DUCKDB_THREADS', '-1'],
    ['DATABOX_WORK_NICENESS', '20'],
    ['DATABOX_WORK_NICENESS', '-5'],
    ['DATABOX_WORK_NICENESS', 'low'],
    ['DATABOX_READ_NICENESS', '20'],
  ])('%s=%j gives a ConfigError naming %s', (name, value) => {
    const message = configErrorOf({ [name]: value });
    expect(message.startsWith('invalid configuration: ')).toBe(true);
    expect(message).toMatch(new RegExp(`→ at ${name}\\b`));
    expect(message).not.toContain('\n');
  });

  it('reads the approval and load settings', () => {
    expect(
      loadConfig({ DATABOX_REQUESTERS: 'U012ABCDEF, S0ONCALL', DATABOX_ALLOW_GUEST_APPROVAL: 'true', DATABOX_USER_COMMAND_LIMIT: '3/90s' }),
    ).toMatchObject({ requesters: ['U012ABCDEF', 'S0ONCALL'], allowGuestApproval: true, allowExternalApproval: false, userCommandLimit: { limit: 3, windowMs: 90_000 } });
  });

  it('takes user groups in DATABOX_APPROVERS as DATABOX_REQUESTERS does', () => {
    expect(loadConfig({ DATABOX_APPROVERS: 'U012ABCDEF,S0ONCALL' }).approvers).toEqual(['U012ABCDEF', 'S0ONCALL']);
  });

  it.each([
    ['U01,,U02', 'entry 2 is empty (nothing between two commas)'],
    ['U01,', 'entry 2 is empty (a comma at the end)'],
    [',U01', 'entry 1 is empty (a comma at the start)'],
    ['U01, ,U02', 'entry 2 is empty (nothing between two commas)'],
    [' ', 'is only spaces'],
  ])('refuses an empty entry in %j of either list, naming the variable and the entry, rather than dropping it', (value, said) => {
    for (const name of ['DATABOX_APPROVERS', 'DATABOX_REQUESTERS']) {
      expect(configErrorOf({ [name]: value })).toContain(said);
      expect(configErrorOf({ [name]: value })).toMatch(new RegExp(`→ at ${name}$`));
    }
  });

  it('refuses a list of nothing but commas, which would otherwise let anyone approve', () => {
    expect(configErrorOf({ DATABOX_APPROVERS: ',' })).toMatch(/entry 1 is empty .*entry 2 is empty/);
  });

  it('names every bad variable at once', () => {
    const message = configErrorOf({ PORT: 'abc', DATABOX_APPROVAL_TTL: 'soon', LOG_LEVEL: 'loud' });
    for (const name of ['PORT', 'DATABOX_APPROVAL_TTL', 'LOG_LEVEL']) expect(message).toContain(`→ at ${name}`);
  });
});

describe('a variable the bot does not read', () => {
  it('stops the start at a misspelled DATABOX_ setting, naming it and the setting meant, since it would leave approvals open to anyone', () => {
    expect(configErrorOf({ DATABOX_APROVERS: 'U0ONLY' })).toBe(
      'invalid configuration: DATABOX_APROVERS is not a setting databox-bot reads, so its value would be ignored: did you mean DATABOX_APPROVERS? Rename it',
    );
    expect(configErrorOf({ DATABOX_REQUESTER: 'U0ONLY' })).toContain('DATABOX_REQUESTER is not a setting databox-bot reads, so its value would be ignored: did you mean DATABOX_REQUESTERS?');
    expect(configErrorOf({ DATABOX_ALLOW_SELF_APROVAL: 'true' })).toContain('did you mean DATABOX_ALLOW_SELF_APPROVAL?');
    expect(configErrorOf({ DATABOX_APROVERS: 'U0ONLY', DATABOX_REQUESTER: 'U0ONLY' })).toMatch(/DATABOX_APROVERS .*; DATABOX_REQUESTER /);
  });

  // Ignored before, as the environment's names are case-sensitive: approvals stayed open to anyone.
  it('stops the start at a setting written in lower or mixed case, naming it and the setting meant', () => {
    for (const name of ['databox_approvers', 'Databox_Approvers', 'DATABOX_approvers']) {
      expect(configErrorOf({ [name]: 'U0ONLY' })).toBe(
        `invalid configuration: ${name} is not a setting databox-bot reads (setting names are upper case), so its value would be ignored: did you mean DATABOX_APPROVERS? Rename it`,
      );
    }
    expect(configErrorOf({ slack_signing_secret: 's' })).toContain('slack_signing_secret is not a setting databox-bot reads (setting names are upper case), so its value would be ignored: did you mean SLACK_SIGNING_SECRET?');
    expect(configErrorOf({ databox_aprovers: 'U0ONLY' })).toContain('databox_aprovers is not a setting databox-bot reads, so its value would be ignored: did you mean DATABOX_APPROVERS?');
    expect(() => loadRecordSettings({ databox_state_dir: '/srv/var' })).toThrow('did you mean DATABOX_STATE_DIR?');
  });

  // MotherDuck's own docs export motherduck_token in lower case for its CLI and DuckDB extension: a shell set up so must
  // not stop the bot, whose own MOTHERDUCK_TOKEN may be set beside it.
  it('warns at a MotherDuck setting in lower case, which its tools read themselves, instead of stopping the start (not a Dagster one)', () => {
    expect(() => loadConfig({ motherduck_token: 'md-token', MOTHERDUCK_TOKEN: 'md-token' })).not.toThrow();
    expect(configErrorOf({ dagster_url: 'http://dagster:3000' })).toContain('dagster_url is not a setting databox-bot reads (setting names are upper case)');
    expect(unreadSettingsWarning({ motherduck_token: 'md-token' })).toMatch(/^databox-bot reads no setting named motherduck_token \(did you mean MOTHERDUCK_TOKEN\?\): passed on to the commands it runs/);
  });

  it("leaves the databox stack's own names alone in any case, and warns at other lower-case ones as at upper-case ones", () => {
    expect(() => loadConfig({ databox_smoke: '1', databox_host: 'db1', slack_webhook_url: 'https://hooks.example' })).not.toThrow();
    expect(unreadSettingsWarning({ databox_smoke: '1', slack_webhook_url: 'https://hooks.example' })).toBeUndefined();
    expect(unreadSettingsWarning({ databox_host: 'db1' })).toMatch(/^databox-bot reads no setting named databox_host/);
  });

  it('starts with a DATABOX_ name far from every setting (the stack may read one added since), warning that the bot reads no such setting', () => {
    expect(() => loadConfig({ DATABOX_NOTHING_LIKE_IT: '1' })).not.toThrow();
    expect(unreadSettingsWarning({ DATABOX_NOTHING_LIKE_IT: '1', DATABOX_SMOKE: '1', DATABOX_APPROVERS: 'U0A' })).toBe(
      "databox-bot reads no setting named DATABOX_NOTHING_LIKE_IT: passed on to the commands it runs, but if it was meant as one of the bot's settings (README, Configuration), that setting keeps its default",
    );
    expect(unreadSettingsWarning({ DATABOX_APPROVAL_TIMEOUT: '15m' })).toMatch(/^databox-bot reads no setting named DATABOX_APPROVAL_TIMEOUT \(did you mean DATABOX_APPROVAL_TTL\?\)/);
    expect(unreadSettingsWarning({ DATABOX_SMOKE: '1', DATABOX_APPROVERS: 'U0A', DATABOX_APROVERS: 'U0A' })).toBeUndefined();
  });

  it('takes every setting it reads, the databox stack\'s own DATABOX_ variables, and a misspelled name left empty', () => {
    expect(() => loadConfig({ DATABOX_SMOKE: '1', DATABOX_BACKFILL_START: '2026-04-18', DATABOX_BACKFILL_END: '2026-04-20', DATABOX_GATEWAY: 'local', DATABOX_LOG_LEVEL: 'INFO', DATABOX_EBIRD_DAYS_BACK: '30' })).not.toThrow();
    expect(() => loadConfig({ DATABOX_APROVERS: '' })).not.toThrow();
  });

  it('only warns at a SLACK_, DAGSTER_ or MOTHERDUCK_ name close to one it reads (other tools read those prefixes too), and leaves the others alone', () => {
    for (const name of ['SLACK_SIGNING_SECRETS', 'DAGSTER_LOCATON', 'MOTHERDUCK_TOKN', 'SLACK_API_TOKEN', 'DAGSTER_URI']) {
      expect(() => loadConfig({ [name]: 'abcd' }), name).not.toThrow();
    }
    expect(unreadSettingsWarning({ SLACK_SIGNING_SECRETS: 's', DAGSTER_LOCATON: 'databox', MOTHERDUCK_TOKN: 'abcd' })).toBe(
      "databox-bot reads no setting named DAGSTER_LOCATON (did you mean DAGSTER_LOCATION?), MOTHERDUCK_TOKN (did you mean MOTHERDUCK_TOKEN?): passed on to the commands it runs; " +
        "nor SLACK_SIGNING_SECRETS (did you mean SLACK_SIGNING_SECRET?): withheld from the commands it runs, as every SLACK_ variable is, but if it was meant as one of the bot's settings (README, Configuration), that setting keeps its default",
    );
    // Said as it is: the commands never see a SLACK_ variable, so the warning does not say they do.
    expect(childEnvironment({}, { SLACK_SIGNING_SECRETS: 's', DAGSTER_LOCATON: 'databox' })).toEqual({ DAGSTER_LOCATON: 'databox' });
    expect(unreadSettingsWarning({ SLACK_SIGNING_SECRETS: 's' })).toBe(
      "databox-bot reads no setting named SLACK_SIGNING_SECRETS (did you mean SLACK_SIGNING_SECRET?): withheld from the commands it runs, as every SLACK_ variable is, but if it was meant as one of the bot's settings (README, Configuration), that setting keeps its default",
    );
    expect(unreadSettingsWarning({ MOTHERDUCK_TOKN: 'abcd' })).not.toContain('abcd');
    expect(unreadSettingsWarning({ DAGSTER_HOME: '/srv/dagster', DAGSTER_GRPC_TIMEOUT_SECONDS: '60', SLACK_WEBHOOK_URL: 'https://hooks.example', MOTHERDUCK_SAAS_MODE: 'true' })).toBeUndefined();
  });

  it('starts with a DATABOX_ name two letters from a short setting (a stack setting of its own, DATABOX_HOST beside DATABOX_ROOT), warning', () => {
    expect(() => loadConfig({ DATABOX_HOST: 'db1', DATABOX_PORT: '5432' })).not.toThrow();
    expect(unreadSettingsWarning({ DATABOX_HOST: 'db1' })).toMatch(/^databox-bot reads no setting named DATABOX_HOST/);
    // Two letters swapped in a long one is still a misspelling.
    expect(configErrorOf({ DATABOX_APPORVERS: 'U0ONLY' })).toContain('did you mean DATABOX_APPROVERS?');
  });

  it('refuses a misspelled DATABOX_ name for journal verify, repair and postmortem too, which would read another state dir', () => {
    expect(() => loadRecordSettings({ DATABOX_STATE_DIRR: '/srv/var' })).toThrow('DATABOX_STATE_DIRR is not a setting databox-bot reads, so its value would be ignored: did you mean DATABOX_STATE_DIR? Rename it');
  });
});

describe('MotherDuck settings', () => {
  it('picks the backend and the MotherDuck database, with the token kept as a secret', () => {
    const config = loadConfig({
      DATABOX_BACKEND: 'motherduck',
      DATABOX_MOTHERDUCK_DATABASE: 'databox_prod',
      MOTHERDUCK_TOKEN: 'md-secret-token-value',
      DATABOX_MOTHERDUCK_CONNECT_TIMEOUT: '10s',
      DATABOX_DUCKDB_EXTENSION_DIRECTORY: 'ext',
    });
    expect(config.backend).toBe('motherduck');
    expect(config.motherduck).toEqual({
      database: 'databox_prod',
      token: 'md-secret-token-value',
      connectTimeoutMs: 10_000,
      extensionDirectory: path.resolve('ext'),
    });
    expect(config.secrets).toContain('md-secret-token-value');
  });

  it('names the allowed backends', () => {
    expect(configErrorOf({ DATABOX_BACKEND: 'postgres' })).toContain('expected local (the DuckDB file) or motherduck → at DATABOX_BACKEND');
  });
});

describe('Slack settings', () => {
  it('needs an app token or a signing secret with a bot token', () => {
    expect(configErrorOf({ SLACK_BOT_TOKEN: 'xoxb-1-2-abc' })).toContain(
      'set SLACK_APP_TOKEN for Socket Mode, or SLACK_SIGNING_SECRET for HTTP mode → at SLACK_SIGNING_SECRET',
    );
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_APP_TOKEN: 'xapp-1-abc' }).slack).toMatchObject({
      botToken: 'xoxb-1-2-abc',
      appToken: 'xapp-1-abc',
    });
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 'abcdef' }).slack.signingSecret).toBe('abcdef');
  });

  it('refuses a token of the wrong kind without echoing it', () => {
    const message = configErrorOf({ SLACK_BOT_TOKEN: 'xoxp-user-token-supersecret', SLACK_APP_TOKEN: 'xoxb-wrong-kind-hush' });
    expect(message).toContain('is a user token (xoxp-): use the Bot User OAuth Token (xoxb-) from OAuth & Permissions → at SLACK_BOT_TOKEN');
    expect(message).not.toContain('must be a bot token starting with xoxb-');
    expect(message).toContain('must be an app-level token starting with xapp- → at SLACK_APP_TOKEN');
    expect(message).not.toContain('supersecret');
    expect(message).not.toContain('hush');
    expect(configErrorOf({ SLACK_BOT_TOKEN: 'bot-token-hush', SLACK_APP_TOKEN: 'xapp-1-abc' })).toContain('must be a bot token starting with xoxb- → at SLACK_BOT_TOKEN');
  });

  it('refuses a credential with a quote or a space at either end, as docker run --env-file passes them, without echoing it', () => {
    const message = configErrorOf({ SLACK_BOT_TOKEN: '"xoxb-1-2-quoted"', SLACK_SIGNING_SECRET: '0123456789abcdef ', MOTHERDUCK_TOKEN: "'md-hush'" });
    const why = 'has a quote or a space at its start or end, which would be taken as part of it (docker run --env-file keeps quotes): write the value bare';
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'MOTHERDUCK_TOKEN']) expect(message).toContain(`${why} → at ${name}`);
    expect(message).not.toMatch(/quoted|0123456789abcdef|md-hush/);
  });
});

describe('secrets', () => {
  const env = {
    SLACK_BOT_TOKEN: 'xoxb-1111-2222-bottoken',
    SLACK_APP_TOKEN: 'xapp-1-A0-apptoken',
    SLACK_SIGNING_SECRET: 'signing-secret-value',
    MOTHERDUCK_TOKEN: 'md-token-value-123',
    WAREHOUSE_DB_PASSWORD: 'hunter2hunter2',
    api_secret_key: 'lowercase-secret-name',
    SHORT_TOKEN: 'abc',
    WAREHOUSE_DB_PASS: 'dbpass-value-55',
    BYPASS_CACHE: 'always-bypass',
    PATH: '/usr/local/bin:/usr/bin',
    HOME: '/home/ops',
    DATABOX_ROOT: databoxRoot,
  };

  it('collects the values of variables named *TOKEN*, *SECRET* or *PASSWORD* (any case), at least 4 characters long', () => {
    const expected = ['xoxb-1111-2222-bottoken', 'xapp-1-A0-apptoken', 'signing-secret-value', 'md-token-value-123', 'hunter2hunter2', 'lowercase-secret-name', 'dbpass-value-55'];
    expect([...loadConfig(env).secrets].sort()).toEqual([...expected].sort());
    expect([...secretValuesOf(env)].sort()).toEqual([...expected].sort());
  });

  it('redacts every collected secret, and nothing else', () => {
    const redact = createRedactor(loadConfig(env).secrets);
    const text = Object.entries(env)
      .map(([name, value]) => `${name}=${value}`)
      .join('\n');
    const redacted = redact(text);
    for (const secret of loadConfig(env).secrets) expect(redacted).not.toContain(secret);
    expect(redacted).toContain('MOTHERDUCK_TOKEN=[REDACTED]');
    expect(redacted).toContain('WAREHOUSE_DB_PASSWORD=[REDACTED]');
    expect(redacted).toContain('PATH=/usr/local/bin:/usr/bin');
    expect(redacted).toContain(`DATABOX_ROOT=${databoxRoot}`);
    // Too short to be redacted wherever it appears, but printed as NAME=value its name gives it away.
    expect(redacted).toContain('SHORT_TOKEN=[REDACTED]');
    expect(redact('abc')).toBe('abc');
  });
});
