// The exact text of a resolved step, as shown in a plan and the postmortem: argv, SQL with its bound values, or the built-in.
import path from 'node:path';
import { dayCountsSql } from './steps/day-counts-step.js';
import type { ResolvedStep } from './types.js';

/** Quotes one argv element only where a reader would otherwise misread where it ends. */
function showArg(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function bound(params: readonly string[]): string {
  return params.length > 0 ? `\n-- bound: ${params.map((value, i) => `$${i + 1}=${JSON.stringify(value)}`).join(', ')}` : '';
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
      return `${where}${env}${step.argv.map(showArg).join(' ')}${step.detach ? '  (started detached and left running)' : ''}`;
    }
    case 'sql':
      return `${step.sql.trim()}${bound(step.params)}${step.expectRows ? `\n-- in a transaction: must change exactly ${step.expectRows} rows, or it is rolled back` : ''}`;
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
    case 'export-rows':
      return `COPY (SELECT * FROM ${step.table} WHERE ${step.where.trim()}) TO '${rel(step.to)}' (FORMAT parquet)${bound(step.params)}` +
        (step.expectRows ? `\n-- must write exactly ${step.expectRows} rows, or the plan stops here` : '');
    case 'restore-rows':
      return `INSERT INTO ${step.table} BY NAME SELECT * FROM read_parquet('${rel(step.from)}')  -- only rows not already there${step.key ? ` (by key ${step.key})` : ''}`;
    case 'day-counts': {
      const window = step.from && step.to ? `${step.from} … ${step.to}` : `the last ${step.scanDays} complete days`;
      return `${dayCountsSql(step)}\n-- bound: $1 = ${step.baselineDays} days before the window's first day, $2 = its last day; window: ${window}`;
    }
  }
}
