// The exact text of a resolved step, as shown in a plan and the postmortem: argv, SQL with its bound values, or the built-in.
import path from 'node:path';
import type { ResolvedStep } from './types.js';

/** Quotes one argv element only where a reader would otherwise misread where it ends. */
function showArg(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function describeStep(step: ResolvedStep, root: string): string {
  const rel = (p: string) => {
    const relative = path.relative(root, p);
    return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : p;
  };
  switch (step.kind) {
    case 'command': {
      const env = Object.entries(step.env).map(([name, value]) => `${name}=${showArg(value)} `).join('');
      const where = step.cwd === root ? '' : `(in ${rel(step.cwd)}) `;
      return `${where}${env}${step.argv.map(showArg).join(' ')}`;
    }
    case 'sql': {
      const bound = step.params.length > 0 ? `\n-- bound: ${step.params.map((value, i) => `$${i + 1}=${JSON.stringify(value)}`).join(', ')}` : '';
      return `${step.sql.trim()}${bound}`;
    }
    case 'duckdb-open':
      return `open ${rel(step.path)} read-only and run SELECT 1`;
    case 'duckdb-scan':
      return `read every table of ${rel(step.path)} in full, read-only`;
    case 'disk-usage':
      return `free space of the volume holding ${rel(step.path)}`;
    case 'move':
      return `mv ${showArg(rel(step.from))} ${showArg(rel(step.to))}  (${step.ifTaken === 'fail' ? 'fails if the name is taken' : 'a taken name gets a timestamp suffix'}; never overwrites)`;
    case 'copy-file':
      return `cp ${showArg(rel(step.from))} ${showArg(rel(step.to))}  (refuses to overwrite)`;
  }
}
