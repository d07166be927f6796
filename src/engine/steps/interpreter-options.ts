// Reads a script interpreter's own options (python, node, bun, perl, ruby, php, awk, deno): does it run code given inline,
// or edit files in place.
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
    name: /^bun$/,
    options: { codeLetters: 'ep', codeLong: ['--eval', '--print'], valueLetters: 'r', attachedLetters: '', valueLong: ['--preload', '--require', '--cwd', '--env-file', '--config', '--tsconfig-override'], endLetters: '', extension: 'ts' },
  },
  {
    // -B, -R and -E run code before, for and after each input line, as -r runs it once.
    name: /^php(\d+(\.\d+)*)?$/,
    options: { codeLetters: 'rBRE', codeLong: [], valueLetters: 'cdzt', attachedLetters: '', valueLong: [], endLetters: '', extension: 'php' },
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
  /** What comes before a script file's name when it is not the first word (awk -f, deno run). */
  scriptOption?: string;
}

/** What the interpreter `name` (a basename) does with `rest`, its words after its name; undefined when it is no interpreter. */
export function interpreterEffect(name: string, rest: Words): InterpreterEffect | undefined {
  if (awkNames.test(name)) return awkEffect(rest);
  if (name === 'deno') return denoEffect(rest);
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

const awkNames = /^(awk|gawk|mawk|nawk)$/;
/** awk's options whose value is the next word, unless attached (-F, -v var=value, gawk's --include …). */
const awkValueOptions = new Set(['-F', '-v', '--assign', '--field-separator', '-l', '--load', '-W']);

/**
 * awk runs the program given as its first plain word, unless -f (--file) names a file to read it from; gawk's -e
 * (--source) gives program text too, and -i inplace (--include=inplace) edits the files it reads.
 */
function awkEffect(rest: Words): InterpreterEffect {
  let fromFile = false;
  let inPlace: string | undefined;
  for (let i = 0; i < rest.length; i += 1) {
    const word = rest[i];
    // The options end at the first plain word: the program itself, unless -f named a file to read it from.
    if (word === undefined || word === '--' || !word.startsWith('-') || word === '-') break;
    const [option, attached] = word.startsWith('--') ? [word.replace(/=.*/s, ''), word.includes('=') ? word.replace(/^[^=]*=/s, '') : undefined] : [word.slice(0, 2), word.length > 2 ? word.slice(2) : undefined];
    const value = attached ?? rest[i + 1];
    if (attached === undefined && (option === '-f' || option === '--file' || option === '-e' || option === '--source' || option === '-i' || option === '--include' || awkValueOptions.has(option))) i += 1;
    if (option === '-e' || option === '--source') return { code: option, inPlace, extension: 'awk', scriptOption: '-f' };
    if (option === '-f' || option === '--file') fromFile = true;
    if ((option === '-i' || option === '--include') && value === 'inplace') inPlace = `${option} inplace`;
  }
  return { code: fromFile ? undefined : 'with its program on the command line', inPlace, extension: 'awk', scriptOption: '-f' };
}

/** deno eval runs its code argument; deno's other subcommands run a script file. */
function denoEffect(rest: Words): InterpreterEffect {
  const subcommand = rest.find((word) => word === undefined || !word.startsWith('-'));
  return { code: subcommand === 'eval' ? 'eval' : undefined, extension: 'ts', scriptOption: 'run' };
}
