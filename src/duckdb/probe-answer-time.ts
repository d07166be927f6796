// How long a read of a DuckDB file's header and catalog may take before the storage under it is taken as not answering.

/**
 * 20 s: such a read takes well under a second even on a busy host, so one still out after that is held by the
 * operating system (a hung network mount). The marts' date columns a guard reads in the same open are given half of it
 * and stopped when it runs out (newest-days.ts), so a large mart is said as slow, not as storage that does not answer.
 */
export const probeAnswerWithinMs = 20_000;
