// Each scenario's diagnose and recover commands with their parameters: what help lists, in Slack and at the terminal.
import { describeParameter } from './params.js';
import type { Runbook } from './schema.js';

export interface ScenarioCommands {
  /** "diagnose backfill source=ebird|noaa|usgs [from=YYYY-MM-DD] [to=YYYY-MM-DD]" */
  diagnose: string;
  /** One per recovery path: "recover duckdb path=b backup=<path>", with the path's title. */
  recover: { command: string; title: string }[];
}

export function scenarioCommands(rb: Runbook): ScenarioCommands {
  const params = (names: readonly string[]) => names.map((name) => ` ${rb.parameters[name] ? describeParameter(name, rb.parameters[name]) : name}`).join('');
  return {
    diagnose: `diagnose ${rb.id}${params(rb.diagnosis.parameters)}`,
    recover: rb.recovery.map((p) => ({ command: `recover ${rb.id} path=${p.id}${params(p.parameters)}`, title: p.title })),
  };
}
