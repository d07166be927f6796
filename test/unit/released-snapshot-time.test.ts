// A named snapshot whose name a cleanup removed is restorable by its time while the retention keeps it: the at= the bot
// gives is MotherDuck's created_ts to the microsecond, which SNAPSHOT_TIME takes to that very snapshot, not the one before.
import path from 'node:path';
import { expect, it } from 'vitest';
import { localTarget } from '../../src/database/local-target.js';
import type { DatabaseTargets } from '../../src/database/targets.js';
import { resolveSteps } from '../../src/engine/resolve.js';
import { stepKind } from '../../src/engine/steps/index.js';
import type { StepRunContext } from '../../src/engine/steps/context.js';
import type { ResolvedStep } from '../../src/engine/types.js';
import { runCommand } from '../../src/process/run-command.js';
import { step as stepSchema } from '../../src/runbook/schema.js';
import { MotherDuckStandIn } from '../helpers/motherduck-stand-in.js';
import { useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('md-released-time-');
const at = (text: string) => new Date(`${text.replace(' ', 'T')}Z`);
const incident = 'dbx-20260420-3fa2';

function resolve(raw: Record<string, unknown>, values: Record<string, unknown>, now: Date): ResolvedStep {
  return resolveSteps([stepSchema.parse(raw)], { root: '/srv', values: { incident_id: incident, now: '20260421T090000Z', ...values }, now, snapshotBefore: { database: 'databox' } }).at(-2) as ResolvedStep;
}

it('gives at= to the microsecond, so SNAPSHOT_TIME picks the released snapshot itself and not a write of the same second before it', async () => {
  const dir = tempDir();
  let now = at('2026-04-21 09:00:00.304');
  const md = new MotherDuckStandIn(dir, { clock: () => now });
  await md.createDatabase('databox', 'CREATE SCHEMA analytics; CREATE TABLE analytics.daily AS SELECT range AS id FROM range(100)', at('2026-04-19 08:00:00'));
  // A load commits a fraction of a second before the bot's snapshot, in the same second.
  await md.write('databox', 'INSERT INTO analytics.daily SELECT range + 100 FROM range(5)', at('2026-04-21 09:00:00.100'));
  const targets: DatabaseTargets = { local: localTarget(path.join(dir, 'x.duckdb')), motherduck: md, backend: md };
  const ctx: StepRunContext = {
    root: dir, databasePath: path.join(dir, 'x.duckdb'), stateDir: dir, incidentId: incident, runId: 'r', diskFullPercent: 95,
    runCommand, redact: (t) => t, clock: () => now, progress: () => {}, targets,
  };
  const snapshotStep = resolve({ id: 'restore', kind: 'sql', title: 'r', target: 'motherduck', sql: 'SELECT 1', mutates: true, destructive: true }, {}, now);
  const taken = await stepKind(snapshotStep.kind).run(snapshotStep, ctx);
  const name = taken.outputs.snapshot as string;
  // The restore's own write, later in that second.
  await md.write('databox', 'DELETE FROM analytics.daily WHERE id < 50', at('2026-04-21 09:00:00.500'));

  now = at('2026-04-21 10:00:00');
  const release = resolveSteps([stepSchema.parse({ id: 'release', kind: 'bot-snapshots', title: 'r', database: 'databox', release: true, mutates: true, destructive: true })], { root: '/srv', values: { incident_id: incident }, now })[0] as ResolvedStep;
  const planned = (await stepKind('bot-snapshots').readWhenPlanned?.(release, { target: () => md })) as ResolvedStep;
  const released = await stepKind('bot-snapshots').run(planned, ctx);
  const [gone] = released.outputs.releasedSnapshots as { name: string; id: string; created: string }[];
  expect(gone?.name).toBe(name);

  const history = resolveSteps([stepSchema.parse({ id: 'named', kind: 'snapshot-history', title: 'n', database: 'databox', snapshot: name })], {
    root: '/srv', values: { incident_id: incident, released_snapshots: { [name]: { run: `${incident}/4`, ...gone } } }, now,
  })[0] as ResolvedStep;
  const refused = await stepKind('snapshot-history').run(history, ctx);
  const byTime = /or by its time, at="([^"]+)"/.exec(refused.summary)?.[1];
  expect(byTime).toBe('2026-04-21 09:00:00.304000');
  // Typed back as SNAPSHOT_TIME, it reaches that very snapshot.
  expect(md.select('databox', { kind: 'time', value: byTime as string }).id).toBe(gone?.id);
  // Its name carries the bot's clock when the plan was made (it is in the plan's SQL, which the approval covers), its
  // created_ts MotherDuck's when the step ran: not said to be one moment, nor the name's to be when the plan ran.
  expect(name).toMatch(/_20260421T090000Z$/);
  expect(refused.summary).toContain(
    `taken 2026-04-21 09:00:00.304000 UTC by MotherDuck's clock, when the step it was taken before ran (the time in its name is when its plan was made, by the bot's clock)`,
  );
  expect(refused.summary).not.toContain('when its plan ran');
});
