// Reads one runbooks/*.yml entry; what is there instead of a readable file (a directory, a broken link …) is said in words.
import fs from 'node:fs';

/** The file's text, or why it cannot be a runbook, as "<file>: …". Anything named *.yml was meant as a runbook: it is refused, not skipped. */
export function readRunbookFile(file: string): { ok: true; text: string } | { ok: false; problem: string } {
  const refuse = (what: string, fix: string) => ({ ok: false as const, problem: `${file}: not a runbook file but ${what}; everything named *.yml or *.yaml here is read as a runbook, so it is refused: ${fix}` });
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const link = linkTarget(file);
    if (link !== undefined && code === 'ENOENT') return refuse(`a symbolic link to ${link}, which does not exist`, 'fix or remove the link');
    if (code === 'ELOOP') return refuse('a symbolic link that leads back to itself', 'fix or remove the link');
    return refuse(`something that cannot be looked at (${code ?? (error as Error).message})`, 'make it a readable file or remove it');
  }
  // Checked before reading: reading a named pipe would wait for a writer for ever.
  if (stat.isDirectory()) return refuse('a directory', 'rename it or move it out of the runbooks directory');
  if (!stat.isFile()) return refuse('a pipe, socket or device', 'remove it');
  try {
    return { ok: true, text: fs.readFileSync(file, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' ? 'this user has no permission to read it' : (error as Error).message;
    return { ok: false, problem: `${file}: cannot be read: ${why}` };
  }
}

function linkTarget(file: string): string | undefined {
  try {
    return fs.readlinkSync(file);
  } catch {
    return undefined;
  }
}
