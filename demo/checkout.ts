// Builds a small, realistic databox checkout in a folder: a DuckDB file (and a corrupt copy in its place), SQLMesh state,
// a backup, and stand-in `uv` and `task` scripts that print what the real tools would and record how they were called.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { databaseSql, demoCalendar, ebirdRowsSql, martsSql, type Calendar } from './databox-data.js';

export interface Checkout {
  /** The folder holding everything. */
  dir: string;
  /** DATABOX_ROOT: the databox checkout. */
  root: string;
  databasePath: string;
  /** DATABOX_STATE_DIR: the journal, step outputs and postmortems. */
  stateDir: string;
  /** Holds the stand-in `uv` and `task`; put it first on PATH. */
  binDir: string;
  /** A good copy of the database, for path B. */
  backup: string;
  /** One line per stand-in call: the working directory, a tab, the command. */
  callsLog: string;
  /** The environment the CLI or bot needs to work on this checkout (no Slack tokens). */
  env: Record<string, string>;
  /** The days the data covers and the planted bad window. */
  calendar: Calendar;
}

export interface CheckoutOptions {
  /** Put a corrupt copy in place of data/databox.duckdb (scenario 1). Default true. */
  corrupt?: boolean;
  /** Stand-in calls that fail once, such as "verify:dev" or "full-refresh". */
  failOnce?: string[];
  /** The data ends the day before this (default: today). */
  today?: Date;
  /** Makes the database (default createDatabase); the tests pass one that copies a database built once for the calendar. */
  createDatabase?: (file: string, calendar: Calendar) => Promise<void>;
}

/** Creates the demo database at `file`: raw catalogs with the planted bad window, and every mart. */
export async function createDatabase(file: string, calendar: Calendar): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const instance = await DuckDBInstance.create(file);
  try {
    const connection = await instance.connect();
    try {
      await connection.run(databaseSql(calendar));
      await connection.run('CHECKPOINT');
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

/** A copy whose database headers fail their checksums: DuckDB refuses to open it, as with a file blown by a crash. */
export function corruptCopy(from: string, to: string): void {
  const bytes = fs.readFileSync(from);
  for (let i = 4096; i < Math.min(bytes.length, 12_288); i += 1) bytes[i] = (i * 31 + 7) % 256;
  fs.writeFileSync(to, bytes);
}

function write(file: string, text: string, mode?: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, mode ? { mode } : undefined);
}

function standinDb(duckdbModule: string, databasePath: string, calendar: Calendar): string {
  return `// Stand-in database work for the demo's uv and task scripts (made by demo/checkout.ts): SQL, reloads and restatements.
import { createRequire } from 'node:module';
import path from 'node:path';
const require = createRequire(import.meta.url);
const { DuckDBInstance } = require(${JSON.stringify(duckdbModule)});
const [what, ...args] = process.argv.slice(2);
const database = ${JSON.stringify(databasePath)};
const date = /^\\d{4}-\\d{2}-\\d{2}$/;
const reloadSql = ${JSON.stringify(ebirdRowsSql(calendar, '__FROM__', '__TO__', true))};
const martsSql = ${JSON.stringify(martsSql('__FROM__', '__TO__'))};
const window = (sql, from, to) => {
  if (!date.test(from) || !date.test(to)) throw new Error('dates must look like 2026-04-18');
  return sql.replaceAll('__FROM__', from).replaceAll('__TO__', to);
};
async function run(file, sql, show) {
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(sql);
    if (show && reader.columnNames().length > 0) {
      const rows = reader.getRowsJson();
      console.log(reader.columnNames().join(' | '));
      for (const row of rows) console.log(row.map((v) => (v === null ? 'NULL' : String(v))).join(' | '));
      console.log('(' + rows.length + ' rows)');
    }
    return reader;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
try {
  if (what === 'sql') {
    await run(path.resolve(args[0]), args[1], true);
  } else if (what === 'reload-ebird') {
    const from = args[0] || ${JSON.stringify(calendar.firstDay)};
    const to = args[1] || ${JSON.stringify(calendar.lastDay)};
    const before = await run(database, 'SELECT count(*) FROM raw_ebird.observations', false);
    await run(database, window(reloadSql, from, to), false);
    const after = await run(database, 'SELECT count(*) FROM raw_ebird.observations', false);
    const added = Number(after.getRowsJson()[0][0]) - Number(before.getRowsJson()[0][0]);
    console.log('Normalized data for the following tables: observations: ' + added + ' row(s)');
  } else if (what === 'restate') {
    await run(database, window(martsSql, args[0], args[1]), false);
  } else {
    throw new Error('unknown stand-in work ' + what);
  }
} catch (error) {
  console.error('Error: ' + error.message);
  process.exit(1);
}
`;
}

const uvScript = (dir: string, node: string) => `#!/usr/bin/env bash
# Stand-in for uv in the databox demo (made by demo/checkout.ts): prints what the real tools would and exits 0.
STANDINS=${JSON.stringify(dir)}
printf '%s\\t%s\\n' "$PWD" "uv $*" >> "$STANDINS/calls.log"
fail_once() { if [ -f "$STANDINS/fail-once-$1" ]; then rm -f "$STANDINS/fail-once-$1"; return 0; fi; return 1; }
db() { ${JSON.stringify(node)} "$STANDINS/db.mjs" "$@"; }
if [ "$1" != "run" ]; then echo "uv 0.7.3"; exit 0; fi
shift
case "$1" in
  sqlmesh)
    shift
    case "$1" in
      audit)
        if fail_once sqlmesh-audit; then
          echo "Catalog Error: Table with name fct_daily_bird_observations__1912345 does not exist!"
          echo "Audit failed for model ebird.fct_daily_bird_observations: table missing"
          exit 1
        fi
        echo "Found 14 audits."
        echo "ebird.fct_daily_bird_observations: not_null(day_date) ✔  unique_combination_of_columns(day_date, species_code) ✔"
        echo "analytics.fct_species_environment_daily: not_null(day_date) ✔"
        echo "Finished with 0 audit errors."
        ;;
      plan)
        start=""; end=""; models=()
        while [ $# -gt 0 ]; do
          case "$1" in
            --start) start="$2"; shift ;;
            --end) end="$2"; shift ;;
            --restate-model) models+=("$2"); shift ;;
          esac
          shift
        done
        echo "======================================================================"
        echo "Successfully Ran 1 tests against duckdb"
        echo "----------------------------------------------------------------------"
        if [ -n "$start" ]; then
          echo "Restating models: \${models[*]}"
          echo "Backfill for the window $start - $end:"
          for m in "\${models[@]}"; do echo "└── $m [full refresh of $start - $end]"; done
          db restate "$start" "$end" || exit 1
        else
          echo "Summary of differences against \\\`prod\\\`: no changes to models; reconciling state with the physical tables."
        fi
        echo "Applying new plan - all model batches executed successfully"
        echo "The target environment has been updated successfully"
        ;;
      state)
        echo "plan_id                           environment  created_ts"
        echo "7f3c2a1e9b8d4c6f a1b2c3d4e5f60718 prod         2026-04-21 06:00:12"
        echo "1e2d3c4b5a69788 0f1e2d3c4b5a6978 prod         2026-04-20 06:00:09"
        ;;
      *) echo "sqlmesh $*: done" ;;
    esac
    ;;
  dagster)
    shift
    if [ "$1 $2" = "asset materialize" ]; then
      select=""; while [ $# -gt 0 ]; do [ "$1" = "--select" ] && select="$2"; shift; done
      echo "Launching run for assets: $select"
      case "$select" in *ebird*) db reload-ebird "$DATABOX_BACKFILL_START" "$DATABOX_BACKFILL_END" || exit 1 ;; esac
      echo "RUN_SUCCESS - Finished execution of run for \\"__ASSET_JOB\\"."
    elif [ "$1" = "asset-check" ]; then
      echo "Executing asset checks for selection *"
      for c in ebird.fct_daily_bird_observations.row_count ebird.fct_daily_bird_observations.freshness analytics.fct_species_environment_daily.row_count; do echo "  $c: PASSED"; done
      echo "3 checks passed, 0 failed"
    else
      echo "dagster $*: ok"
    fi
    ;;
  duckdb) shift; db sql "$@" || exit 1 ;;
  python) echo "[(1,)]" ;;
  *) echo "uv run $*: ok" ;;
esac
exit 0
`;

const taskScript = (dir: string, root: string) => `#!/usr/bin/env bash
# Stand-in for task (go-task) in the databox demo (made by demo/checkout.ts): prints what the real tasks would and exits 0.
STANDINS=${JSON.stringify(dir)}
ROOT=${JSON.stringify(root)}
printf '%s\\t%s\\n' "$PWD" "task $*" >> "$STANDINS/calls.log"
fail_once() { if [ -f "$STANDINS/fail-once-$1" ]; then rm -f "$STANDINS/fail-once-$1"; return 0; fi; return 1; }
case "$1" in
  full-refresh)
    echo "task: [full-refresh] uv run python -m databox.pipelines.run --all --full-refresh"
    if fail_once full-refresh; then echo "dlt.pipeline.exceptions.PipelineStepFailed: Pipeline execution failed at stage load"; exit 1; fi
    echo "Pipeline ebird_pipeline load step completed in 3.21 seconds: 1 load package(s) loaded into dataset raw_ebird"
    echo "Pipeline noaa_pipeline load step completed in 1.08 seconds: 1 load package(s) loaded into dataset raw_noaa"
    echo "Pipeline usgs_pipeline load step completed in 0.94 seconds: 1 load package(s) loaded into dataset raw_usgs"
    echo "task: [full-refresh] cd transforms/main && uv run sqlmesh plan prod --auto-apply --no-prompts"
    mkdir -p "$ROOT/data" "$ROOT/transforms/main/.sqlmesh"
    cp "$STANDINS/seed.duckdb" "$ROOT/data/databox.duckdb"
    printf 'SQLite format 3\\000' > "$ROOT/transforms/main/state_sync.db"
    echo "Applying new plan - all model batches executed successfully (14 models)"
    ;;
  verify)
    echo "task: [verify] DATABOX_SMOKE=1 task full-refresh"
    if [ ! -f "$ROOT/data/databox.duckdb" ]; then echo "duckdb.IOException: Could not open data/databox.duckdb"; exit 1; fi
    if fail_once verify; then echo "Smoke run failed: ebird.fct_daily_bird_observations has 0 rows"; exit 1; fi
    echo "smoke full-refresh: 3 sources, 14 models OK"
    ;;
  verify:dev)
    echo "task: [verify:dev] uv run soda scan -d databox__dev contracts/"
    if fail_once verify-dev; then
      echo "Soda contract FAILED: ebird.fct_daily_bird_observations row_count between 300 and 600: actual 24 for 2026-04-19"
      echo "1/12 checks FAILED"
      exit 1
    fi
    echo "Soda contracts: 12/12 checks PASSED"
    ;;
  dagster:dev) echo "dagster dev: serving on http://127.0.0.1:3000 (stand-in; not started)" ;;
  *) echo "task: Task \\"$1\\" does not exist"; exit 1 ;;
esac
`;

export async function buildCheckout(dir: string, options: CheckoutOptions = {}): Promise<Checkout> {
  const root = path.join(dir, 'databox');
  const binDir = path.join(dir, 'bin');
  const standins = path.join(dir, 'standins');
  const stateDir = path.join(dir, 'state');
  const databasePath = path.join(root, 'data', 'databox.duckdb');
  const seed = path.join(standins, 'seed.duckdb');
  const backup = path.join(dir, 'backups', 'databox-2026-04-24.duckdb');
  fs.mkdirSync(dir, { recursive: true });
  for (const sub of [path.dirname(databasePath), binDir, standins, stateDir, path.dirname(backup)]) fs.mkdirSync(sub, { recursive: true });

  // The database SQLMesh and dlt built, with the planted bad window; full-refresh "rebuilds" it from this seed.
  const calendar = demoCalendar(options.today);
  await (options.createDatabase ?? createDatabase)(seed, calendar);
  fs.copyFileSync(seed, backup);
  if (options.corrupt ?? true) corruptCopy(seed, databasePath);
  else fs.copyFileSync(seed, databasePath);

  write(path.join(root, 'transforms', 'main', '.sqlmesh', 'cache', 'model_definitions.json'), '{"models": 14}\n');
  write(path.join(root, 'transforms', 'main', 'state_sync.db'), 'SQLite format 3\0');
  write(path.join(root, 'transforms', 'main', 'config.yaml'), 'gateways:\n  duckdb:\n    connection:\n      type: duckdb\n      database: ../../data/databox.duckdb\ndefault_gateway: duckdb\nmodel_defaults:\n  dialect: duckdb\n');
  write(path.join(root, 'packages', 'databox', 'databox', 'orchestration', 'definitions.py'), '# Dagster definitions (demo stand-in)\n');
  write(path.join(root, 'Taskfile.yml'), "version: '3'\ntasks:\n  full-refresh: {}\n  verify: {}\n  verify:dev: {}\n");
  write(path.join(root, 'README.md'), `# databox (demo checkout)\n\nMade by databox-bot's demo: 60 days of eBird, NOAA and USGS data from ${calendar.firstDay} to ${calendar.lastDay}, with a bad eBird ingest window ${calendar.badWindow.from} – ${calendar.badWindow.to}.\n`);

  const duckdbModule = createRequire(import.meta.url).resolve('@duckdb/node-api');
  write(path.join(standins, 'db.mjs'), standinDb(duckdbModule, databasePath, calendar));
  write(path.join(binDir, 'uv'), uvScript(standins, process.execPath), 0o755);
  write(path.join(binDir, 'task'), taskScript(standins, root), 0o755);
  const callsLog = path.join(standins, 'calls.log');
  fs.writeFileSync(callsLog, '');
  for (const name of options.failOnce ?? []) fs.writeFileSync(path.join(standins, `fail-once-${name.replace(/[^a-z0-9-]/gi, '-')}`), '');

  const env: Record<string, string> = {
    DATABOX_ROOT: root,
    DATABOX_STATE_DIR: stateDir,
    PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}`,
  };
  return { dir, root, databasePath, stateDir, binDir, backup, callsLog, env, calendar };
}
