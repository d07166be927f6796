// Reads the Dagster CLI's text output (liveness-check, schedule list, instance info); anything unrecognised is returned as unparsed, never as healthy.
import type { Unparsed } from './evidence.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; unparsed: Unparsed };

function unparsed<T>(command: string, raw: string): Parsed<T> {
  return { ok: false, unparsed: { command, raw } };
}

/** `dagster-daemon liveness-check` prints "Daemon live" (exit 0) or "Daemon(s) not running" (exit 1). */
export function parseLivenessCheck(output: string, exitCode: number | null, command = 'dagster-daemon liveness-check'): Parsed<{ live: boolean }> {
  const lines = output.split('\n').map((line) => line.trim());
  if (exitCode === 0 && lines.includes('Daemon live')) return { ok: true, value: { live: true } };
  if (exitCode !== 0 && lines.includes('Daemon(s) not running')) return { ok: true, value: { live: false } };
  return unparsed(command, output);
}

export interface ListedSchedule {
  repository: string;
  name: string;
  status: 'RUNNING' | 'STOPPED';
  cron: string;
}

const repositoryLine = /^Repository (\S+)$/;
const starLine = /^\*+$/;
const scheduleLine = /^Schedule: (\S+) \[(RUNNING|STOPPED)\]$/;
const cronLine = /^Cron Schedule: (.+)$/;

/**
 * `dagster schedule list` prints "Repository <name>", a line of *, then per schedule "Schedule: <name> [RUNNING|STOPPED]"
 * and "Cron Schedule: <cron>", schedules separated by lines of *. Warnings before the first "Repository" line are ignored.
 */
export function parseScheduleList(output: string, exitCode: number | null, command = 'dagster schedule list'): Parsed<ListedSchedule[]> {
  if (exitCode !== 0) return unparsed(command, output);
  const lines = output.split('\n').map((line) => line.trimEnd());
  const start = lines.findIndex((line) => repositoryLine.test(line));
  if (start < 0) return unparsed(command, output);
  const schedules: ListedSchedule[] = [];
  let repository = '';
  let pending: Omit<ListedSchedule, 'cron'> | undefined;
  for (const line of lines.slice(start)) {
    if (line === '' || starLine.test(line)) continue;
    const repo = repositoryLine.exec(line);
    const schedule = scheduleLine.exec(line);
    const cron = cronLine.exec(line);
    if (repo && !pending) {
      repository = repo[1] as string;
    } else if (schedule && !pending) {
      pending = { repository, name: schedule[1] as string, status: schedule[2] as 'RUNNING' | 'STOPPED' };
    } else if (cron && pending) {
      schedules.push({ ...pending, cron: (cron[1] as string).trim() });
      pending = undefined;
    } else {
      return unparsed(command, output);
    }
  }
  if (pending || schedules.length === 0) return unparsed(command, output);
  return { ok: true, value: schedules };
}

export interface InstanceInfo {
  /** Null for an ephemeral instance: nothing persists, so no schedule can run. */
  dagsterHome: string | null;
  scheduler?: string;
  runCoordinator?: string;
  runLauncher?: string;
}

/** `dagster instance info` prints "$DAGSTER_HOME: <dir>" and the instance's configuration as YAML sections. */
export function parseInstanceInfo(output: string, exitCode: number | null, command = 'dagster instance info'): Parsed<InstanceInfo> {
  if (exitCode !== 0) return unparsed(command, output);
  if (/^\$DAGSTER_HOME is not set, using an ephemeral instance/m.test(output)) return { ok: true, value: { dagsterHome: null } };
  const home = /^\$DAGSTER_HOME: (.+)$/m.exec(output);
  if (!home) return unparsed(command, output);
  const info: InstanceInfo = { dagsterHome: (home[1] as string).trim() };
  const classOf = (section: string) => new RegExp(`^${section}:\\n(?:[ \\t]+.*\\n)*?[ \\t]+class: (\\S+)`, 'm').exec(`${output}\n`)?.[1];
  info.scheduler = classOf('scheduler');
  info.runCoordinator = classOf('run_coordinator');
  info.runLauncher = classOf('run_launcher');
  return { ok: true, value: info };
}
