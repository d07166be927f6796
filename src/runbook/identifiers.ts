// A load-time check that every value a runbook puts into SQL as an identifier, or repeats into argv, is a plain name.
import { stepKind } from '../engine/steps/index.js';
import type { Runbook, Step } from './schema.js';
import { sqlPlaceholders } from './template.js';

const qualifiedName = /^[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62}){0,2}$/;

function allSteps(rb: Runbook): Step[] {
  return [
    ...rb.diagnosis.steps,
    ...rb.validation.steps,
    ...rb.recovery.flatMap((p) => [...p.guards, ...p.steps, ...(p.rollback?.inspect ?? []), ...(p.rollback?.steps ?? [])]),
  ];
}

/** Problems as "where: what" lines; empty when every enum attribute used as an identifier or list item is a plain name. */
export function identifierProblems(rb: Runbook): string[] {
  const problems = new Set<string>();
  const check = (expression: string, asList: boolean) => {
    const [name, attribute] = expression.split('.');
    const declared = name ? rb.parameters[name] : undefined;
    if (!declared || declared.type !== 'enum' || !attribute) return;
    for (const [value, attributes] of Object.entries(declared.values)) {
      const found = attributes[attribute];
      // A value without the attribute is the placeholder check's problem (check.ts), not a name to refuse here.
      if (found === undefined) continue;
      const items = asList ? (Array.isArray(found) ? found : [found]) : [found];
      for (const item of items) {
        if (typeof item !== 'string' || !qualifiedName.test(item)) {
          problems.add(`parameters.${name}.values.${value}.${attribute}: ${JSON.stringify(item)} is not a plain (schema-qualified) name`);
        }
      }
    }
  };
  for (const step of allSteps(rb)) {
    for (const use of stepKind(step.kind).templates(step)) {
      if (use.as === 'list') check(use.template, true);
      if (use.as !== 'sql') continue;
      for (const { expression, kind } of sqlPlaceholders(use.template)) {
        // A literal is validated by its renderer when the plan is made; only identifiers must be plain names up front (a
        // filter that is no literal kind is named where it is written, by check.ts).
        if (kind === undefined) check(expression, false);
      }
    }
  }
  for (const p of rb.recovery) {
    for (const preview of p.previews) {
      // As in steps: a literal ({{source.time_zone? | time-zone}}) is no identifier.
      for (const { expression, kind } of sqlPlaceholders(`${preview.sql} ${preview.ifTableMissing?.table ?? ''} ${preview.ifView?.table ?? ''}`)) if (kind === undefined) check(expression, false);
    }
  }
  return [...problems];
}
