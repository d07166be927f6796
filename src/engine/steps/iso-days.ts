// Calendar days as ISO dates (YYYY-MM-DD, UTC), and the arithmetic the day-counts steps do on them.
export const dayMs = 86_400_000;

/** The day a moment (ms since the epoch) falls on, UTC. */
export const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The moment a day begins, UTC, in ms since the epoch. */
export const dayMsOf = (day: string) => Date.parse(`${day}T00:00:00Z`);

/** The day after `day`, and the day before it. */
export const dayAfter = (day: string) => isoDay(dayMsOf(day) + dayMs);
export const dayBefore = (day: string) => isoDay(dayMsOf(day) - dayMs);
