// A form sent from Slack as the postmortem tells it: "sent the path B form (backup `/backups/db.duckdb`)".
import type { SentForm } from '../commands/sent-form.js';
import { code } from './markdown.js';

/** A field's value as typed: shown once, in code, as it was; an empty field and one of only blank space told apart. */
function fieldWords(name: string, value: string): string {
  if (value === '') return `${name} left empty`;
  if (value.trim() === '') return `${name} of only blank space, ${value.length} character${value.length === 1 ? '' : 's'}`;
  return `${name} ${code(value)}`;
}

export function sentFormWords(form: SentForm): string {
  const which = form.of === 'path' ? `the path ${form.path.toUpperCase()} form` : `the rollback form of ${code(form.run)}`;
  const fields = Object.entries(form.values).map(([name, value]) => fieldWords(name, value));
  return `sent ${which}${fields.length > 0 ? ` (${fields.join(', ')})` : ''}`;
}
