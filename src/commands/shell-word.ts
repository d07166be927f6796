// One word as a POSIX shell reads it back unchanged: how every command shown for pasting into a terminal quotes a word.

/** Bare when nothing in it means anything to a shell; otherwise in single quotes, each ' inside written '\''. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
