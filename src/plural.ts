// A count in words, singular for one: "1 row", "4 rows"; "1 day has", "3 days have".
export const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** "1 row", "4 rows": the count a summary says most. */
export const rowsSaid = (n: number): string => plural(n, 'row', 'rows');
