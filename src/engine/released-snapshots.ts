// The named snapshots whose names a cleanup of the incident removed, by name: the bot's own record, since MotherDuck
// keeps no trace of a name once removed, and a rollback that restores by that name must be refused saying why.

/** Which run removed the name, and what still finds the snapshot while the retention keeps it. */
export interface ReleasedSnapshot {
  run: string;
  id: string;
  created: string;
}

interface RunResults {
  id: string;
  results: readonly { outputs: Record<string, unknown> }[];
}

/** From the bot-snapshots steps (release: true) of the incident's runs, oldest first: a later release of a name wins. */
export function releasedSnapshots(runs: readonly RunResults[]): Record<string, ReleasedSnapshot> {
  const byName: Record<string, ReleasedSnapshot> = {};
  for (const run of runs) {
    for (const result of run.results) {
      const released = result.outputs.releasedSnapshots;
      if (!Array.isArray(released)) continue;
      for (const { name, id, created } of released as { name: string; id: string; created: string }[]) byName[name] = { run: run.id, id, created };
    }
  }
  return byName;
}
