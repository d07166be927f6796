// The six watchers as the configuration sets them up, shared by the bot and `cli watch`.
import type { Config } from '../config.js';
import type { DagsterEvidence } from '../dagster/evidence.js';
import { DagsterClient } from '../dagster/graphql-client.js';
import { probeDagster } from '../dagster/probe.js';
import { databaseTargets, type DatabaseTargets } from '../database/targets.js';
import { loadMartSlas, whyNoMartSlas } from '../marts/slas.js';
import type { CommandRunner } from '../process/run-command.js';
import { createRedactor } from '../redact.js';
import { probeOpenOffThread } from '../duckdb/off-thread.js';
import { daemonWatcher } from './daemon-watcher.js';
import { loadScheduleRules } from './schedule-rules.js';
import { schedulesWatcher } from './schedules-watcher.js';
import { databaseWatcher } from './database-watcher.js';
import { diskWatcher } from './disk-watcher.js';
import type { Watcher } from './finding.js';
import { martsWatcher } from './marts-watcher.js';
import { fileLook } from './file-look.js';

export function dagsterClientFor(config: Config): DagsterClient | undefined {
  const { url, timeoutMs, location, repository } = config.dagster;
  return url ? new DagsterClient({ url, timeoutMs, location, repository }) : undefined;
}

/** What the watchers are told of the plans on a database (the journal's), named by its lock key. */
export interface PlansOnDatabases {
  /** The plan changing it right now, if any: then its watchers judge nothing. */
  holding(lockKey: string): string | undefined;
  /** The latest plan to change it, when that one stopped part-way: a short line for an alert, and the whole story. */
  leftPartWay(lockKey: string): { short: string; line: string } | undefined;
}

/** The webserver asked once, at the first watcher's time, its answer (or failure) kept for the other. */
function probedOnce(client: DagsterClient | undefined, runCommand: CommandRunner, root: string): (now: Date) => Promise<DagsterEvidence> {
  let answer: Promise<DagsterEvidence> | undefined;
  return (now) => (answer ??= probeDagster({ client, runCommand, cwd: root, now, webserverOnly: true }));
}

/** `oneShot`: a single check (the terminal), so a webserver that does not answer is an outage at once. */
/** `targets`: the bot's own (tests pass a MotherDuck stand-in); by default built from the configuration. */
export function buildWatchers(
  config: Config,
  runCommand: CommandRunner,
  oneShot = false,
  plans?: PlansOnDatabases,
  targets: DatabaseTargets = databaseTargets(config, createRedactor(config.secrets)),
): Watcher[] {
  const slas = config.watch.marts ? loadMartSlas(config.runbooksDir) : [];
  const client = dagsterClientFor(config);
  // A single check judges both Dagster watchers on one answer: a webserver that never answers costs one timeout, not two.
  const probe = oneShot ? probedOnce(client, runCommand, config.databoxRoot) : undefined;
  return [
    daemonWatcher({
      client,
      runCommand,
      root: config.databoxRoot,
      heartbeatMaxAgeMs: config.watch.heartbeatMaxAgeMs,
      downAfterMs: oneShot ? 0 : config.watch.dagsterDownAfterMs,
      enabled: config.watch.daemon,
      probe,
    }),
    schedulesWatcher({
      client,
      runCommand,
      root: config.databoxRoot,
      heartbeatMaxAgeMs: config.watch.heartbeatMaxAgeMs,
      rules: config.watch.schedules ? loadScheduleRules(config.runbooksDir) : { jobs: [], switchedOffAfterMs: 0, runsOnSensors: false },
      enabled: config.watch.schedules,
      // The webserver's outage is the daemon watcher's; with it off, this one's, or nothing would alert on it.
      downAfterMs: config.watch.daemon ? undefined : oneShot ? 0 : config.watch.dagsterDownAfterMs,
      probe,
    }),
    diskWatcher({ paths: [config.databasePath, config.stateDir], alertPercent: config.watch.diskAlertPercent, fullPercent: config.diskFullPercent, enabled: config.watch.disk }),
    martsWatcher({
      target: targets.backend,
      slas,
      noSlas: slas.length === 0 ? whyNoMartSlas(config.runbooksDir) : undefined,
      enabled: config.watch.marts,
      busy: plans && (() => plans.holding(targets.backend.lockKey)),
      // The local file only: MotherDuck's database is not a file a read can keep the stack from writing.
      look: config.backend === 'motherduck' ? undefined : () => fileLook(config.databasePath),
    }),
    databaseWatcher({
      file: config.databasePath,
      enabled: config.watch.database,
      notLocal: config.backend === 'motherduck' ? 'off: DATABOX_BACKEND is motherduck, so the stack does not use this file' : undefined,
      busy: plans && (() => plans.holding(targets.local.lockKey)),
      leftPartWay: plans && (() => plans.leftPartWay(targets.local.lockKey)),
      probe: probeOpenOffThread,
    }),
  ];
}
