// Timestamps as UTC: compact and sortable in file names (20260420T120000Z), to the minute where people read them.
export function compactTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** "2026-04-21 08:30 UTC": a moment to the minute, as messages say it. */
export function minuteUtc(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * "22:11 UTC" for a moment on the same UTC day as `reference` (an ISO time), else "2027-01-02 22:11 UTC": an expiry a day
 * or more away (DATABOX_APPROVAL_TTL=30d) said by its time alone reads as already past. A pending plan's expiry is told
 * from the day it was proposed: read before it expires, one that ends that same day is read that day.
 */
export function utcMinuteFrom(iso: string, reference: string): string {
  return iso.slice(0, 10) === reference.slice(0, 10) ? `${iso.slice(11, 16)} UTC` : minuteUtc(iso);
}

/** "at 22:11 UTC", or "on 2027-01-02 at 22:11 UTC" for a moment on another UTC day than `reference` (see utcMinuteFrom). */
export function atUtc(iso: string, reference: string): string {
  return iso.slice(0, 10) === reference.slice(0, 10) ? `at ${iso.slice(11, 16)} UTC` : `on ${iso.slice(0, 10)} at ${iso.slice(11, 16)} UTC`;
}
