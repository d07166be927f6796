// The recovery paths a verdict offers, less those whose plan is refused at once (the database path a symbolic link), and what would refuse the rest now (no room for a rebuild): said in the verdict.
import { linkRefusal, type MoveStep } from '../engine/steps/move-step.js';
import type { ResolvedStep } from '../engine/types.js';
import type { Runbook, Step } from '../runbook/schema.js';
import { isRoomGuard } from './room-marks.js';

export interface PathsOffered {
  paths: string[];
  /** Offered paths whose guard refuses them now (no room for a rebuild): their buttons stay, marked refused until it passes. */
  refusedUntilChecked: string[];
  /** Appended to the verdict's advice: why a path is not offered and what to do instead, or what its guard would refuse now; '' when nothing. */
  said: string;
}

/** The tools the service lends: a step resolved with the diagnosis' values (undefined when it needs more, a parameter), and a guard's failures now. */
export interface PathsOfferedTools {
  resolve(step: Step): ResolvedStep | undefined;
  guardFailures(guards: ResolvedStep[]): Promise<string[]>;
}

const named = (ids: readonly string[]) => (ids.length === 1 ? `Path ${ids[0]?.toUpperCase()}` : `Paths ${ids.slice(0, -1).map((id) => id.toUpperCase()).join(', ')} and ${ids.at(-1)?.toUpperCase()}`);

/** Why the path's plan is refused before it is proposed, whatever is given: a move of a symbolic link it refuses. */
function refusedByLink(steps: readonly Step[], tools: PathsOfferedTools): string | undefined {
  for (const step of steps) {
    if (step.kind !== 'move' || !(step as Step & { refuseLink?: boolean }).refuseLink) continue;
    const resolved = tools.resolve(step) as MoveStep | undefined;
    const refusal = resolved && linkRefusal(resolved.from);
    if (refusal) return refusal;
  }
  return undefined;
}

/**
 * A path refused by a link at once is not offered (a button that is refused on click offers nothing); the diagnosis
 * says why, once. A guard asking for room (disk-usage with roomFor) that fails now is said, the path still offered: room
 * made, it passes.
 */
export async function pathsOffered(rb: Runbook, ids: readonly string[], tools: PathsOfferedTools): Promise<PathsOffered> {
  const paths = ids.flatMap((id) => rb.recovery.filter((p) => p.id === id));
  const refused = paths.map((p) => ({ id: p.id, why: refusedByLink(p.steps, tools) })).filter((r) => r.why !== undefined);
  const offered = ids.filter((id) => !refused.some((r) => r.id === id));
  const said: string[] = [];
  const refusedUntilChecked: string[] = [];
  if (refused.length > 0) {
    const ways = refused.map((r) => r.id);
    // None left, the advice's own words on the paths are not said (wayOn): this is the way on, in their place.
    const instead = offered.length === 0 ? `: ${ways.length === 1 ? 'it is' : 'they are'} offered on the file itself. If that file is not the stack's database (the link points at the wrong file), point the link or DATABOX_DATABASE_PATH at the one that is, and diagnose again` : '';
    said.push(`${named(ways)} ${ways.length === 1 ? 'is' : 'are'} not offered: ${ways.length === 1 ? 'its plan moves' : 'each plan moves'} the file at the database path first, and ${refused[0]?.why}${instead}.`);
  }
  for (const p of paths.filter((path) => offered.includes(path.id))) {
    const roomGuards = p.guards.filter(isRoomGuard);
    const resolved = roomGuards.flatMap((g) => tools.resolve(g) ?? []);
    const failures = resolved.length > 0 ? await tools.guardFailures(resolved) : [];
    // Said beside what the verdict shows of it: its button and command stay, and a click before then is refused.
    if (failures.length > 0) {
      said.push(`${named([p.id])} is refused until its check passes: ${failures.join('; ')}. ${named([p.id])}'s button and its typed command below stay: a plan from them is refused until that check passes, and works once it does.`);
      refusedUntilChecked.push(p.id);
    }
  }
  return { paths: offered, refusedUntilChecked, said: said.map((s) => ` ${s}`).join('') };
}
