// Classify rules an earlier rule of the same step always wins over (first match wins): their status is never given, a wrong verdict instead.
import type { StepIssue } from './define-step-kind.js';

/** A rule as the runbook writes it, its fields in `order`: `{ exit: nonzero, match: "catalog error", status: desynced }`. */
export function ruleSaid<R extends object>(rule: R, order: readonly (keyof R & string)[]): string {
  const fields = order.flatMap((key) => (rule[key] === undefined ? [] : [`${key}: ${key === 'match' ? JSON.stringify(rule[key]) : String(rule[key])}`]));
  return `{ ${fields.join(', ')} }`;
}

/**
 * Each rule an earlier one `covers` (matches every result it would), named with both rules as written and what to do.
 * `covers` answers only what is certain: two different patterns, say, are never taken as covering one another.
 */
export function shadowedRules<R extends { status: string }>(stepId: string, rules: readonly R[], covers: (earlier: R, later: R) => boolean, said: (rule: R) => string): StepIssue[] {
  return rules.flatMap((later, j) => {
    const i = rules.findIndex((rule, k) => k < j && covers(rule, later));
    if (i === -1) return [];
    const earlier = rules[i] as R;
    // The same test twice: moving one above the other only shadows the other.
    const todo = covers(later, earlier) ? `both test the same, so remove the one whose status is not meant` : `put it before classify[${i}], or remove it`;
    return [
      {
        at: ['classify', j],
        message: `can never match: step "${stepId}"'s classify[${i}] ${said(earlier)} comes first and matches everything classify[${j}] ${said(later)} would, so "${later.status}" is never given: ${todo}`,
      },
    ];
  });
}
