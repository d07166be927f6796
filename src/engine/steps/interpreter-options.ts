// Reads a script interpreter's own options (python, node, perl, ruby): does it run code given inline, or edit files in place.
/** A command's words after its name; a templated one is undefined (it could be anything). */
export type Words = readonly (string | undefined)[];

/** How one interpreter reads the options before its script: getopt-like clusters of short letters, and --long ones. */
interface InterpreterOptions {
  /** Letters and long options whose value is the code to run. */
  codeLetters: string;
  codeLong: readonly string[];
  /** Letters whose value is the rest of their word, or the next word when nothing follows them in it. */
  valueLetters: string;
  /** Letters whose value (maybe empty) is the rest of their word alone. */
  attachedLetters: string;
  /** Long options whose value is the next word, unless written --name=value. */
  valueLong: readonly string[];
  /** Letters after which the words are no longer the interpreter's (python -m runs a module with them). */
  endLetters: string;
  /** The letter that edits the files named after the script in place. */
  inPlaceLetter?: string;
  /** A script file's extension, for the advice. */
  extension: string;
}

const interpreters: readonly { name: RegExp; options: InterpreterOptions }[] = [
  {
    name: /^python(\d+(\.\d+)?)?$/,
    options: { codeLetters: 'c', codeLong: [], valueLetters: 'WX', attachedLetters: '', valueLong: ['--check-hash-based-pycs'], endLetters: 'm', extension: 'py' },
  },
  {
    name: /^(node|nodejs)$/,
    options: {
      codeLetters: 'ep',
      codeLong: ['--eval', '--print'],
      valueLetters: 'rC',
      attachedLetters: '',
      valueLong: ['--require', '--import', '--loader', '--experimental-loader', '--conditions', '--input-type', '--title', '--env-file', '--inspect-port'],
      endLetters: '',
      extension: 'js',
    },
  },
  {
    // -l and -0 take only digits, which name no option, so they read as plain letters; -i's extension is the rest of its word.
    name: /^perl(\d+(\.\d+)*)?$/,
    options: { codeLetters: 'eE', codeLong: [], valueLetters: 'I', attachedLetters: 'CdDimMxV', valueLong: [], endLetters: '', inPlaceLetter: 'i', extension: 'pl' },
  },
  {
    name: /^ruby(\d+(\.\d+)*)?$/,
    options: {
      codeLetters: 'e',
      codeLong: [],
      valueLetters: 'CIrE',
      attachedLetters: 'FiKTWx',
      valueLong: ['--encoding', '--external-encoding', '--internal-encoding'],
      endLetters: '',
      inPlaceLetter: 'i',
      extension: 'rb',
    },
  },
];

export interface InterpreterEffect {
  /** The option as written up to its code letter (python3 -c, perl -ne, node --eval), when it runs code given inline. */
  code?: string;
  /** The option as written up to its in-place letter (perl -pi), when it edits files in place. */
  inPlace?: string;
  /** The extension of a script file for this interpreter. */
  extension: string;
}

/** What the interpreter `name` (a basename) does with `rest`, its words after its name; undefined when it is no interpreter. */
export function interpreterEffect(name: string, rest: Words): InterpreterEffect | undefined {
  const interpreter = interpreters.find((candidate) => candidate.name.test(name));
  if (!interpreter) return undefined;
  const spec = interpreter.options;
  let inPlace: string | undefined;
  // Only the words before the script are the interpreter's; a templated word could be anything, so reading stops there.
  for (let i = 0; i < rest.length; i += 1) {
    const word = rest[i];
    if (word === undefined || word === '-' || word === '--' || !word.startsWith('-')) break;
    if (word.startsWith('--')) {
      const long = word.replace(/=.*/s, '');
      if (spec.codeLong.includes(long)) return { code: long, extension: spec.extension };
      if (spec.valueLong.includes(long) && !word.includes('=')) i += 1;
      continue;
    }
    for (let at = 1; at < word.length; at += 1) {
      const letter = word.charAt(at);
      if (spec.codeLetters.includes(letter)) return { code: word.slice(0, at + 1), extension: spec.extension };
      if (letter === spec.inPlaceLetter) inPlace ??= word.slice(0, at + 1);
      if (spec.endLetters.includes(letter)) return { inPlace, extension: spec.extension };
      if (spec.valueLetters.includes(letter)) {
        if (at === word.length - 1) i += 1;
        break;
      }
      if (spec.attachedLetters.includes(letter)) break;
    }
  }
  return { inPlace, extension: spec.extension };
}
