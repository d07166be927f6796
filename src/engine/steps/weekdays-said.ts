// The weekdays some days fall on, as a reader names them: "Saturdays and Sundays", Monday first.
const weekdayNames = ['Sundays', 'Mondays', 'Tuesdays', 'Wednesdays', 'Thursdays', 'Fridays', 'Saturdays'];

export function weekdaysSaid(days: readonly string[]): string {
  const weekdays = [...new Set(days.map((day) => new Date(`${day}T00:00:00Z`).getUTCDay()))];
  return weekdays
    .sort((a, b) => ((a + 6) % 7) - ((b + 6) % 7))
    .map((w) => weekdayNames[w])
    .join(' and ');
}
