// A verdict's path button marked refused while its room guard refuses: as the verdict found it, then as the latest click that changed it found it.
import type { Step } from '../runbook/schema.js';
import type { ResolvedStep } from '../engine/types.js';
import type { Diagnosis } from './state.js';

/** Journaled when a click on a verdict's path found its room guard other than its button showed (IncidentService.start). */
export const roomCheckedType = 'diagnosis.room-checked';

/** A guard asking for room (disk-usage with roomFor): room made, it passes, so its path's button stays, marked meanwhile. */
export const isRoomGuard = (step: Step | ResolvedStep) => step.kind === 'disk-usage' && (step as { roomFor?: string }).roomFor !== undefined;

/**
 * What a path's line says of its room check: refused as the verdict was given (the advice says why); refused at a
 * click since (when, and what it found, which the advice does not say); or passed at a click after the verdict refused
 * it (the advice above still says it refused). Undefined when its button is not marked and nothing needs saying.
 */
export type RoomMark = { refused: 'at-verdict' } | { refused: 'at-click'; at: string; why: string } | { passedAt: string };

export function roomMark(diagnosis: Diagnosis | undefined, pathId: string): RoomMark | undefined {
  const refusedAtVerdict = diagnosis?.refusedUntilChecked?.includes(pathId) === true;
  const clicked = diagnosis?.roomChecked?.[pathId];
  if (!clicked) return refusedAtVerdict ? { refused: 'at-verdict' } : undefined;
  if (clicked.refused !== undefined) return { refused: 'at-click', at: clicked.at, why: clicked.refused };
  return refusedAtVerdict ? { passedAt: clicked.at } : undefined;
}

/** Whether the path's button is marked refused now. */
export function roomRefused(diagnosis: Diagnosis | undefined, pathId: string): boolean {
  const mark = roomMark(diagnosis, pathId);
  return mark !== undefined && 'refused' in mark;
}
