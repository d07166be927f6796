// Why a plan keeping rows in a file already there is refused before approval, as well as when its step runs: a kept file is never overwritten.

/**
 * Why a step keeping `holds` in `file` cannot run as planned: the file is already there. Its name has a part unique to
 * each run (checked at load), so the file is another plan's made the same second, or one put there by hand: nothing
 * overwrites it. `byEarlier`: the run whose kept rows it may be ("recovery", "rollback").
 */
export function keptFileThereSaid(file: string, holds = 'rows', byEarlier = 'recovery'): string {
  return (
    `it keeps ${holds} in ${file}, which already exists: it may be what an earlier ${byEarlier} kept, and it is left as it is. ` +
    'Propose again in a moment (the time in its name will differ), or move that file aside if nothing needs it'
  );
}
