// How many answers in a row end a lasting condition (the Dagster webserver back): its recovery said soon, never at a flap's lucky answers.

/**
 * A webserver that failed is back once it has answered this many checks in a row, whatever its earlier failures: its
 * end is then dated at the first of them. Two is what a webserver failing half of its checks in pairs (good, good, bad,
 * bad …) gives every four checks, so two would end such an outage, and reopen it, over and over; three is the fewest a
 * webserver failing in pairs never gives, and at the default 1-minute interval says "back to healthy" two minutes after
 * it answers again. More would only say a real recovery later.
 */
export const answersInARowToEnd = 3;
