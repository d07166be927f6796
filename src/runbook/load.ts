// Reads and validates every runbooks/*.yml file; a bad file stops the start with its name, the path inside it and what is wrong.
import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { identifierProblems } from './identifiers.js';
import { runbook, type Runbook } from './schema.js';

export class RunbookError extends Error {
  override readonly name = 'RunbookError';
}

export function parseRunbook(text: string, file: string): Runbook {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new RunbookError(`${file}: not valid YAML: ${doc.errors[0]?.message}`);
  }
  const parsed = runbook.safeParse(doc.toJS());
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${file}: at ${formatPath(issue.path)}: ${issue.message}`);
    throw new RunbookError(problems.join('\n'));
  }
  const unsafe = identifierProblems(parsed.data);
  if (unsafe.length > 0) throw new RunbookError(unsafe.map((problem) => `${file}: at ${problem}`).join('\n'));
  const expectedId = path.basename(file).replace(/\.ya?ml$/, '');
  if (parsed.data.id !== expectedId) {
    throw new RunbookError(`${file}: at id: the id "${parsed.data.id}" must match the file name "${expectedId}"`);
  }
  return parsed.data;
}

export function loadRunbooks(dir: string): Map<string, Runbook> {
  let files: string[];
  try {
    files = fs.readdirSync(dir).filter((name) => /\.ya?ml$/.test(name)).sort();
  } catch (error) {
    throw new RunbookError(`cannot read the runbooks directory ${dir}: ${(error as Error).message}`);
  }
  if (files.length === 0) throw new RunbookError(`no runbook files (*.yml) in ${dir}`);
  const runbooks = new Map<string, Runbook>();
  for (const name of files) {
    const file = path.join(dir, name);
    const loaded = parseRunbook(fs.readFileSync(file, 'utf8'), file);
    if (runbooks.has(loaded.id)) throw new RunbookError(`${file}: a second file for the runbook "${loaded.id}"`);
    runbooks.set(loaded.id, loaded);
  }
  return runbooks;
}

function formatPath(parts: readonly PropertyKey[]): string {
  if (parts.length === 0) return '(top level)';
  return parts.map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`)).join('');
}
