// Text to match literally inside a RegExp built from it (a temp dir's path, a value with dots).
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
