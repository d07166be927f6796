// Each mart's freshness SLA (table, date column, allowed lag) is data in runbooks/schedule.yml: the `marts` of its mart-freshness diagnosis step.
import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { parseDuration } from '../config.js';
import { isPlainIdentifier } from '../runbook/template.js';

const qualifiedName = z
  .string()
  .refine((text) => text.split('.').length <= 3 && text.split('.').every(isPlainIdentifier), { message: 'expected a plain table name such as schema.table' });

export const martSla = z
  .strictObject({
    table: qualifiedName,
    dateColumn: z.string().refine(isPlainIdentifier, { message: 'expected a plain column name' }),
    /** How far behind now the newest date may be (for a date, measured from the end of that day, UTC), such as 36h. */
    maxLag: z.string().refine((text) => parseDuration(text) !== undefined, { message: 'expected a duration such as 36h' }),
  })
  // In milliseconds to compare with, and as written to say back: "48h" said as "2d" is not found in the file.
  .transform(({ maxLag, ...mart }) => ({ ...mart, maxLag: parseDuration(maxLag) as number, maxLagAsWritten: maxLag.trim() }));

export const martSlas = z.array(martSla).min(1);

export type MartSla = z.infer<typeof martSla>;

export class SlaError extends Error {
  override readonly name = 'SlaError';
}

/** The SLAs of the first mart-freshness step of `<runbooks dir>/schedule.yml`'s diagnosis; none when there is no such file or step. */
export function loadMartSlas(runbooksDir: string): MartSla[] {
  const file = path.join(runbooksDir, 'schedule.yml');
  if (!fs.existsSync(file)) return [];
  const doc = parseDocument(fs.readFileSync(file, 'utf8'));
  if (doc.errors.length > 0) throw new SlaError(`${file}: not valid YAML: ${doc.errors[0]?.message}`);
  const steps = (doc.toJS() as { diagnosis?: { steps?: { kind?: string; marts?: unknown }[] } } | null)?.diagnosis?.steps ?? [];
  const index = steps.findIndex((s) => s?.kind === 'mart-freshness');
  if (index < 0) return [];
  const parsed = martSlas.safeParse(steps[index]?.marts);
  if (!parsed.success) {
    throw new SlaError(parsed.error.issues.map((issue) => `${file}: at diagnosis.steps[${index}].marts${issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}: ${issue.message}`).join('\n'));
  }
  return parsed.data;
}

/** Why loadMartSlas found none, for the watcher's "off" line: a folder without schedule.yml is not one whose schedule.yml lists no marts. */
export function whyNoMartSlas(runbooksDir: string): string {
  const file = path.join(runbooksDir, 'schedule.yml');
  return fs.existsSync(file) ? `${file} has no mart-freshness step in its diagnosis` : `no schedule.yml in ${runbooksDir}, where they are read from`;
}
