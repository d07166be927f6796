// Environment configuration, parsed and validated by zod once at start-up.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { dltSecretValues } from './dlt-secrets.js';
import { formatDuration } from './format-duration.js';
import { hostMemory, sizeInBytes, sizePattern } from './duckdb/memory-sizes.js';
import { projectRootOf } from './project-root.js';
import { unknownVariables, type UnknownVariable } from './unknown-variables.js';
import { withheldFromCommands } from './withheld-from-commands.js';

/** Each unit at most once, the largest first: "1h30m" and "1d12h" as well as "90m"; "30s1m" or "1h 30m" are no duration. */
const durationPattern = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/;
const unitsMs = [86_400_000, 3_600_000, 60_000, 1000, 1];

/** Parses "15m", "30s", "2h", "31d", "500ms", or several together ("1h30m", "1d12h"), into milliseconds. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  const match = durationPattern.exec(trimmed);
  if (!match || trimmed === '') return undefined;
  return unitsMs.reduce((ms, unit, i) => ms + Number(match[i + 1] ?? 0) * unit, 0);
}

/** The longest a timer can wait: Node fires a longer one at once (TimeoutOverflowWarning), so a 25d timeout would be none. */
export const longestTimerMs = 2 ** 31 - 1;
export const longestTimerText = `at most 24d, about ${Math.floor(longestTimerMs / 86_400_000)} days`;

/** The longest any duration may be: a typo guard (100000000d would be past what a Date can hold: "Invalid time value"). */
const longestDurationMs = 36_500 * 86_400_000;

/** A duration of at least a second; `tooShort` says what a shorter one would do, where that is one thing. */
function durationAtLeastOneSecond(tooShort = 'must be at least 1s') {
  return z
    .string()
    .refine((text) => parseDuration(text) !== undefined, { message: 'expected a duration such as 30s, 15m, 2h or 1h30m' })
    .transform((text) => parseDuration(text) as number)
    .refine((ms) => ms >= 1_000, { message: tooShort })
    .refine((ms) => ms <= longestDurationMs, { message: 'is longer than 36500d (a hundred years): a typo?' });
}

const duration = durationAtLeastOneSecond();

/** A duration the bot sets a timer for (a timeout, an interval), not only compares with an age: capped as timers are. */
const timerDuration = duration.refine((ms) => ms <= longestTimerMs, { message: `is longer than the bot can wait (${longestTimerText})` });

/** Below this DuckDB cannot pin the blocks a read needs: every diagnosis would fail "Out of Memory", as if the file were bad. */
const smallestMemoryLimit = 16e6;

/** A size in DuckDB's notation, large enough to read a database with, and no more than this process may use. */
const memoryLimit = z
  .string()
  .trim()
  .regex(sizePattern, 'expected a size such as 256MB or 1GB (KB, MB, GB or TB; KiB to TiB)')
  // What is not a size at all is the regex's to say.
  .refine((text) => (sizeInBytes(text) ?? smallestMemoryLimit) >= smallestMemoryLimit, 'is below 16MB, too little for DuckDB to read a database with (KB typed for MB?)')
  .superRefine((text, ctx) => {
    const memory = hostMemory();
    if ((sizeInBytes(text) ?? 0) <= memory.bytes) return;
    const has = memory.cgroup ? `this process may use (its cgroup's limit: ${gigabytes(memory.bytes)}; the host has ${gigabytes(os.totalmem())})` : `this host has (${gigabytes(memory.bytes)})`;
    ctx.addIssue({ code: 'custom', message: `${text} is more memory than ${has}: set it lower, such as the default 256MB (DuckDB's GB is 1,000,000,000 bytes, its GiB 2^30)` });
  });

/** Memory in DuckDB's notation and in GiB, rounded down so a limit of the figure shown is not over it. */
function gigabytes(bytes: number): string {
  return `${(Math.floor(bytes / 1e8) / 10).toFixed(1)}GB = ${(Math.floor(bytes / 2 ** 30 * 10) / 10).toFixed(1)}GiB`;
}

/**
 * A path. A leading ~ is refused: only a shell expands it, and none reads these values (npm start's .env, docker's
 * --env-file, a systemd unit), so ~/var would be a relative path, to a folder named "~". So are quotes at either end,
 * which docker's --env-file keeps as part of the value: "/srv/databox" would be a folder named '"' in the working one.
 */
const pathValue = z
  .string()
  .min(1)
  .refine((text) => !/^["']|["']$/.test(text), {
    abort: true,
    message: 'is wrapped in quotes, which would be taken as part of the path (docker run --env-file keeps quotes): write the path bare',
  })
  .refine((text) => !text.startsWith('~'), {
    // The checks of the whole that would follow (DATABOX_ROOT is not a directory) would only say the same again.
    abort: true,
    error: (issue) => {
      const rest = /^~(?:\/(.*))?$/.exec(issue.input as string);
      const example = rest ? `, such as ${path.join(os.homedir(), rest[1] ?? '')}` : '';
      return `starts with ~, which no shell expands here: it would be a folder named "${(issue.input as string).split('/')[0]}", not a home folder. Give the full path${example}`;
    },
  });

/** A yes or no (z.stringbool: "false" is false), spaces around it ignored as they are for every other value. */
const flag = z.string().trim().pipe(z.stringbool());

/** A whole number written plainly ("4", not "1e2" or "0x5", which Number() would also read), from `min` to `max`. */
function wholeNumber(min: number, max: number, messages: { notOne: string; tooFew?: string; tooMany?: string }) {
  return z
    .string()
    .trim()
    .regex(/^\d+$/, messages.notOne)
    .transform(Number)
    .pipe(z.number().min(min, messages.tooFew ?? messages.notOne).max(max, messages.tooMany ?? messages.notOne));
}

/** A percentage written plainly ("90", "92.5"): not "0x5A" or "1e2", which Number() would also read. */
const percent = z
  .string()
  .trim()
  .regex(/^\d+(\.\d+)?$/, 'expected a percentage from 1 to 100 such as 90 (no % sign)')
  .transform(Number)
  .pipe(z.number().min(1, 'expected a percentage from 1 to 100').max(100, 'expected a percentage from 1 to 100'));

/** "10/5m": at most 10 commands per person in any 5 minutes. */
const perUserLimit = z
  .string()
  .refine((text) => /^\d+\/./.test(text) && parseDuration(text.slice(text.indexOf('/') + 1)) !== undefined, {
    message: 'expected a count and a window such as 10/5m or 10/1h30m (d, h, m, s, ms; several largest first)',
  })
  .transform((text) => {
    const [count, window] = text.split('/') as [string, string];
    return { limit: Number(count), windowMs: parseDuration(window) as number };
  })
  .refine((value) => value.limit >= 1 && value.windowMs >= 1_000, { message: 'needs at least 1 command in a window of at least 1s' })
  .refine((value) => value.windowMs <= longestDurationMs, { message: 'has a window longer than 36500d (a hundred years): a typo?' });

/**
 * Comma-separated Slack user IDs (U…, W…) and user-group IDs (S…), spaces around each ignored. An empty entry is refused,
 * not dropped: it is most often an ID deleted by mistake, and a value of nothing but commas would read as no list at
 * all, which lets anyone.
 */
const slackUserOrGroupIds = z
  .string()
  .transform((text, ctx) => {
    const ids = text.split(',').map((id) => id.trim());
    ids.forEach((id, i) => {
      if (id === '') ctx.addIssue({ code: 'custom', message: emptyEntry(i, ids.length) });
    });
    return ids;
  })
  .pipe(z.array(z.string().regex(/^[UWS][A-Z0-9]+$/, 'expected Slack user IDs (U012ABCDEF) or user-group IDs (S012ABCDEF)')));

/** Why entry `i` (from 0) of `count` is refused, with where it is, since that is what an operator looks for. */
function emptyEntry(i: number, count: number): string {
  if (count === 1) return 'is only spaces: list IDs, or leave it empty for its default';
  const where = i === 0 ? 'a comma at the start' : i === count - 1 ? 'a comma at the end' : 'nothing between two commas';
  return `entry ${i + 1} is empty (${where}): a deleted ID? Put it back, or remove the comma`;
}

const niceness = z
  .string()
  .trim()
  .regex(/^\d+$/, 'expected a niceness from 0 (the bot\'s own priority) to 19 (the lowest)')
  .transform(Number)
  .pipe(z.number().max(19, 'expected a niceness from 0 (the bot\'s own priority) to 19 (the lowest)'));

/** All cores but one, which is left to the event loop that answers Slack while a full read runs. */
function defaultReaderThreads(): number {
  return Math.max(1, os.availableParallelism() - 1);
}

/**
 * A credential as Slack or MotherDuck issued it. A quote or a space at either end would be sent as part of it, and fail
 * only later (every request's signature, every call): Docker's --env-file keeps quotes, where npm start's .env strips them.
 */
const credential = z
  .string()
  .min(1)
  .refine((value) => value === value.trim() && !/^["']|["']$/.test(value), {
    message: 'has a quote or a space at its start or end, which would be taken as part of it (docker run --env-file keeps quotes): write the value bare',
  });

const envSchema = z
  .object({
    SLACK_BOT_TOKEN: credential
      .refine((value) => !value.startsWith('xoxp-'), { message: 'is a user token (xoxp-): use the Bot User OAuth Token (xoxb-) from OAuth & Permissions', abort: true })
      .refine((value) => value.startsWith('xoxb-'), { message: 'must be a bot token starting with xoxb-' })
      .optional(),
    SLACK_APP_TOKEN: credential.refine((value) => value.startsWith('xapp-'), { message: 'must be an app-level token starting with xapp-' }).optional(),
    SLACK_SIGNING_SECRET: credential.optional(),
    SLACK_API_URL: z.url({ protocol: /^https?$/, error: 'expected the Web API base URL such as https://slack.com/api/' }).optional(),
    // Digits only: a blank would read as 0 (a random port) and 0x50 as 80.
    PORT: z
      .string()
      .trim()
      .regex(/^\d{1,5}$/, 'expected a port number such as 3000 (0: any free port, named in the start-up log)')
      .transform(Number)
      .pipe(z.number().max(65535, 'expected a port number from 0 to 65535'))
      .default(3000),
    // Socket Mode's /healthz, on 127.0.0.1 only (health-listener.ts): a fixed port, as the health check must find it.
    HEALTH_PORT: z
      .string()
      .trim()
      .regex(/^\d{1,5}$/, 'expected a port number such as 8099')
      .transform(Number)
      .pipe(z.number().min(1, 'expected a port number from 1 to 65535 (0, any free port, could not be found by the health check)').max(65535, 'expected a port number from 1 to 65535'))
      .default(8099),
    // How long Socket Mode's /healthz still answers 200 while the connection is down (socket-mode-health.ts).
    HEALTH_SOCKET_GRACE: duration.default(2 * 60_000),
    // INFO reads as info: pino's names are lower-case, an operator's often are not.
    LOG_LEVEL: z.string().trim().toLowerCase().pipe(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])).default('info'),
    DATABOX_ROOT: pathValue.optional(),
    DATABOX_DATABASE_PATH: pathValue.optional(),
    DATABOX_STATE_DIR: pathValue.default('./var'),
    DATABOX_RUNBOOKS_DIR: pathValue.optional(),
    DATABOX_ALLOW_SELF_APPROVAL: flag.default(false),
    DATABOX_APPROVERS: slackUserOrGroupIds.default([]),
    DATABOX_ALLOW_GUEST_APPROVAL: flag.default(false),
    DATABOX_ALLOW_EXTERNAL_APPROVAL: flag.default(false),
    DATABOX_REQUESTERS: slackUserOrGroupIds.default([]),
    DATABOX_APPROVAL_TTL: durationAtLeastOneSecond('must be at least 1s, or every plan expires as it is posted').default(15 * 60_000),
    DATABOX_APPROVAL_CLICK_MAX_AGE: duration.default(60_000),
    DATABOX_DISK_FULL_PERCENT: percent.default(95),
    DATABOX_WORKERS: wholeNumber(1, 8, { notOne: 'expected a whole number of workers from 1 to 8' }).default(2),
    DATABOX_USER_COMMAND_LIMIT: perUserLimit.default({ limit: 10, windowMs: 5 * 60_000 }),
    DAGSTER_URL: z
      .url({ protocol: /^https?$/, error: 'expected the Dagster webserver URL such as http://127.0.0.1:3000' })
      // The bot posts to <DAGSTER_URL>/graphql: a URL that already ends in it would be asked /graphql/graphql.
      .refine((url) => !URL.canParse(url) || !/\/graphql\/?$/.test(new URL(url).pathname), { error: "expected the webserver's base URL, without /graphql (the bot adds it): such as http://127.0.0.1:3000" })
      .optional(),
    DAGSTER_TIMEOUT: timerDuration.default(10_000),
    DAGSTER_LOCATION: z.string().min(1).optional(),
    DAGSTER_REPOSITORY: z.string().min(1).default('__repository__'),
    DAGSTER_DAEMON_START: z
      .string()
      .min(1)
      .refine((text) => !/[`$;|&<>\\"']/.test(text), { message: 'is split on spaces and run without a shell: no quotes or shell metacharacters' })
      .default('uv run dagster-daemon run'),
    DATABOX_WATCH_INTERVAL: timerDuration.default(60_000),
    DATABOX_ALERT_CHANNEL: z.string().regex(/^[CG][A-Z0-9]+$/, 'expected a Slack channel ID such as C012ABCDEF').optional(),
    DATABOX_WATCH_DAEMON: flag.default(true),
    DATABOX_WATCH_SCHEDULES: flag.default(true),
    DATABOX_WATCH_DISK: flag.default(true),
    DATABOX_WATCH_MARTS: flag.default(true),
    DATABOX_WATCH_DATABASE: flag.default(true),
    DATABOX_DISK_ALERT_PERCENT: percent.default(90),
    DATABOX_HEARTBEAT_MAX_AGE: duration.default(3 * 60_000),
    DATABOX_DAGSTER_DOWN_AFTER: duration.default(5 * 60_000),
    DATABOX_ALERT_REMINDER: duration.default(4 * 3_600_000),
    // DuckDB's own notation ("256MB", "2GB"); DuckDB itself refuses what it cannot read when a database opens.
    DATABOX_DUCKDB_MEMORY_LIMIT: memoryLimit.default('256MB'),
    DATABOX_DUCKDB_THREADS: wholeNumber(1, 256, { notOne: 'expected a whole number of threads such as 1 or 2', tooFew: 'needs at least 1 thread', tooMany: 'expected at most 256 threads' }).default(
      defaultReaderThreads(),
    ),
    DATABOX_WORK_NICENESS: niceness.default(0),
    DATABOX_READ_NICENESS: niceness.default(0),
    DATABOX_BACKEND: z.enum(['local', 'motherduck'], { message: 'expected local (the DuckDB file) or motherduck' }).default('local'),
    DATABOX_MOTHERDUCK_DATABASE: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'expected a plain MotherDuck database name (letters, digits and _), such as databox')
      .default('databox'),
    MOTHERDUCK_TOKEN: credential.optional(),
    DATABOX_MOTHERDUCK_CONNECT_TIMEOUT: timerDuration.default(30_000),
    DATABOX_DUCKDB_EXTENSION_DIRECTORY: pathValue.optional(),
  })
  .superRefine((env, ctx) => {
    if (env.DATABOX_ROOT !== undefined && !isDirectory(path.resolve(env.DATABOX_ROOT))) {
      ctx.addIssue({ code: 'custom', path: ['DATABOX_ROOT'], message: `${path.resolve(env.DATABOX_ROOT)} is not a directory: it must be the databox checkout` });
    }
    // The watcher would warn only once the disk check already calls the volume full, if at all.
    if (env.DATABOX_DISK_ALERT_PERCENT > env.DATABOX_DISK_FULL_PERCENT) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABOX_DISK_ALERT_PERCENT'],
        message: `${env.DATABOX_DISK_ALERT_PERCENT} is above DATABOX_DISK_FULL_PERCENT (${env.DATABOX_DISK_FULL_PERCENT}), so the disk alert would come only after the disk check calls the volume full: set it below that (the defaults are 90 and 95)`,
      });
    }
    // A reminder at every check is the flood the one-alert-per-outage rule is there to stop (61 posts an hour at 1m).
    if (env.DATABOX_ALERT_REMINDER <= env.DATABOX_WATCH_INTERVAL) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABOX_ALERT_REMINDER'],
        message: `${formatDuration(env.DATABOX_ALERT_REMINDER)} is not longer than DATABOX_WATCH_INTERVAL (${formatDuration(env.DATABOX_WATCH_INTERVAL)}), so every check would post a reminder to the channel: set it well above the interval (the defaults are 4h and 60s)`,
      });
    }
    const blocked = blockingAncestor(path.resolve(env.DATABOX_STATE_DIR));
    if (blocked) ctx.addIssue({ code: 'custom', path: ['DATABOX_STATE_DIR'], message: `cannot be created: ${blocked} is not a directory` });
    if (!env.SLACK_BOT_TOKEN) return; // the terminal front end needs no Slack credentials
    if (!env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_SIGNING_SECRET'],
        message: 'set SLACK_APP_TOKEN for Socket Mode, or SLACK_SIGNING_SECRET for HTTP mode',
      });
    }
  });

function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** The nearest existing ancestor of `dir` when it is a file (so `dir` can never be created), else undefined. */
function blockingAncestor(dir: string): string | undefined {
  for (let current = dir; ; current = path.dirname(current)) {
    if (fs.existsSync(current)) return fs.statSync(current).isDirectory() ? undefined : current;
    if (path.dirname(current) === current) return undefined;
  }
}

export interface Config {
  slack: {
    botToken?: string;
    appToken?: string;
    signingSecret?: string;
    apiUrl?: string;
    port: number;
    /** Socket Mode's /healthz port, on 127.0.0.1 (HTTP mode's /healthz is on `port`). */
    healthPort: number;
    /** How long Socket Mode's /healthz still answers 200 while the connection is down. */
    socketDownGraceMs: number;
  };
  logLevel: string;
  databoxRoot: string;
  databasePath: string;
  stateDir: string;
  runbooksDir: string;
  allowSelfApproval: boolean;
  /** Slack user and user-group IDs who may approve plans (and reject others'); empty: anyone Slack's checks let. */
  approvers: string[];
  /** May guests (restricted and ultra-restricted users) approve or reject plans in Slack. */
  allowGuestApproval: boolean;
  /** May people from another workspace or Enterprise org (Slack Connect) approve or reject plans. */
  allowExternalApproval: boolean;
  /** Slack user and user-group IDs who may start recoveries and rollbacks in Slack; empty: anyone. */
  requesters: string[];
  approvalTtlMs: number;
  /** An Approve click decided later than this after it came (Slack's API paused by a rate limit meanwhile) is refused. */
  approvalClickMaxAgeMs: number;
  diskFullPercent: number;
  workers: number;
  dagster: {
    /** The webserver's base URL; undefined: the CLI answers alone and the daemon watcher is off. */
    url?: string;
    timeoutMs: number;
    location?: string;
    repository: string;
    /** How scenario 4 starts the daemon, split on spaces into argv (no shell). */
    daemonStart: string[];
  };
  watch: {
    intervalMs: number;
    /** Where alerts go; undefined: the watchers run and show in /databox status but post nothing. */
    alertChannel?: string;
    daemon: boolean;
    /** The stack's schedules: one STOPPED that is neither marked paused on purpose nor taken as never switched on. */
    schedules: boolean;
    disk: boolean;
    marts: boolean;
    database: boolean;
    diskAlertPercent: number;
    heartbeatMaxAgeMs: number;
    /** How long the webserver may not answer before that is an outage. */
    dagsterDownAfterMs: number;
    /** How long an outage goes on before the alert is repeated. */
    reminderMs: number;
  };
  /** DuckDB's memory_limit for read-only opens (probes, scans, counts): the host also runs Dagster and its jobs. */
  duckdbMemoryLimit: string;
  /** DuckDB's threads for the diagnosis' probes and full-table reads (the reader thread): by default one core fewer than the host has. */
  duckdbThreads: number;
  /** The niceness of the command host, the process that starts the bot's commands, which they inherit. */
  workNiceness: number;
  /** The niceness of the reader thread, on which the diagnosis' DuckDB probes and full reads do their work. */
  readNiceness: number;
  /** The database the scenarios that work on "the" database use, as the databox stack's own DATABOX_BACKEND does. */
  backend: 'local' | 'motherduck';
  motherduck: {
    /** The MotherDuck database the stack reads (md:<database>). */
    database: string;
    /** MOTHERDUCK_TOKEN: passed as the motherduck_token option when the connection is created, never in SQL text. */
    token?: string;
    /** How long connecting (loading the motherduck extension, authenticating) may take before it is reported as failed. */
    connectTimeoutMs: number;
    /** Where DuckDB looks for (and installs) extensions; the Docker image pre-installs motherduck there. */
    extensionDirectory?: string;
  };
  /** Commands that start work (diagnose, validate, recover, postmortem) one person may give in a window. */
  userCommandLimit: { limit: number; windowMs: number };
  /** Values that must never be shown: tokens, secrets and passwords from the environment and dlt's secrets.toml files. */
  secrets: string[];
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * TOKEN, SECRET, PASSWORD as the issue asks, and the other names credentials go by (dlt's SOURCES__…__API_KEY, any
 * *_KEY, PASS as a part of its own: DB_PASS, as the output's redaction finds it; not BYPASS).
 */
const secretNamePattern = /TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|API_KEY|PRIVATE_KEY|ACCESS_KEY|_KEY$|(?:^|_)PASS(?:_|$)/i;

export function secretValuesOf(env: Record<string, string | undefined>): string[] {
  return Object.entries(env)
    .filter(([name, value]) => secretNamePattern.test(name) && typeof value === 'string' && value.length >= 4)
    .map(([, value]) => value as string);
}

const projectRoot = projectRootOf(import.meta.filename);
/** The runbooks shipped with the bot, used unless DATABOX_RUNBOOKS_DIR names others. */
export const bundledRunbooksDir = path.join(projectRoot, 'runbooks');

/** Every variable loadConfig reads: each is documented in .env.example and the README (a test holds them to it). */
export const configVariables: readonly string[] = Object.keys(envSchema.shape);

/**
 * The DATABOX_ variables set that neither the bot nor the databox stack (as known) reads, and not close enough to a
 * setting to be refused as misspelt: warned about at start, as the stack may read a name added since.
 */
export function unreadSettingsWarning(env: Record<string, string | undefined>): string | undefined {
  const unread = unknownVariables(Object.keys(emptyAsUnset(env)), configVariables).filter((v) => !v.misspelt);
  if (unread.length === 0) return undefined;
  const each = (names: UnknownVariable[]) => names.map(({ name, closest }) => `${name}${closest ? ` (did you mean ${closest}?)` : ''}`).join(', ');
  const passed = unread.filter(({ name }) => !withheldFromCommands(name));
  const withheld = unread.filter(({ name }) => withheldFromCommands(name));
  const fates = [
    ...(passed.length > 0 ? [`${each(passed)}: passed on to the commands it runs`] : []),
    ...(withheld.length > 0 ? [`${each(withheld)}: withheld from the commands it runs, as every SLACK_ variable is`] : []),
  ];
  return `databox-bot reads no setting named ${fates.join('; nor ')}, but if it was meant as one of the bot's settings (README, Configuration), that setting keeps its default`;
}

/** Refuses the start at a variable that can only be a misspelling of a setting: its value would be ignored silently. */
function refuseMisspelt(env: Record<string, string | undefined>): void {
  const misspelt = unknownVariables(Object.keys(emptyAsUnset(env)), configVariables).filter((v) => v.misspelt);
  if (misspelt.length === 0) return;
  const each = misspelt.map(
    ({ name, closest, caseOnly }) => `${name} is not a setting databox-bot reads${caseOnly ? ' (setting names are upper case)' : ''}, so its value would be ignored: did you mean ${closest}? Rename it`,
  );
  throw new ConfigError(`invalid configuration: ${each.join('; ')}`);
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Said before any value is checked: a misspelled name leaves its setting at the default (DATABOX_APROVERS: anyone approves).
  refuseMisspelt(env);
  const parsed = envSchema.safeParse(emptyAsUnset(env));
  if (!parsed.success) {
    throw new ConfigError(`invalid configuration: ${z.prettifyError(parsed.error).replace(/\n\s*/g, ' ')}`);
  }
  const e = parsed.data;
  const databoxRoot = path.resolve(e.DATABOX_ROOT ?? process.cwd());
  return {
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      appToken: e.SLACK_APP_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      apiUrl: e.SLACK_API_URL,
      port: e.PORT,
      healthPort: e.HEALTH_PORT,
      socketDownGraceMs: e.HEALTH_SOCKET_GRACE,
    },
    logLevel: e.LOG_LEVEL,
    databoxRoot,
    databasePath: path.resolve(databoxRoot, e.DATABOX_DATABASE_PATH ?? 'data/databox.duckdb'),
    stateDir: path.resolve(e.DATABOX_STATE_DIR),
    runbooksDir: path.resolve(e.DATABOX_RUNBOOKS_DIR ?? bundledRunbooksDir),
    allowSelfApproval: e.DATABOX_ALLOW_SELF_APPROVAL,
    approvers: e.DATABOX_APPROVERS,
    allowGuestApproval: e.DATABOX_ALLOW_GUEST_APPROVAL,
    allowExternalApproval: e.DATABOX_ALLOW_EXTERNAL_APPROVAL,
    requesters: e.DATABOX_REQUESTERS,
    approvalTtlMs: e.DATABOX_APPROVAL_TTL,
    approvalClickMaxAgeMs: e.DATABOX_APPROVAL_CLICK_MAX_AGE,
    diskFullPercent: e.DATABOX_DISK_FULL_PERCENT,
    workers: e.DATABOX_WORKERS,
    userCommandLimit: e.DATABOX_USER_COMMAND_LIMIT,
    dagster: {
      url: e.DAGSTER_URL,
      timeoutMs: e.DAGSTER_TIMEOUT,
      location: e.DAGSTER_LOCATION,
      repository: e.DAGSTER_REPOSITORY,
      daemonStart: e.DAGSTER_DAEMON_START.split(/\s+/).filter(Boolean),
    },
    watch: {
      intervalMs: e.DATABOX_WATCH_INTERVAL,
      alertChannel: e.DATABOX_ALERT_CHANNEL,
      daemon: e.DATABOX_WATCH_DAEMON,
      schedules: e.DATABOX_WATCH_SCHEDULES,
      disk: e.DATABOX_WATCH_DISK,
      marts: e.DATABOX_WATCH_MARTS,
      database: e.DATABOX_WATCH_DATABASE,
      diskAlertPercent: e.DATABOX_DISK_ALERT_PERCENT,
      heartbeatMaxAgeMs: e.DATABOX_HEARTBEAT_MAX_AGE,
      dagsterDownAfterMs: e.DATABOX_DAGSTER_DOWN_AFTER,
      reminderMs: e.DATABOX_ALERT_REMINDER,
    },
    duckdbMemoryLimit: e.DATABOX_DUCKDB_MEMORY_LIMIT,
    duckdbThreads: e.DATABOX_DUCKDB_THREADS,
    workNiceness: e.DATABOX_WORK_NICENESS,
    readNiceness: e.DATABOX_READ_NICENESS,
    backend: e.DATABOX_BACKEND,
    motherduck: {
      database: e.DATABOX_MOTHERDUCK_DATABASE,
      token: e.MOTHERDUCK_TOKEN,
      connectTimeoutMs: e.DATABOX_MOTHERDUCK_CONNECT_TIMEOUT,
      extensionDirectory: e.DATABOX_DUCKDB_EXTENSION_DIRECTORY && path.resolve(e.DATABOX_DUCKDB_EXTENSION_DIRECTORY),
    },
    secrets: [...secretValuesOf(env), ...dltSecretValues(databoxRoot)],
  };
}

/** An empty `FOO=` line in an env file means "not set", as operators expect from .env.example copies. */
/** What the commands that only read the state dir need: `journal verify`, `journal repair`, `postmortem`. */
export interface RecordSettings {
  stateDir: string;
  runbooksDir: string;
  /** Where paths recorded under it are shown relative to: DATABOX_ROOT as given, else the working directory. */
  databoxRoot: string;
  /** DATABOX_ROOT is not set: `databoxRoot` is only the working directory, no checkout a postmortem may look in. */
  rootUnset?: true;
  secrets: string[];
}

const recordSchema = z.object({
  DATABOX_STATE_DIR: pathValue.default('./var'),
  DATABOX_RUNBOOKS_DIR: pathValue.optional(),
  // Not required to be a checkout (a copied state dir is read anywhere), but a path as the bot reads it: quoted, it is refused as the bot refuses it.
  DATABOX_ROOT: pathValue.optional(),
});

/**
 * The settings of the commands that only read the state dir (and the runbooks shipped with the bot). Nothing else is
 * checked: a state dir copied elsewhere (`cp -a var /tmp/evidence`) is read with DATABOX_STATE_DIR alone, wherever
 * DATABOX_ROOT points, or with it unset; the databox checkout is not touched.
 */
export function loadRecordSettings(env: Record<string, string | undefined> = process.env): RecordSettings {
  // DATABOX_STATE_DIRR would otherwise check (or repair) the journal of another state dir without a word.
  refuseMisspelt(env);
  const parsed = recordSchema.safeParse(emptyAsUnset(env));
  if (!parsed.success) throw new ConfigError(`invalid configuration: ${z.prettifyError(parsed.error).replace(/\n\s*/g, ' ')}`);
  const e = parsed.data;
  const databoxRoot = path.resolve(e.DATABOX_ROOT ?? process.cwd());
  return {
    stateDir: path.resolve(e.DATABOX_STATE_DIR),
    runbooksDir: path.resolve(e.DATABOX_RUNBOOKS_DIR ?? bundledRunbooksDir),
    databoxRoot,
    ...(e.DATABOX_ROOT === undefined ? { rootUnset: true as const } : {}),
    secrets: [...secretValuesOf(env), ...dltSecretValues(databoxRoot)],
  };
}

function emptyAsUnset(env: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
}
