// The explicit backfill of the missed window: `dagster job backfill` through the CLI, or launchPartitionBackfill where DAGSTER_URL is set.
import type { SpooledOutput } from '../process/output-spool.js';
import type { CommandRunner } from '../process/run-command.js';
import { DagsterError, type DagsterClient } from './graphql-client.js';

export interface BackfillWindow {
  from: string;
  to: string;
}

export interface CliBackfill {
  /** The partitioned job, such as all_pipelines. */
  job: string;
  /** The Python file holding the Definitions, relative to the checkout. */
  definitionsFile: string;
}

/** `dagster job backfill -j <job> --from A --to B --noprompt -f <file>` (flags as in dagster/_cli/job.py; both ends inclusive). */
export function backfillArgv(target: CliBackfill, window: BackfillWindow): string[] {
  return ['uv', 'run', 'dagster', 'job', 'backfill', '-j', target.job, '--from', window.from, '--to', window.to, '--noprompt', '-f', target.definitionsFile];
}

/** The id `dagster job backfill` prints last: "Launched backfill job `<id>`". */
export function launchedBackfillId(output: string): string | undefined {
  return /Launched backfill job `([^`]+)`/.exec(output)?.[1];
}

export interface BackfillResult {
  /** unknown: the request went out and no clear answer came back, so Dagster may have launched it. */
  status: 'ok' | 'failed' | 'unknown';
  backfillId?: string;
  via: 'graphql' | 'cli';
  summary: string;
  output: string;
  exitCode?: number | null;
  /** The CLI's whole output on disk, redacted as it arrived. */
  spool?: SpooledOutput;
  /** Known to have launched nothing: refused by Dagster, or a CLI that never started. */
  launchedNothing?: true;
}

export interface BackfillRequest {
  window: BackfillWindow;
  client?: DagsterClient;
  /** For GraphQL: the assets to backfill, each a key path such as ["ebird", "fct_daily_bird_observations"]. */
  assetKeys: string[][];
  cli: CliBackfill;
  cwd: string;
  runCommand: CommandRunner;
  timeoutMs: number;
  incidentId: string;
  signal?: AbortSignal;
  /** Told the CLI's PID as it starts, so the journal has it and a restart can stop it. */
  onStart?: (pid: number, argv: readonly string[]) => void;
  /** Where the CLI's whole output is kept, as a command step's is. */
  spoolFile?: string;
  redact?: (text: string) => string;
}

const mayHaveLaunched = new Set(['timeout', 'http', 'bad-answer']);

export async function runBackfill(request: BackfillRequest): Promise<BackfillResult> {
  const { window } = request;
  if (request.client && request.assetKeys.length > 0) {
    try {
      const backfillId = await request.client.launchPartitionBackfill({
        assetKeys: request.assetKeys,
        start: window.from,
        end: window.to,
        title: `databox ${request.incidentId}: missed window ${window.from} to ${window.to}`,
        tags: [{ key: 'databox/incident', value: request.incidentId }],
      });
      return { status: 'ok', backfillId, via: 'graphql', summary: `launched backfill ${backfillId} for ${window.from} to ${window.to} through the webserver; the BACKFILL daemon runs it`, output: '' };
    } catch (error) {
      if (!(error instanceof DagsterError)) throw error;
      // A PythonError's message ends in a line break: trimmed, so the summary reads as one line.
      const said = error.message.trim();
      // Refused (a GraphQL or Python error) or never sent (unreachable): not launched. Sent with no answer that can be
      // read (a timeout, an HTTP error, an answer without an id): it may be running, and launching it again would run
      // the window twice.
      if (mayHaveLaunched.has(error.kind)) {
        return {
          status: 'unknown',
          via: 'graphql',
          summary: `the backfill for ${window.from} to ${window.to} may or may not have been launched: ${said}. Look in the Dagster UI (Overview → Backfills) for one tagged databox/incident=${request.incidentId} before launching it again`,
          output: error.raw ?? error.message,
        };
      }
      return { status: 'failed', via: 'graphql', summary: `the backfill for ${window.from} to ${window.to} was not launched: ${said}`, output: error.raw ?? error.message, launchedNothing: true };
    }
  }
  const argv = backfillArgv(request.cli, window);
  const result = await request.runCommand({
    argv,
    cwd: request.cwd,
    timeoutMs: request.timeoutMs,
    signal: request.signal,
    redact: request.redact,
    spoolFile: request.spoolFile,
    onStart: (pid) => request.onStart?.(pid, argv),
  });
  const backfillId = launchedBackfillId(result.output);
  const spool = result.redacted ? result.spool : undefined;
  if (result.exitCode === 0 && backfillId) {
    return { status: 'ok', backfillId, via: 'cli', summary: `launched backfill ${backfillId} for ${window.from} to ${window.to}`, output: result.output, exitCode: 0, spool };
  }
  // Cut short (a timeout, a kill) or ending well without saying which backfill: it may have launched one.
  const unsure = !result.spawnError && (result.timedOut || result.signal !== undefined || result.exitCode === 0);
  if (unsure) {
    const why = result.timedOut ? 'timed out' : result.signal ? `was killed by ${result.signal}` : 'printed no backfill id';
    return {
      status: 'unknown',
      via: 'cli',
      summary: `${argv.join(' ')} ${why}: a backfill of ${window.from} to ${window.to} may or may not have been launched. Look in the Dagster UI (Overview → Backfills) for one of job ${request.cli.job} over that window before launching it again`,
      output: result.output,
      exitCode: result.exitCode,
      spool,
    };
  }
  const why = result.spawnError ?? `exit code ${result.exitCode}`;
  // Failed after it said which backfill it launched: that backfill runs, whatever failed after it.
  const launched = backfillId ? { backfillId } : {};
  return { status: 'failed', via: 'cli', summary: `${argv.join(' ')} failed: ${why} ${backfillId ? `after it launched backfill ${backfillId}` : 'before its output named any backfill launched, so none was'}`, output: result.output, exitCode: result.exitCode, spool, ...launched, ...(result.spawnError ? { launchedNothing: true as const } : {}) };
}
