// Scenario 4's rollback step: a copy started through the webserver (name@repository@code-location) is stopped through
// it alone; without DAGSTER_URL it is refused, at the plan and at the run, never handed to the CLI, which names no location.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveSteps } from '../../src/engine/resolve.js';
import type { StepRunContext } from '../../src/engine/steps/context.js';
import { runDagsterScheduleStopStep, type DagsterScheduleStopStep } from '../../src/engine/steps/dagster-schedule-stop-step.js';
import { defaultDagsterSettings } from '../../src/engine/steps/define-step-kind.js';
import { UserError } from '../../src/errors.js';
import { runCommand } from '../../src/process/run-command.js';
import { step as stepSchema } from '../../src/runbook/schema.js';
import { withStandinPath } from '../helpers/bot-harness.js';
import { dagsterUrl } from '../helpers/dagster-fixtures.js';
import { Checkout } from '../helpers/databox-checkout.js';
import { blockNetwork } from '../helpers/no-network.js';

blockNetwork();
let checkout: Checkout;
beforeEach(() => {
  withStandinPath();
  checkout = new Checkout();
});
afterEach(() => checkout.remove());

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
