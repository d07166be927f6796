// A form sent from Slack as the journal keeps it beside its command's text: which form, and each field as typed.

/** The path's form under a verdict, or the rollback's under a recovery; `values`: each field by name, untrimmed. */
export type SentForm = ({ of: 'path'; path: string } | { of: 'rollback'; run: string }) & { values: Record<string, string> };

/** A journaled form, when `data` holds one the bot wrote; anything else is not one. */
export function sentFormOf(data: unknown): SentForm | undefined {
  const form = (data as { form?: unknown } | undefined)?.form as Partial<Record<string, unknown>> | undefined;
  if (!form || typeof form !== 'object' || !form.values || typeof form.values !== 'object') return undefined;
  const values = Object.fromEntries(Object.entries(form.values).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  if (form.of === 'path' && typeof form.path === 'string') return { of: 'path', path: form.path, values };
  if (form.of === 'rollback' && typeof form.run === 'string') return { of: 'rollback', run: form.run, values };
  return undefined;
}
