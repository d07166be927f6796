// Whether the MotherDuck account can take the named snapshots the engine puts before a plan's destructive steps, read
// before the plan is proposed and again right before it runs: named snapshots are a Business-plan feature, so on a Lite
// account the first one would fail mid-plan, and what it was to undo could not be undone by it.
import type { PlanReadTools } from './steps/define-step-kind.js';
import type { ResolvedStep } from './types.js';

/** MotherDuck's documented account facts: org_type is the organization's plan (free_trial, lite, business, …). */
export const orgTypeSql = 'SELECT org_type FROM md_user_info()';

/** Plans MotherDuck documents without named snapshots ("Snapshot options per plan": Lite, paid or free). */
const withoutNamedSnapshots = /^lite/i;

/** The account's plan as md_user_info() says it; undefined when it cannot be read (then the snapshot step says what it meets). */
async function orgType(tools: PlanReadTools): Promise<string | undefined> {
  try {
    const session = await tools.target('motherduck').open({ writable: false });
    try {
      const value = (await session.run(orgTypeSql)).rows[0]?.[0];
      return typeof value === 'string' ? value : undefined;
    } finally {
      await session.close();
    }
  } catch {
    return undefined;
  }
}

/**
 * Why this plan cannot run on this account: each destructive step it would undo by a named snapshot, and what the
 * account offers instead; undefined when the plan takes none, or the account can take them (or says nothing of its plan).
 */
export async function namedSnapshotsUnavailable(steps: readonly ResolvedStep[], tools: PlanReadTools): Promise<string | undefined> {
  const guarded = steps.flatMap((step, index) => (step.kind === 'named-snapshot' ? [{ snapshot: step, before: steps[index + 1]?.title ?? step.title }] : []));
  if (guarded.length === 0) return undefined;
  const plan = await orgType(tools);
  if (!plan || !withoutNamedSnapshots.test(plan)) return undefined;
  const database = String((guarded[0]?.snapshot as { database?: unknown }).database ?? '');
  const before = guarded.map((g) => `"${g.before}"`).join(', ');
  return (
    `the MotherDuck account is on the Lite plan (md_user_info() says org_type '${plan}'), which cannot take named snapshots: they are a Business-plan feature. ` +
    `The bot takes a named snapshot of ${database} right before each destructive step of this plan (${before}), as what undoes it, and refuses to change ${database} without one: ` +
    `CREATE SNAPSHOT would fail there, after the steps before it had run, and a rollback would have no snapshot to restore or to name as its last resort. ` +
    `On Lite only automatic snapshots are kept (1 day on the paid plan, none on the free one), restorable by time, by hand. ` +
    'Move the organization to the Business plan to let the bot make this change, or make it by hand'
  );
}
