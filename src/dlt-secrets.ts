// The secrets in dlt's .dlt/secrets.toml files in the databox checkout: their values are redacted wherever printed.
import fs from 'node:fs';
import path from 'node:path';

/** Keys whose values dlt treats as credentials: passwords, tokens, API and private keys, connection strings. */
const secretKey = /(?:password|passwd|pwd|secret|token|credentials?|api_?key|private_?key|access_?key|_key)$/i;
const columnKey = /^(?:primary|merge|partition|sort|cluster|foreign|dedup_sort|unique)_key$/i;
const skipped = new Set(['node_modules', '.git', '.venv', 'venv', '__pycache__', 'data']);

/** `.dlt/secrets.toml` at the checkout's root and in its folders up to two levels down (pipelines often keep their own). */
export function dltSecretsFiles(root: string, depth = 2): string[] {
  const found: string[] = [];
  const visit = (dir: string, level: number) => {
    const candidate = path.join(dir, '.dlt', 'secrets.toml');
    if (fs.existsSync(candidate)) found.push(candidate);
    if (level >= depth) return;
    let entries: fs.Dirent[] = [];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.isDirectory() && !skipped.has(entry.name) && entry.name !== '.dlt') visit(path.join(dir, entry.name), level + 1);
    }
  };
  visit(root, 0);
  return found;
}

/** The string values of secret-named keys in a secrets.toml text: basic, literal and multi-line strings. */
export function secretValuesOfToml(text: string): string[] {
  const values: string[] = [];
  const pattern = /^[ \t]*("?)([A-Za-z0-9_.-]+)\1[ \t]*=[ \t]*("""[\s\S]*?"""|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'[^'\n]*')/gm;
  for (const match of text.matchAll(pattern)) {
    const key = (match[2] as string).split('.').at(-1) as string;
    if (!secretKey.test(key) || columnKey.test(key)) continue;
    const raw = match[3] as string;
    const value = raw.startsWith('"""') || raw.startsWith("'''") ? raw.slice(3, -3).replace(/^\r?\n/, '') : raw.slice(1, -1);
    values.push(raw.startsWith('"') && !raw.startsWith('"""') ? unescapeBasic(value) : value);
  }
  return values.filter((value) => value.trim().length >= 4);
}

function unescapeBasic(value: string): string {
  return value.replace(/\\(["\\nrt])/g, (_all, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c as 'n'] ?? c);
}

/** Every secret value found in the checkout's secrets.toml files; a file that cannot be read is skipped. */
export function dltSecretValues(root: string): string[] {
  return dltSecretsFiles(root).flatMap((file) => {
    try {
      return secretValuesOfToml(fs.readFileSync(file, 'utf8'));
    } catch {
      return [];
    }
  });
}
