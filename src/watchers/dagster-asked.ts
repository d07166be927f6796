// What the two Dagster watchers (daemon, schedules) share: when they are off, and the webserver's answer they judge by.
import type { DagsterEvidence } from '../dagster/evidence.js';
import type { DagsterClient } from '../dagster/graphql-client.js';
import type { HeartbeatsSeen } from '../dagster/heartbeats-seen.js';
import { probeDagster } from '../dagster/probe.js';
import type { CommandRunner } from '../process/run-command.js';

export interface DagsterWatcherOptions {
  client?: DagsterClient;
  runCommand: CommandRunner;
  root: string;
  enabled: boolean;
  /** The webserver's answer, when another watcher shares it (`cli watch`); by default asked here. */
  probe?: (now: Date) => Promise<DagsterEvidence>;
}

/** Why the watcher is off (`setting` is its switch, e.g. DATABOX_WATCH_DAEMON), or undefined when it is on. */
export function dagsterWatcherOff(options: DagsterWatcherOptions, setting: string): string | undefined {
  return !options.enabled ? `turned off (${setting}=false)` : !options.client ? 'off: DAGSTER_URL is not set' : undefined;
}

/**
 * The webserver's answer for one check: the shared one when given, else asked of the webserver alone, its heartbeats
 * judged with what the watcher's earlier checks saw of them (`heartbeatsSeen`).
 */
export function askDagster(options: DagsterWatcherOptions, now: Date, heartbeatsSeen?: HeartbeatsSeen): Promise<DagsterEvidence> {
  return options.probe?.(now) ?? probeDagster({ client: options.client, runCommand: options.runCommand, cwd: options.root, now, webserverOnly: true, heartbeatsSeen });
}
