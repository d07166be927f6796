// Reads a submitted modal's text fields into parameter values, keyed by block id; empty fields are left out.
export function modalValues(values: Record<string, Record<string, { value?: string | null }>>): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [blockId, block] of Object.entries(values)) {
    const value = block.value?.value;
    if (typeof value === 'string' && value.trim() !== '') params[blockId] = value.trim();
  }
  return params;
}
