// The recover command a verdict offers to type for a path: what the diagnosis found filled in, the rest named.
import { commandValue } from '../commands/quote-value.js';
import type { Parameter, RecoveryPath } from '../runbook/schema.js';
import { requiredOn } from './path-requires.js';
import type { Diagnosis } from './state.js';

/**
 * The path's parameters as ` name=value`: the diagnosis' suggestion or the value it ran with; one it has no value for is
 * shown as `name=…` only where the path needs it (an optional one left out is simply not used, which `…` would hide).
 */
export function typedRecoverParameters(path: RecoveryPath, declared: Readonly<Record<string, Parameter>>, diagnosis: Diagnosis | undefined): string {
  // As the verdict offers it when given (what it found empty is optional that day): typed after, it is refused, saying why.
  const offeredAt = new Date(diagnosis?.knownEmptyAsOf ?? diagnosis?.at ?? 0);
  return path.parameters
    .map((name) => {
      const known = diagnosis?.suggested?.[name] || diagnosis?.params?.[name];
      if (known) return ` ${name}=${commandValue(known)}`;
      const needed = declared[name]?.required === true || requiredOn(path, diagnosis, offeredAt).includes(name);
      return needed ? ` ${name}=…` : '';
    })
    .join('');
}
