// MotherDuck as a target: md:<database> through @duckdb/node-api, the token given as a config option, never in SQL.
import { firstLine } from '../excerpt.js';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { errorOfKind } from '../error-kind.js';
import { duckdbApi } from '../duckdb/duckdb-api.js';
import { runForRows, useUtcDays } from '../duckdb/open.js';
import { formatDuration } from '../format-duration.js';
import { createRedactor, type Redactor } from '../redact.js';
import { TargetError, type DatabaseTarget, type QueryResult, type TargetSession } from './target.js';

export interface MotherDuckSettings {
  database: string;
  token?: string;
  connectTimeoutMs: number;
  extensionDirectory?: string;
  /** More DuckDB options set when the instance is created (tests point custom_extension_repository at loopback). */
  duckdbOptions?: Record<string, string>;
}

type CreateInstance = (path: string, options: Record<string, string>) => Promise<DuckDBInstance>;

const preInstall =
  'pre-install it where the bot runs (with network access: INSTALL motherduck; the Docker image does this at build time), ' +
  'or set DATABOX_DUCKDB_EXTENSION_DIRECTORY to a directory that holds it';

/** One line saying what failed, from DuckDB's error when the instance could not be created. */
export function connectProblem(error: unknown, database: string, redact: Redactor): TargetError {
  const message = redact(error instanceof Error ? error.message : String(error));
  const line = firstLine(message);
  if (/extension/i.test(message) && /motherduck|load 'md'/i.test(message)) {
    return new TargetError('extension', `the motherduck DuckDB extension could not be loaded (${line}): ${preInstall}`);
  }
  if (/not authenticated|invalid token|token (is )?(invalid|expired)|unauthori[sz]ed/i.test(message)) {
    return new TargetError('token-refused', `MotherDuck refused MOTHERDUCK_TOKEN (${line}): create a new access token in the MotherDuck UI`);
  }
  // A name mistyped in DATABOX_MOTHERDUCK_DATABASE reaches MotherDuck fine and finds nothing there: said as such.
  if (message.includes(`"${database}"`) && /not found|does not exist|no catalog|no database/i.test(message)) {
    return new TargetError(
      'no-database',
      `MotherDuck has no database "${database}" that this token can open (${line}): DATABOX_MOTHERDUCK_DATABASE names it; check the name against the databases the MotherDuck UI lists`,
    );
  }
  return new TargetError('unreachable', `cannot connect to MotherDuck (md:${database}): ${line}`);
}

export function motherDuckTarget(settings: MotherDuckSettings, redact: Redactor, createInstance: CreateInstance = async (path, options) => (await duckdbApi()).DuckDBInstance.create(path, options)): DatabaseTarget {
  // The token is redacted here too, whatever the caller's redactor holds: it must never leave in an error.
  const scrub = (text: string) => redact(settings.token ? createRedactor([settings.token])(text) : text);
  const label = `md:${settings.database}`;
  return {
    name: 'motherduck',
    database: settings.database,
    label,
    lockKey: label,
    async open() {
      if (!settings.token) {
        // Without a token the motherduck extension opens a browser login and waits; a bot has nobody to log in.
        throw new TargetError('token-missing', 'MOTHERDUCK_TOKEN is not set: MotherDuck needs an access token (without one DuckDB would wait for a browser login); set it where the bot runs');
      }
      const options: Record<string, string> = { ...settings.duckdbOptions, motherduck_token: settings.token };
      if (settings.extensionDirectory) options.extension_directory = settings.extensionDirectory;
      const creating = createInstance(label, options);
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => {
          reject(
            new TargetError(
              'timeout',
              `connecting to MotherDuck (${label}) did not finish within ${formatDuration(settings.connectTimeoutMs)}: DuckDB was still fetching or loading the motherduck extension, or MotherDuck did not answer; ${preInstall}`,
            ),
          );
        }, settings.connectTimeoutMs);
      });
      let instance: DuckDBInstance;
      try {
        instance = await Promise.race([creating, deadline]);
      } catch (error) {
        // An instance that arrives after the deadline is closed, not leaked.
        creating.then((late) => late.closeSync(), () => undefined);
        throw error instanceof TargetError ? error : connectProblem(new Error(scrub(String((error as Error)?.message ?? error))), settings.database, scrub);
      } finally {
        clearTimeout(timer);
      }
      try {
        const connection = await instance.connect();
        // A failure here says what failed ("could not set TimeZone …") after "cannot connect", in connectProblem's line.
        await useUtcDays(connection);
        return sessionOf(
          connection,
          () => {
            connection.closeSync();
            instance.closeSync();
          },
          scrub,
        );
      } catch (error) {
        instance.closeSync();
        throw connectProblem(error, settings.database, scrub);
      }
    },
  };
}

/** The md: connection as a target session; `scrub` cleans error messages (of a token, say) before they travel on. */
function sessionOf(connection: DuckDBConnection, close: () => void, scrub: (text: string) => string): TargetSession {
  return {
    async run(sql, params = []): Promise<QueryResult> {
      try {
        return await runForRows(connection, sql, params);
      } catch (error) {
        // Of the same kind: a TypeError in the driver is still a fault on this side, not MotherDuck's answer.
        throw errorOfKind((error as Error)?.name, scrub((error as Error).message));
      }
    },
    interrupt: () => connection.interrupt(),
    close: async () => close(),
  };
}
