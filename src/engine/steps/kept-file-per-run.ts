// Whether a kept file's name (export-rows' `to:`, restore-rows' `keepTo`s) is new on every run: a file already there is never overwritten, so one name for every run refuses all runs after the first.
import { placeholders } from '../../runbook/template.js';

/** What such a name needs: {{incident_id}} alone is shared by every run of one incident (a recovery tried again, a rollback). */
export const perRunPartNeeded = 'a part unique to each run, such as {{now}} (the time the plan is made), beside {{incident_id}}';

/**
 * Whether `template` reads {{now}}, itself or through one of the runbook's `names` made of it ({{names.<name>}}): the only
 * value the engine gives that differs from one plan to the next. Parameters ({{from}}, {{to}}) may be given again alike.
 * A name cannot read another name (refused at load), so one level is all there is to follow.
 */
export function hasPerRunPart(template: string, names: Readonly<Record<string, string>>): boolean {
  return placeholders(template).some((expression) => expression === 'now' || (expression.startsWith('names.') && placeholders(names[expression.slice('names.'.length)] ?? '').includes('now')));
}

/** A kept file's field of a step, as the load-time check reads it. */
export interface KeptFileField {
  /** Where in the step it is written (`['replace', 'keepTo']`). */
  at: string[];
  /** The field as the message names it (`to:`, `replace.keepTo`). */
  said: string;
  template: string;
  /** What the file holds, as said: "its rows", "the rows it replaces". */
  holds: string;
}

/**
 * The load-time refusals of a step's kept files named the same on every run: each names the step, its field and what to
 * add. `again`: which run, a second of which would find the first's file ("recovery", "rollback").
 */
export function keptFilesNotPerRun(step: { kind: string; id: string }, again: string, fields: readonly KeptFileField[], names: Readonly<Record<string, string>>): { at: string[]; message: string }[] {
  return fields
    .filter((field) => !hasPerRunPart(field.template, names))
    .map((field) => ({
      at: field.at,
      message:
        `the ${step.kind} step "${step.id}" keeps ${field.holds} in the same file on every run ("${field.template}"), so a second ${again} would find an earlier one's kept rows there and be refused: ` +
        `give \`${field.said}\` ${perRunPartNeeded}`,
    }));
}
