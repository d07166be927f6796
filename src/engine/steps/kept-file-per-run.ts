// Whether an export-rows step's `to:` names a new file on every run: a file already there is never overwritten, so one name for every run refuses all runs after the first.
import { placeholders } from '../../runbook/template.js';

/** What such a `to:` needs: {{incident_id}} alone is shared by every run of one incident (a recovery tried again, a rollback). */
export const perRunPartNeeded = 'a part unique to each run, such as {{now}} (the time the plan is made), beside {{incident_id}}';

/**
 * Whether `template` reads {{now}}, itself or through one of the runbook's `names` made of it ({{names.<name>}}): the only
 * value the engine gives that differs from one plan to the next. Parameters ({{from}}, {{to}}) may be given again alike.
 */
export function hasPerRunPart(template: string, names: Readonly<Record<string, string>>): boolean {
  return placeholders(template).some((expression) => expression === 'now' || (expression.startsWith('names.') && placeholders(names[expression.slice('names.'.length)] ?? '').includes('now')));
}
