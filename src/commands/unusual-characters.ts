// Names the characters in a value a person cannot see or tell apart in Slack (a line break, a zero-width space, a
// right-to-left mark, a Cyrillic "е" that looks like a Latin "e"), or writes the invisible ones as escapes.
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

/** The characters describeCharacter calls invisible: control and format characters (a line break, a zero-width space). */
const invisible = /[\p{Cc}\p{Cf}]/u;

/** Characters that look like a hyphen (-) and are not one, as pasted from a document or a chat that typeset it. */
const hyphenLookAlikes: Record<string, string> = {
  '\u2010': 'a typographic hyphen',
  '\u2011': 'a non-breaking hyphen',
  '\u2012': 'a figure dash',
  '\u2013': 'an en dash',
  '\u2014': 'an em dash',
  '\u2015': 'a horizontal bar',
  '\u2212': 'a minus sign',
  '\ufe63': 'a small hyphen-minus',
  '\uff0d': 'a full-width hyphen-minus',
};

/** A character's name, and what to type instead where that is one plain character (a hyphen). */
function characterParts(character: string): { name: string; instead?: string } {
  const code = `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  const lookAlike = hyphenLookAlikes[character];
  if (lookAlike) return { name: `${lookAlike} "${character}" (${code})`, instead: 'type a plain hyphen - instead' };
  return { name: named[character] ?? (invisible.test(character) ? `an invisible control character (${code})` : `"${character}" (${code}), not a plain ASCII character`) };
}

/**
 * One character as a person can recognise it: "a zero-width space (U+200B)", "\"е\" (U+0435), not a plain ASCII
 * character", "a non-breaking hyphen \"‑\" (U+2011) (type a plain hyphen - instead)".
 */
export function describeCharacter(character: string): string {
  const { name, instead } = characterParts(character);
  return instead ? `${name} (${instead})` : name;
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
      const { name, instead } = characterParts(character);
      found.push(`${name}${before ? ` after "${before}"` : ' at the start'}${instead ? ` (${instead})` : ''}`);
      if (found.length === most) break;
    }
    at += character.length;
  }
  return found.length > 0 ? found.join(', ') : undefined;
}

/**
 * `text` on one line with each invisible character written as an escape (\n, \r, \t, \u200B), and a backslash as \\
 * (so an escape never reads as the characters it is written with): a name holding a line break cannot break the line it
 * is listed in, nor pass for another. Text with neither is as it was.
 */
export function escapedInvisible(text: string): string {
  const short: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\\': '\\\\' };
  return [...text]
    .map((character) => short[character] ?? (invisible.test(character) ? `\\u${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}` : character))
    .join('');
}
