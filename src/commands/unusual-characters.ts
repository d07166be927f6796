// Names the characters in a value a person cannot see or tell apart in Slack: a line break, a zero-width space, a
// right-to-left mark, a Cyrillic "е" that looks like a Latin "e".
const named: Record<string, string> = {
  '\n': 'a line break',
  '\r': 'a carriage return',
  '\t': 'a tab',
  '\u200b': 'a zero-width space (U+200B)',
  '\u200c': 'a zero-width non-joiner (U+200C)',
  '\u200d': 'a zero-width joiner (U+200D)',
  '\u200e': 'a left-to-right mark (U+200E)',
  '\u200f': 'a right-to-left mark (U+200F)',
  '\u00a0': 'a non-breaking space (U+00A0)',
  '\ufeff': 'a byte order mark (U+FEFF)',
};

/** One character as a person can recognise it: "a zero-width space (U+200B)", "\"е\" (U+0435), not a plain ASCII letter". */
export function describeCharacter(character: string): string {
  const code = `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  return named[character] ?? (/[\p{Cc}\p{Cf}]/u.test(character) ? `an invisible control character (${code})` : `"${character}" (${code}), not a plain ASCII letter`);
}

/**
 * The first few characters of `value` outside printable ASCII, each said with where it is ("a zero-width space (U+200B)
 * after "eb""), or undefined when there is none.
 */
export function unusualCharacters(value: string, most = 3): string | undefined {
  const found: string[] = [];
  let at = 0;
  for (const character of value) {
    if (!/^[\x20-\x7e]$/.test(character)) {
      const before = value.slice(Math.max(0, at - 12), at);
      found.push(`${describeCharacter(character)}${before ? ` after "${before}"` : ' at the start'}`);
      if (found.length === most) break;
    }
    at += character.length;
  }
  return found.length > 0 ? found.join(', ') : undefined;
}
