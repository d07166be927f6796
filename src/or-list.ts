// Alternatives as a sentence says them: "a or b", "a, b or c".
export function orList(items: readonly string[]): string {
  return items.length <= 2 ? items.join(' or ') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}
