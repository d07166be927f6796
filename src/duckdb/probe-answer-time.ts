// How long a read of a DuckDB file's header and catalog may take before the storage under it is taken as not answering.

/**
 * 20 s: such a read takes well under a second even on a busy host, so one still out after that is held by the
 * operating system (a hung network mount).
 */
export const probeAnswerWithinMs = 20_000;
