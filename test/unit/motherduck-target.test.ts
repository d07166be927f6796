// The MotherDuck target (src/database/motherduck-target.ts): token handling, bounded connect, one-line failures, no secret in any message, a driver's fault kept one.
import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { localTarget } from '../../src/database/local-target.js';
import { motherDuckTarget, type MotherDuckSettings } from '../../src/database/motherduck-target.js';
import { TargetError } from '../../src/database/target.js';
import { resolveSteps } from '../../src/engine/resolve.js';
import type { StepRunContext } from '../../src/engine/steps/context.js';
import { stepKind } from '../../src/engine/steps/index.js';
import type { ResolvedStep } from '../../src/engine/types.js';
import { runCommand } from '../../src/process/run-command.js';
import { createRedactor } from '../../src/redact.js';
import { step as stepSchema } from '../../src/runbook/schema.js';
import { useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('md-target-');
const token = 'md-eyJhbGciOiJIUzI1NiJ9.secret-token-value';
const settings: MotherDuckSettings = { database: 'databox', token, connectTimeoutMs: 5_000 };
const redact = createRedactor([]);

async function failure(promise: Promise<unknown>): Promise<TargetError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TargetError);
    return error as TargetError;
  }
  throw new Error('it connected');
}

describe('the MotherDuck target', () => {
  it('opens md:<database> with the token as the motherduck_token option, never in the path', async () => {
    const calls: [string, Record<string, string>][] = [];
    const target = motherDuckTarget({ ...settings, extensionDirectory: '/opt/duckdb/extensions' }, redact, async (location, options) => {
      calls.push([location, options]);
      throw new Error('Invalid Error: Request failed: Your request is not authenticated. Please check your MotherDuck token.');
    });
    const error = await failure(target.open({ writable: false }));
    expect(calls).toEqual([['md:databox', { motherduck_token: token, extension_directory: '/opt/duckdb/extensions' }]]);
    expect(error.problem).toBe('token-refused');
    expect(error.message).toBe(
      'MotherDuck refused MOTHERDUCK_TOKEN (Invalid Error: Request failed: Your request is not authenticated. Please check your MotherDuck token.): create a new access token in the MotherDuck UI',
    );
    expect(target).toMatchObject({ name: 'motherduck', database: 'databox', label: 'md:databox', lockKey: 'md:databox' });
  });

  it('refuses at once without a token, naming the variable, before DuckDB is asked for anything', async () => {
    let asked = false;
    const target = motherDuckTarget({ ...settings, token: undefined }, redact, async () => {
      asked = true;
      return new Promise<DuckDBInstance>(() => undefined);
    });
    const started = Date.now();
    const error = await failure(target.open({ writable: true }));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(asked).toBe(false);
    expect(error.problem).toBe('token-missing');
    expect(error.message).toMatch(/^MOTHERDUCK_TOKEN is not set: /);
  });

  it('says in one line that the motherduck extension could not be fetched, and how to pre-install it (real DuckDB, loopback repository)', async () => {
    const target = motherDuckTarget(
      { ...settings, extensionDirectory: tempDir(), duckdbOptions: { custom_extension_repository: 'http://127.0.0.1:9' } },
      redact,
    );
    const error = await failure(target.open({ writable: false }));
    expect(error.problem).toBe('extension');
    expect(error.message).not.toContain('\n');
    expect(error.message).toMatch(/^the motherduck DuckDB extension could not be loaded \(IO Error: Failed to download extension "motherduck" at URL "http:\/\/127\.0\.0\.1:9\//);
    expect(error.message).toContain('INSTALL motherduck');
    expect(error.message).toContain('DATABOX_DUCKDB_EXTENSION_DIRECTORY');
    expect(error.message).not.toContain(token);
  });

  it('says so when the installed extension file is damaged (real DuckDB)', async () => {
    const extensions = tempDir();
    const probe = await import('@duckdb/node-api');
    const instance = await probe.DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const [[platform, version]] = (await connection.runAndReadAll('SELECT platform, library_version FROM pragma_platform(), pragma_version()')).getRowsJson() as [[string, string]];
    connection.closeSync();
    instance.closeSync();
    fs.mkdirSync(path.join(extensions, version, platform), { recursive: true });
    fs.writeFileSync(path.join(extensions, version, platform, 'motherduck.duckdb_extension'), 'not an extension\n'.repeat(64));
    const target = motherDuckTarget({ ...settings, extensionDirectory: extensions, duckdbOptions: { custom_extension_repository: 'http://127.0.0.1:9' } }, redact);
    const error = await failure(target.open({ writable: false }));
    expect(error.problem).toBe('extension');
    expect(error.message).toMatch(/^the motherduck DuckDB extension could not be loaded \(Invalid Input Error: Failed to load 'md'/);
  });

  it('gives up within the connect timeout when fetching the extension hangs, and closes a late instance', async () => {
    let closed = false;
    let arrive: (instance: DuckDBInstance) => void = () => undefined;
    const target = motherDuckTarget({ ...settings, connectTimeoutMs: 300 }, redact, () => new Promise<DuckDBInstance>((resolve) => (arrive = resolve)));
    const started = Date.now();
    const error = await failure(target.open({ writable: false }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(error.problem).toBe('timeout');
    expect(error.message).toBe(
      'connecting to MotherDuck (md:databox) did not finish within 300 ms: DuckDB was still fetching or loading the motherduck extension, or MotherDuck did not answer; ' +
        'pre-install it where the bot runs (with network access: INSTALL motherduck; the Docker image does this at build time), or set DATABOX_DUCKDB_EXTENSION_DIRECTORY to a directory that holds it',
    );
    arrive({ closeSync: () => (closed = true) } as unknown as DuckDBInstance);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(closed).toBe(true);
  });

  it('names DATABOX_MOTHERDUCK_DATABASE when MotherDuck has no database of that name', async () => {
    const target = motherDuckTarget({ ...settings, database: 'datbox' }, redact, async () => {
      throw new Error('Catalog Error: SET schema: No catalog + schema named "datbox" found.');
    });
    const error = await failure(target.open({ writable: false }));
    expect(error.problem).toBe('no-database');
    expect(error.message).toBe(
      'MotherDuck has no database "datbox" that this token can open (Catalog Error: SET schema: No catalog + schema named "datbox" found.): DATABOX_MOTHERDUCK_DATABASE names it; check the name against the databases the MotherDuck UI lists',
    );
  });

  it('never lets the token out in an error, whatever DuckDB said', async () => {
    const target = motherDuckTarget(settings, createRedactor([]), async () => {
      throw new Error(`HTTP Error: GET https://api.motherduck.com/?token=${token} failed\nmore detail`);
    });
    const error = await failure(target.open({ writable: false }));
    expect(error.problem).toBe('unreachable');
    expect(error.message).toBe('cannot connect to MotherDuck (md:databox): HTTP Error: GET https://api.motherduck.com/?token=[REDACTED] failed');
  });

  it("says a TypeError the driver throws on a data-changing statement as a fault, its outcome unknown, the token still kept out", async () => {
    // An instance whose connection sets up the session (useUtcDays' SET and macro) and then faults on the statement.
    const connection = {
      run: async () => undefined,
      runAndReadAll: async () => {
        throw new TypeError(`Cannot read properties of undefined (reading 'rows') at md:?motherduck_token=${token}`);
      },
      interrupt: () => undefined,
      closeSync: () => undefined,
    };
    const target = motherDuckTarget(settings, redact, async () => ({ connect: async () => connection, closeSync: () => undefined }) as unknown as DuckDBInstance);
    const root = tempDir();
    const ctx: StepRunContext = {
      root, databasePath: path.join(root, 'x.duckdb'), stateDir: root, incidentId: 'dbx-20260420-3fa2', runId: 'r', diskFullPercent: 95,
      runCommand, redact, clock: () => new Date(), progress: () => {}, targets: { local: localTarget(path.join(root, 'x.duckdb')), motherduck: target, backend: target },
    };
    const [step] = resolveSteps([stepSchema.parse({ id: 'wipe', kind: 'sql', title: 'w', target: 'motherduck', sql: 'DELETE FROM analytics.daily', mutates: true, destructive: true })], { root, values: {}, now: new Date() });
    const result = await stepKind('sql').run(step as ResolvedStep, ctx);
    expect(result.status).toBe('unknown');
    expect(result.summary).toBe(
      "the bot failed inside (TypeError: Cannot read properties of undefined (reading 'rows') at md:?motherduck_token=[REDACTED]), a fault in the bot or its database driver to report, not an answer from md:databox. " +
        'Whether the statement reached md:databox and was applied is not known. Look at the database as it is now (diagnose again) before anything else, a rollback included',
    );
  });
});

describe('the targets of a configuration', () => {
  it('names the local file and MotherDuck, and picks the backend from DATABOX_BACKEND', async () => {
    const { loadConfig } = await import('../../src/config.js');
    const { databaseTargets } = await import('../../src/database/targets.js');
    const root = tempDir();
    const local = databaseTargets(loadConfig({ DATABOX_ROOT: root }), redact);
    expect(local.backend).toBe(local.local);
    expect(local.local).toMatchObject({ name: 'local', database: 'databox', label: path.join(root, 'data', 'databox.duckdb'), lockKey: path.join(root, 'data', 'databox.duckdb') });
    const md = databaseTargets(loadConfig({ DATABOX_ROOT: root, DATABOX_BACKEND: 'motherduck', DATABOX_MOTHERDUCK_DATABASE: 'prod_box' }), redact);
    expect(md.backend).toBe(md.motherduck);
    expect(md.motherduck).toMatchObject({ name: 'motherduck', database: 'prod_box', lockKey: 'md:prod_box' });
    await expect(md.backend.open({ writable: false })).rejects.toThrow(/^MOTHERDUCK_TOKEN is not set/);
  });
});

describe('pre-installing the extension (what the Docker build runs)', () => {
  it('puts motherduck where the target then finds it without downloading (real DuckDB, loopback repository)', async () => {
    const http = await import('node:http');
    const zlib = await import('node:zlib');
    const { installMotherDuckExtension } = await import('../../src/database/install-extension.js');
    const requested: string[] = [];
    const server = http.createServer((request, response) => {
      requested.push(request.url ?? '');
      // Not a real extension: DuckDB's footer (its metadata fields, in reverse, then a blank signature) around filler.
      const [platform, version] = /\/(v[^/]+)\/([^/]+)\//.exec(request.url ?? '')?.slice(1).reverse() ?? [];
      const field = (text: string) => Buffer.concat([Buffer.from(text), Buffer.alloc(32 - text.length)]);
      const metadata = ['4', platform ?? '', version ?? '', 'v0.0.0', 'CPP', '', '', ''].map(field).reverse();
      response.end(zlib.gzipSync(Buffer.concat([Buffer.from('a stand-in extension file\n'.repeat(64)), ...metadata, Buffer.alloc(256)])));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const repository = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const extensions = tempDir();
    try {
      const unsigned = { allow_unsigned_extensions: 'true' };
      const installed = await installMotherDuckExtension(extensions, { ...unsigned, custom_extension_repository: repository });
      expect(installed.startsWith(extensions)).toBe(true);
      expect(installed).toMatch(/\/v\d+\.\d+\.\d+\/[a-z0-9_]+\/motherduck\.duckdb_extension$/);
      expect(requested).toEqual([expect.stringMatching(/\/motherduck\.duckdb_extension\.gz$/)]);
      const target = motherDuckTarget({ ...settings, extensionDirectory: extensions, duckdbOptions: { ...unsigned, custom_extension_repository: 'http://127.0.0.1:9' } }, redact);
      const error = await failure(target.open({ writable: false }));
      // It loaded the pre-installed file (a stand-in, so loading fails) rather than trying to download one.
      expect(error.message).not.toContain('Failed to download');
      expect(error.message).toContain(`could not be loaded (IO Error: Extension "${installed}" could not be loaded`);
      expect(requested).toHaveLength(1);
    } finally {
      server.close();
    }
  });
});
