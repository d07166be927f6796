// A sql step's one-row result read as outputs ({{steps.<id>.<column>}}) and turned into a status by its classify rules.
import { z } from 'zod';
import { rowsSaid } from '../../plural.js';
import type { StepIssue } from './define-step-kind.js';

/** What every sql step gives already (its result as a whole), and every step's status and summary: no column can be named so. */
const takenOutputNames = ['rows', 'columns', 'rowCount', 'problem', 'status', 'summary'];

/**
 * Column names of a one-row result, each then an output ({{steps.<id>.n}}): declared, as a SELECT's columns are only
 * known once it runs, so the load can check what names them. Absent unless written, as classify is: a runbook without
 * them resolves to the same steps as before they existed, so a plan proposed then is still the plan approved.
 */
export const resultOutputs = z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a column name: letters, digits and _, starting with a letter or _ (name it so in the SELECT: count(*) AS n)')).min(1).optional();

/** One rule turning a column's value into a status; the first that matches gives it, none: ok. */
export const resultClassifyRule = z
  .strictObject({
    status: z.string().regex(/^[a-z][a-z0-9-]*$/),
    /** One of the step's outputs (a column of its one-row result). */
    output: z.string().min(1),
    /** A case-insensitive regular expression matched against the value as text. */
    match: z.string().optional(),
    /** Matches a number less than this. */
    below: z.number().optional(),
    /** Matches a number this or more. */
    atLeast: z.number().optional(),
  })
  .refine((rule) => rule.match !== undefined || rule.below !== undefined || rule.atLeast !== undefined, {
    message: 'say what the value must be for this status: match (a regular expression), below or atLeast (a number)',
  });

type ClassifyRule = z.output<typeof resultClassifyRule>;

interface ResultRules {
  outputs?: string[];
  classify?: ClassifyRule[];
  expectRows?: string;
}

/** The statuses its classify rules give besides ok. */
export function classifiedStatuses(step: ResultRules): string[] {
  return [...new Set((step.classify ?? []).map((rule) => rule.status).filter((status) => status !== 'ok'))];
}

/** What is wrong with a step's outputs and classify rules, found at load. */
export function resultOutputIssues(step: ResultRules): StepIssue[] {
  const issues: StepIssue[] = [];
  const outputs = step.outputs ?? [];
  if (step.expectRows !== undefined && outputs.length > 0) {
    issues.push({ at: ['outputs'], message: 'a statement with expectRows gives the number of rows it changed ({{steps.<id>.rowCount}}), not a result to read: take outputs out' });
  }
  outputs.forEach((name, i) => {
    if (takenOutputNames.includes(name)) issues.push({ at: ['outputs', i], message: `"${name}" is already an output of every sql step: name the column otherwise in the SELECT (… AS ${name}_value) and here` });
    else if (outputs.indexOf(name) !== i) issues.push({ at: ['outputs', i], message: `"${name}" is named twice` });
  });
  (step.classify ?? []).forEach((rule, i) => {
    if (!outputs.includes(rule.output)) {
      const declared = outputs.length > 0 ? `; its outputs: ${outputs.join(', ')}` : `: declare the column first (outputs: [${rule.output}])`;
      issues.push({ at: ['classify', i, 'output'], message: `"${rule.output}" is not one of this step's outputs${declared}` });
    }
    if (rule.match !== undefined && !isRegExp(rule.match)) issues.push({ at: ['classify', i, 'match'], message: 'not a valid regular expression' });
  });
  return issues;
}

/**
 * Whether rule `a` matches every value rule `b` does (first match wins, so `b` would never be reached): the same output,
 * and each test of `a` at least as wide as `b`'s (atLeast: 1 before atLeast: 5; the very same pattern). A number test
 * of `a` that `b` lacks is not taken as covering it: `b` may match what is not a number.
 */
export function resultRuleCovers(a: ClassifyRule, b: ClassifyRule): boolean {
  if (a.output !== b.output) return false;
  if (a.match !== undefined && a.match !== b.match) return false;
  if (a.below !== undefined && (b.below === undefined || b.below > a.below)) return false;
  return a.atLeast === undefined || (b.atLeast !== undefined && b.atLeast >= a.atLeast);
}

function isRegExp(text: string): boolean {
  try {
    new RegExp(text, 'i');
    return true;
  } catch {
    return false;
  }
}

/**
 * The declared outputs of a result, and the status its rules give; or why it cannot give them (not one row, a column
 * missing or NULL, a number rule on text): the step then fails, rather than posting an empty value.
 */
export function readResult(step: ResultRules, columns: readonly string[], rows: readonly unknown[][]): { outputs: Record<string, string>; status: string } | { problem: string } {
  const declared = step.outputs ?? [];
  const wanted = declared.join(', ');
  if (rows.length !== 1) return { problem: `gave ${rowsSaid(rows.length)}, where its outputs (${wanted}) read one row: make the SELECT give exactly one (an aggregate such as count(*) does)` };
  const row = rows[0] as unknown[];
  const outputs: Record<string, string> = {};
  for (const name of declared) {
    const at = columns.indexOf(name);
    if (at === -1) return { problem: `gave no column "${name}" (its columns: ${columns.join(', ')}), which its outputs name: name it in the SELECT (… AS ${name})` };
    const value = row[at];
    if (value === null || value === undefined) return { problem: `gave NULL for "${name}", which its outputs read as a value: give it one in the SELECT (coalesce(…, 0) AS ${name})` };
    outputs[name] = typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  for (const rule of step.classify ?? []) {
    const value = outputs[rule.output] as string;
    if (rule.match !== undefined && !new RegExp(rule.match, 'i').test(value)) continue;
    if (rule.below !== undefined || rule.atLeast !== undefined) {
      const number = Number(value);
      if (value.trim() === '' || Number.isNaN(number)) return { problem: `gave "${value}" for "${rule.output}", not a number, which a classify rule (status ${rule.status}) compares as one` };
      if (rule.below !== undefined && !(number < rule.below)) continue;
      if (rule.atLeast !== undefined && !(number >= rule.atLeast)) continue;
    }
    return { outputs, status: rule.status };
  }
  return { outputs, status: 'ok' };
}

/**
 * How to read one value of a sql step's result, said where a template names what the step has not got ({{steps.p.n}})
 * or reaches into its rows ({{steps.p.rows.n}}): rowCount, the one value it offers besides, is how many rows it gave.
 */
export function columnOutputHint(step: { kind: string; expectRows?: unknown }, stepExpression: string, column: string): string {
  if (step.kind !== 'sql' || step.expectRows !== undefined) return '';
  return `. A value of its result is read by naming its column in the step (outputs: [${column}]) and then {{${stepExpression}.${column}}}, its result then one row; rowCount is how many rows the result has`;
}
