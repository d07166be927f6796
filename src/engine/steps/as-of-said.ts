// A table-counts step's asOf ("at 2026-04-20 12:00:00", "in snapshot 'x'") as the operator reads it: a moment said in UTC.

/**
 * The output itself keeps its form, "at <moment>" with no zone: a validation compares it with the moment restored
 * (the incident's at=), journaled diagnoses included.
 */
export const asOfSaid = (asOf: string) => asOf.replace(/^at (\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?)$/, 'at $1 UTC');
