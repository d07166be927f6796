// The named snapshots the engine took before a rollback's steps, by name: each holds the database as that rollback found
// it, what it undid included, so a cleanup that removes its name says so (bot-snapshots).

/** The rollback that took it, the recovery it undid, and the writes its check counted since that recovery's snapshot. */
export interface RollbackSnapshot {
  run: string;
  rollbackOf: string;
  /** Counted by the rollback's snapshot-history check right before it went back; undefined when none counted. */
  writes?: number;
}

interface RunResults {
  id: string;
  kind: string;
  rollbackOf?: string;
  results: readonly { outputs: Record<string, unknown> }[];
}

/** From the named-snapshot steps (output `snapshot`) of the incident's rollbacks that ran them. */
export function rollbackSnapshots(runs: readonly RunResults[]): Record<string, RollbackSnapshot> {
  const byName: Record<string, RollbackSnapshot> = {};
  for (const run of runs) {
    if (run.kind !== 'rollback' || !run.rollbackOf) continue;
    const counted = run.results.find((r) => typeof r.outputs.writesSince === 'number' && r.outputs.snapshotName)?.outputs.writesSince as number | undefined;
    for (const { outputs } of run.results) {
      if (typeof outputs.snapshot === 'string' && outputs.snapshot) byName[outputs.snapshot] = { run: run.id, rollbackOf: run.rollbackOf, ...(counted === undefined ? {} : { writes: counted }) };
    }
  }
  return byName;
}
