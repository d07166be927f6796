// Reads a program's words as getopt reads them: its options (short ones clustered, -Eu), the values they take, and its operands.
import type { Words } from './interpreter-options.js';

export interface OptionSyntax {
  /** Short options whose value is the rest of their word or, at its end, the next word (nice -n 10, ionice -c3). */
  valueLetters?: string;
  /** Short options whose value, optional, is only ever the rest of their word (nsenter -m/proc/1/ns/mnt, prlimit -n1024). */
  attachedLetters?: string;
  /** Long options whose value is the next word unless given with = (--user postgres, --user=postgres); others take one only with =. */
  valueLong?: readonly string[];
  /** Options may follow operands, as GNU getopt reads them unless told not to (su, script): only -- ends them. */
  permutes?: boolean;
}

export interface ReadWords {
  /** Each option given, a short one as -letter and a long one without its =value, with its value when it took one. */
  options: { option: string; value: string | undefined }[];
  /** The words that are neither options nor their values, in order: a wrapper's operands and then its command. */
  operands: Words;
}

/**
 * The options and operands of `words`. Without `permutes` the first operand ends the options, as a wrapper's getopt
 * ("+…") stops at its command, whose own options are not the wrapper's; a templated word is taken as an operand.
 */
export function readWords(words: Words, syntax: OptionSyntax): ReadWords {
  const options: ReadWords['options'] = [];
  const operands: (string | undefined)[] = [];
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i];
    if (word === '--') {
      operands.push(...words.slice(i + 1));
      break;
    }
    if (word === undefined || word === '-' || !word.startsWith('-')) {
      if (!syntax.permutes) {
        operands.push(...words.slice(i));
        break;
      }
      operands.push(word);
      continue;
    }
    if (word.startsWith('--')) {
      const equals = word.indexOf('=');
      const option = equals === -1 ? word : word.slice(0, equals);
      const takesNext = equals === -1 && (syntax.valueLong ?? []).includes(option);
      options.push({ option, value: equals !== -1 ? word.slice(equals + 1) : takesNext ? words[i + 1] : undefined });
      if (takesNext) i += 1;
      continue;
    }
    for (let at = 1; at < word.length; at += 1) {
      const letter = word.charAt(at);
      const rest = word.slice(at + 1);
      if (syntax.valueLetters?.includes(letter)) {
        options.push({ option: `-${letter}`, value: rest || words[i + 1] });
        if (!rest) i += 1;
        break;
      }
      const attached = syntax.attachedLetters?.includes(letter) ?? false;
      options.push({ option: `-${letter}`, value: attached && rest ? rest : undefined });
      if (attached) break;
    }
  }
  return { options, operands };
}
