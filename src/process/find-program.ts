// Whether a program can be started here, looked up as execve's PATH search would: so a plan that would stop half-way
// for want of `task` is refused before its first step moves anything.
import fs from 'node:fs';
import path from 'node:path';

/** Says why `file` cannot be started from `cwd` with this PATH, or undefined when it can. */
export type ProgramFinder = (file: string, where: { cwd: string; pathVariable?: string }) => string | undefined;

/** What execvp searches when PATH is unset (libuv, as glibc, falls back to it). */
const defaultPath = '/usr/bin:/bin';

function executableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export const findProgram: ProgramFinder = (file, { cwd, pathVariable = process.env.PATH ?? defaultPath }) => {
  if (file.includes('/')) {
    const full = path.resolve(cwd, file);
    if (executableFile(full)) return undefined;
    return fs.existsSync(full) ? `${file} is not an executable file` : `${file} does not exist`;
  }
  // An empty entry ("a::b", a trailing ":") is the directory the program starts in, as execvp reads it.
  const found = pathVariable.split(path.delimiter).some((dir) => executableFile(path.join(path.resolve(cwd, dir || '.'), file)));
  return found ? undefined : `"${file}" is not on PATH (${pathVariable})`;
};
