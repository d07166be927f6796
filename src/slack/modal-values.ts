// Reads a submitted modal's text fields into parameter values, and turns a refusal of them into per-field errors.
import { isUserError } from '../errors.js';

/** Keyed by block id; empty fields are left out. */
export function modalValues(values: Record<string, Record<string, { value?: string | null }>>): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [blockId, block] of Object.entries(values)) {
    const value = block.value?.value;
    if (typeof value === 'string' && value.trim() !== '') params[blockId] = value.trim();
  }
  return params;
}

/**
 * Runs the parameter check; a UserError becomes Slack's `errors` map on the field it names (or the first one), so the
 * modal stays open with the problem under that field. Other errors propagate.
 */
export async function fieldErrors(check: () => Promise<unknown>, names: readonly string[]): Promise<Record<string, string> | undefined> {
  try {
    await check();
    return undefined;
  } catch (error) {
    if (!isUserError(error)) throw error;
    const field = names.find((name) => error.message.includes(name)) ?? names[0] ?? 'value';
    return { [field]: error.message.slice(0, 150) };
  }
}
