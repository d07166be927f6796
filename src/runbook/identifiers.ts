// A load-time check that every value a runbook puts into SQL as an identifier, or repeats into argv, is a plain name.
import type { Runbook, Step } from './schema.js';
import { isLiteralKind, placeholders, sqlPlaceholders } from './template.js';

const qualifiedName = /^[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62}){0,2}$/;

function sqlTemplates(step: Step): string[] {
  switch (step.kind) {
    case 'sql':
      return [step.sql];
    case 'export-rows':
      return [step.table, step.where];
    case 'restore-rows':
      return [step.table, step.key];
    case 'day-counts':
      return [step.table, step.dateColumn];
    default:
      return [];
  }
}

function listTemplates(step: Step): string[] {
  if (step.kind !== 'command') return [];
  return step.argv.flatMap((element) => (typeof element === 'string' ? [] : [element.forEach]));
}

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
      const items = asList ? (Array.isArray(found) ? found : [found]) : [found];
      for (const item of items) {
        if (typeof item !== 'string' || !qualifiedName.test(item)) {
          problems.add(`parameters.${name}.values.${value}.${attribute}: ${JSON.stringify(item)} is not a plain (schema-qualified) name`);
        }
      }
    }
  };
  for (const step of allSteps(rb)) {
    for (const template of sqlTemplates(step)) {
      for (const { expression, kind } of sqlPlaceholders(template)) {
        // A literal is validated by its renderer when the plan is made; only identifiers must be plain names up front.
        if (kind === undefined) check(expression, false);
        else if (!isLiteralKind(kind)) problems.add(`step ${step.id}: {{${expression} | ${kind}}} names no literal kind (timestamp, snapshot-name, snapshot-id, database)`);
      }
    }
    for (const expression of listTemplates(step)) check(expression, true);
  }
  for (const p of rb.recovery) for (const preview of p.previews) for (const expression of placeholders(preview.sql)) check(expression, false);
  return [...problems];
}
