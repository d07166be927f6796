// An approval line's runbookChanged read back from the journal: a line written before `how` was recorded is taken as versions that differ, no more.
import type { RunbookChanged, RunbookChangedHow } from './runbook-changed.js';

const hows: readonly RunbookChangedHow[] = ['file-changed', 'approver-older', 'other-copy', 'versions-differ'];

export function runbookChangedOf(data: unknown): RunbookChanged | undefined {
  if (data === null || typeof data !== 'object') return undefined;
  const { proposedWith, approvedWith, how, fileNow, approvedAt, proposedFrom, approvedFrom } = data as Record<string, unknown>;
  if (typeof proposedWith !== 'string' || typeof approvedWith !== 'string') return undefined;
  // Older lines said only that the versions differed: which copy was behind was not checked, so none is claimed.
  const known = hows.includes(how as RunbookChangedHow) ? (how as RunbookChangedHow) : 'versions-differ';
  const copies = typeof proposedFrom === 'string' && typeof approvedFrom === 'string';
  const unsupported = (known === 'approver-older' && typeof fileNow !== 'string') || (known === 'other-copy' && !copies);
  return {
    proposedWith,
    approvedWith,
    how: unsupported ? 'versions-differ' : known,
    ...(typeof fileNow === 'string' ? { fileNow } : {}),
    ...(copies ? { proposedFrom, approvedFrom } : {}),
    ...(approvedAt === 'terminal' || approvedAt === 'Slack' ? { approvedAt } : {}),
  };
}
