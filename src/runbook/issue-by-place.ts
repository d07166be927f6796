// A step's issue worded for where the step is written: among a recovery path's or a rollback's steps, or where only reading is allowed.
import type { z } from 'zod';
import type { DataPath } from './yaml-lines.js';

/** Among the steps a plan runs once approved (recovery[i].steps, recovery[i].rollback.steps), not its guards or inspect steps. */
function amongChangingSteps(at: DataPath): boolean {
  return at[0] === 'recovery' && at.includes('steps') && !at.includes('guards') && !at.includes('inspect');
}

/** The issue's message, or its wording for a recovery's or rollback's steps when it has one and the step is there. */
export function issueByPlace(issue: z.core.$ZodIssue): string {
  const instead = issue.code === 'custom' ? (issue.params as { amongChangingSteps?: unknown } | undefined)?.amongChangingSteps : undefined;
  return typeof instead === 'string' && amongChangingSteps(issue.path as DataPath) ? instead : issue.message;
}
