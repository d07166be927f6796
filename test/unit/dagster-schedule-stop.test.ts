// Scenario 4's rollback step: a copy started through the webserver (name@repository@code-location) is stopped through
// it alone; without DAGSTER_URL it is refused, at the plan and at the run, never handed to the CLI, which names no location.
// A copy the CLI started (a name alone) is stopped through it (real stand-in uv processes), a call cut short read as unknown.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveSteps } from '../../src/engine/resolve.js';
import type { StepRunContext } from '../../src/engine/steps/context.js';
import { runDagsterScheduleStopStep, type DagsterScheduleStopStep } from '../../src/engine/steps/dagster-schedule-stop-step.js';
import { changedBeforeStopping } from '../../src/engine/step-passed.js';
import { endedWords } from '../../src/incidents/run-label.js';
import { defaultDagsterSettings } from '../../src/engine/steps/define-step-kind.js';
import { UserError } from '../../src/errors.js';
import { runCommand } from '../../src/process/run-command.js';
import { step as stepSchema } from '../../src/runbook/schema.js';
import { withStandinPath } from '../helpers/bot-harness.js';
import nock from 'nock';
import { DagsterClient } from '../../src/dagster/graphql-client.js';
import { dagsterUrl, serveDagster } from '../helpers/dagster-fixtures.js';
import { DagsterScheduleStates } from '../helpers/dagster-schedule-states.js';
import { Checkout } from '../helpers/databox-checkout.js';
import { blockNetwork } from '../helpers/no-network.js';

blockNetwork();
let checkout: Checkout;
beforeEach(() => {
  withStandinPath();
  checkout = new Checkout();
});
afterEach(() => {
  nock.cleanAll();
  checkout.remove();
});

const definitionsFile = 'packages/databox/databox/orchestration/definitions.py';
const inRepository = 'all_pipelines_daily@__repository__@databox.orchestration.definitions';

function resolved(copies: string, url: string | undefined): DagsterScheduleStopStep {
  const parsed = stepSchema.parse({ id: 'stop_schedules', kind: 'dagster-schedule-stop', title: 'Stop the schedules the recovery started', copies: '{{copies}}', definitionsFile, mutates: true });
  const [step] = resolveSteps([parsed], { root: checkout.root, values: { copies }, dagster: { ...defaultDagsterSettings, url } });
  return step as unknown as DagsterScheduleStopStep;
}

/** A run with no webserver client: DAGSTER_URL unset when the rollback runs. */
function contextWithoutWebserver(): StepRunContext {
  return {
    root: checkout.root,
    databasePath: checkout.databasePath,
    stateDir: checkout.root,
    incidentId: 'dbx-20260420-3fa2',
    runId: 'run-1',
    diskFullPercent: 95,
    runCommand,
    redact: (text) => text,
    clock: () => new Date(),
    progress: () => {},
    dagster: { heartbeatMaxAgeMs: 180_000 },
  };
}

describe('dagster-schedule-stop without the webserver', () => {
  it('refuses to propose stopping a copy started through the webserver, naming it and why the CLI will not do', () => {
    expect(() => resolved(inRepository, undefined)).toThrow(UserError);
    expect(() => resolved(inRepository, undefined)).toThrow(
      "DAGSTER_URL is needed to stop exactly this copy: all_pipelines_daily in __repository__@databox.orchestration.definitions was started through the webserver, and the CLI's `dagster schedule stop <name>` names no code location, so it could stop a copy of the same name in another one. Nothing was proposed",
    );
    // With the webserver, or for a copy the CLI started (a name alone), the plan is made.
    expect(resolved(inRepository, dagsterUrl).copies).toEqual([{ name: 'all_pipelines_daily', repository: { repositoryName: '__repository__', repositoryLocationName: 'databox.orchestration.definitions' } }]);
    expect(resolved('all_pipelines_daily', undefined).copies).toEqual([{ name: 'all_pipelines_daily' }]);
  });

  it('refuses at the run a copy started through the webserver when DAGSTER_URL is gone, running no CLI, and says nothing changed', async () => {
    checkout.behave({ [`uv run dagster schedule stop all_pipelines_daily -f ${definitionsFile}`]: { stdout: 'Stopped schedule all_pipelines_daily\n' } });
    const planned = { ...resolved(inRepository, dagsterUrl), timeoutMs: 30_000, guard: false };
    const result = await runDagsterScheduleStopStep(planned, contextWithoutWebserver());
    expect(checkout.calls()).toEqual([]);
    expect(result).toMatchObject({ status: 'failed', untouched: true, outputs: { stopped: '' } });
    expect(result.summary).toContain('NOT stopped: DAGSTER_URL is needed to stop exactly this copy: all_pipelines_daily in __repository__@databox.orchestration.definitions');
  });
});

describe('dagster-schedule-stop through the CLI', () => {
  const stop = (name: string) => `uv run dagster schedule stop ${name} -f ${definitionsFile}`;

  it('stops each copy the CLI started with one `dagster schedule stop <name>` each, and no other', async () => {
    checkout.behave({
      [stop('all_pipelines_daily')]: { stdout: 'Stopped schedule all_pipelines_daily\n' },
      [stop('usgs_daily')]: { stdout: 'Stopped schedule usgs_daily\n' },
    });
    const planned = { ...resolved('all_pipelines_daily,usgs_daily', undefined), timeoutMs: 30_000, guard: false };
    const result = await runDagsterScheduleStopStep(planned, contextWithoutWebserver());
    expect(checkout.calls().map((c) => c.command)).toEqual([stop('all_pipelines_daily'), stop('usgs_daily')]);
    expect(result).toMatchObject({ status: 'ok', summary: 'stopped all_pipelines_daily, usgs_daily', outputs: { stopped: 'all_pipelines_daily,usgs_daily', mayHaveStopped: '' } });
    expect(result.untouched).toBeUndefined();
  });

  it('reads a stop cut short by its timeout as unknown (it may have stopped), never "NOT stopped", and the rollback and the postmortem say it may have', async () => {
    checkout.behave({ [stop('all_pipelines_daily')]: { stdout: 'Stopping schedule all_pipelines_daily\n', sleepMs: 20_000 } });
    const planned = { ...resolved('all_pipelines_daily', undefined), timeoutMs: 500, guard: false };
    const result = await runDagsterScheduleStopStep(planned, contextWithoutWebserver());
    expect(checkout.calls().map((c) => c.command)).toEqual([stop('all_pipelines_daily')]);
    expect(result.status).toBe('unknown');
    expect(result.summary).toContain(`MAY HAVE stopped (no answer that can be read came back): ${stop('all_pipelines_daily')} timed out: whether it stopped is not known (it may have)`);
    expect(result.summary).not.toContain('NOT stopped');
    expect(result.outputs).toEqual({ stopped: '', mayHaveStopped: 'all_pipelines_daily' });
    // Not "changed nothing": what the rollback's failure and the postmortem list as changed before it stopped says so.
    expect(result.untouched).toBeUndefined();
    const record = { stepId: planned.id, status: result.status, summary: result.summary, outputs: result.outputs, durationMs: result.durationMs };
    const [changed] = changedBeforeStopping([planned], [record]);
    expect(changed?.summary).toContain('it may have stopped all_pipelines_daily (no answer that can be read came back): look at the schedules in the Dagster UI (Overview → Schedules)');
    expect(endedWords({ status: 'failed', startedAt: '2026-04-21T09:00:00Z', steps: [planned], results: [record] })).toBe('ended, its outcome unknown');
  });
});

describe('dagster-schedule-stop through the webserver', () => {
  it('records a copy paused by hand since as already STOPPED and left as it is, not as stopped by the rollback: its summary and outputs', async () => {
    const dagster = new DagsterScheduleStates(() => new Date());
    serveDagster(dagster.handlers);
    // The recovery started it; a teammate paused it by hand in the Dagster UI before the rollback ran.
    dagster.start('all_pipelines_daily');
    dagster.stop('all_pipelines_daily');
    const planned = { ...resolved(inRepository, dagsterUrl), timeoutMs: 30_000, guard: false };
    const result = await runDagsterScheduleStopStep(planned, { ...contextWithoutWebserver(), dagster: { heartbeatMaxAgeMs: 180_000, client: new DagsterClient({ url: dagsterUrl, timeoutMs: 5_000 }) } });
    expect(dagster.stopRequests).toEqual([]);
    // Before: "stopped all_pipelines_daily in …", and outputs.stopped naming it.
    expect(result.summary).toBe('all_pipelines_daily in __repository__@databox.orchestration.definitions: already STOPPED, not stopped by this rollback: left as it is');
    expect(result.summary).not.toMatch(/^stopped /);
    expect(result).toMatchObject({ status: 'ok', untouched: true, outputs: { stopped: '', mayHaveStopped: '' } });
  });
});
