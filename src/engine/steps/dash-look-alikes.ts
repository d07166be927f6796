// An argv element that starts as an option with a dash that is no hyphen (––auto-apply, —force), as a document or a chat typesets "--".
import type { StepIssue } from './define-step-kind.js';

/** The dashes that stand for a hyphen where an option starts: U+2010–U+2015, a minus sign, small and full-width hyphen-minus. */
const dashLike = /[\u2010-\u2015\u2212\ufe63\uff0d]/;
const leadingDashes = new RegExp(`^(?:-|${dashLike.source})+`);

/**
 * Each element whose leading dashes hold one that is no hyphen: the program reads it as an argument, never as the
 * option it looks like (`––auto-apply` is not `--auto-apply`), and a plan would show it as written, looking right. The
 * load names each such character and where it is after the message, as it does for any name holding one.
 */
export function dashLookAlikeIssues(argv: readonly (string | { argv: string[] })[]): StepIssue[] {
  const parts = argv.flatMap((element, i) => (typeof element === 'string' ? [{ word: element, at: ['argv', i] }] : element.argv.map((word, j) => ({ word, at: ['argv', i, 'argv', j] }))));
  return parts.flatMap(({ word, at }) => {
    const leading = leadingDashes.exec(word)?.[0] ?? '';
    if (!dashLike.test(leading)) return [];
    const meant = `${'-'.repeat([...leading].length)}${word.slice(leading.length)}`;
    return [{ at, message: `"${word}" starts with dashes that are not hyphens, as a document or a chat typesets them: the program would read it as an argument, not the option ${meant} it looks like. Write ${meant}` }];
  });
}
