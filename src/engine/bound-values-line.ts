// The comment line put under SQL naming the values bound to its placeholders: none when nothing is bound.

/** "\n-- bound: $1="x", $2="y"", or '' when the SQL binds nothing (an empty "-- bound:" line would say nothing). */
export function boundValuesLine(params: readonly string[]): string {
  return params.length > 0 ? `\n-- bound: ${params.map((value, i) => `$${i + 1}=${JSON.stringify(value)}`).join(', ')}` : '';
}
