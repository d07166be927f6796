// Whether a program can be started here, looked up as execve's PATH search would: so a plan that would stop half-way
// for want of `task` is refused before its first step moves anything.
import fs from 'node:fs';
import path from 'node:path';

/** Says why `file` cannot be started from `cwd` with this PATH, or undefined when it can. */
export type ProgramFinder = (file: string, where: { cwd?: string; pathVariable?: string }) => string | undefined;

function executableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export const findProgram: ProgramFinder = (file, { cwd = process.cwd(), pathVariable = process.env.PATH ?? '' }) => {
  if (file.includes('/')) {
    const full = path.resolve(cwd, file);
    if (executableFile(full)) return undefined;
    return fs.existsSync(full) ? `${file} is not an executable file` : `${file} does not exist`;
  }
  const found = pathVariable
    .split(path.delimiter)
    .filter((dir) => dir !== '')
    .some((dir) => executableFile(path.join(path.resolve(cwd, dir), file)));
  return found ? undefined : `"${file}" is not on PATH`;
};
