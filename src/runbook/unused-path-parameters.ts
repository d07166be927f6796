// A parameter no command takes, and a recovery path's (or its rollback's) that nothing of the path, nor the validation it is handed to, reads.
import type { RecoveryPath, Runbook } from './schema.js';
import { placeholderUses } from './template.js';

type At = (string | number)[];

/** Every string under `value`, the texts of `skip` (titles, descriptions, the lists of parameters themselves) left out. */
function strings(value: unknown, skip: ReadonlySet<string>): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap((item) => strings(item, skip));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) => (skip.has(key) ? [] : strings(item, skip)));
}

const notUses = new Set(['title', 'description', 'parameters', 'requires', 'said']);

/** The parameters `part` reads: in a placeholder ({{backup}}, {{source.raw_table}}, {{to?}}), or by name (onlyIfGiven). */
function parametersRead(part: unknown, given: readonly string[]): Set<string> {
  const texts = strings(part, notUses);
  const read = new Set(texts.flatMap((text) => placeholderUses(text).map((use) => (use.expression.split('.')[0] as string).trim())));
  for (const text of texts) if (given.includes(text)) read.add(text);
  return read;
}

/** The parameters a path's rollback reads (its own, and the recovery's it was given with): those a rollback is shown with. */
export function rollbackReads(p: RecoveryPath): Set<string> {
  return p.rollback ? parametersRead(p.rollback, [...p.rollback.parameters, ...p.parameters]) : new Set();
}

/**
 * The parameters a finished recovery of `p` hands to the validation (the service's own rule): those the validation takes
 * and does not take from the incident, once a path that is no cleanup succeeds, or the path it continues with does.
 */
function handedToValidation(rb: Runbook, p: RecoveryPath, next: RecoveryPath | undefined): Set<string> {
  const last = p.continueWith ? next : p;
  if (!last || last.cleanup) return new Set();
  return new Set(p.parameters.filter((name) => last.parameters.includes(name) && rb.validation.parameters.includes(name) && !rb.validation.fromIncident.includes(name)));
}

/** The declared parameters that no command's parameters name: nothing could ever give them a value. */
function untakenParameterProblems(rb: Runbook): { at: At; message: string }[] {
  const taken = new Set([rb.diagnosis.parameters, rb.validation.parameters, ...rb.recovery.flatMap((p) => [p.parameters, p.rollback?.parameters ?? []])].flat());
  return Object.keys(rb.parameters)
    .filter((name) => !taken.has(name))
    .map((name) => ({
      at: ['parameters', name],
      message: `no command takes "${name}": neither diagnosis.parameters, validation.parameters, nor the parameters of a recovery path or its rollback name it, so it can never be given. Add it to the parameters of the part that reads it, or take it out`,
    }));
}

export function unusedPathParameterProblems(rb: Runbook): { at: At; message: string }[] {
  const command = (p: RecoveryPath) => `\`/databox recover ${rb.id} path=${p.id}\``;
  const paths = rb.recovery.flatMap((p, i) => {
    // The path it continues with is proposed with the same parameters; the lock key is rendered with them too.
    const next = rb.recovery.find((other) => other.id === p.continueWith && other !== p);
    const read = parametersRead([p, next ?? {}, rb.lockKey], p.parameters);
    const validated = handedToValidation(rb, p, next);
    const unread = p.parameters.flatMap((name, j) =>
      read.has(name) || validated.has(name)
        ? []
        : [{ at: ['recovery', i, 'parameters', j] as At, message: `path ${p.id} takes "${name}", but none of its guards, previews, steps, whenFailed or rollback reads {{${name}}}, nor does the validation that follows it take ${name}: ${command(p)} would ask for ${name}= for nothing. Take it out of this path's parameters` }],
    );
    const rollback = p.rollback;
    if (!rollback) return unread;
    const readBack = parametersRead(rollback, rollback.parameters);
    return [
      ...unread,
      ...rollback.parameters.flatMap((name, j) =>
        readBack.has(name) ? [] : [{ at: ['recovery', i, 'rollback', 'parameters', j] as At, message: `the rollback of path ${p.id} takes "${name}", but none of its inspect steps, guards, previews or steps reads {{${name}}}: it would be asked for nothing. Take it out of the rollback's parameters` }],
      ),
    ];
  });
  return [...untakenParameterProblems(rb), ...paths];
}
