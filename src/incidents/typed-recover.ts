// The recover command a verdict offers to type for a path: what the diagnosis found filled in, the rest named.
import { commandValue } from '../commands/quote-value.js';
import { maxCommandLength } from '../commands/parse.js';
import { readNames } from '../runbook/params.js';
import type { Parameter, RecoveryPath } from '../runbook/schema.js';
import { requiredOn } from './path-requires.js';
import type { Diagnosis } from './state.js';

/**
 * A parameter as ` name=value`: the diagnosis' suggestion or the value it ran with; one it has no value for is shown as
 * `name=…` only where the path needs it (an optional one left out is simply not used, which `…` would hide).
 */
function typedParameter(name: string, path: RecoveryPath, declared: Readonly<Record<string, Parameter>>, diagnosis: Diagnosis | undefined): string {
  // As the verdict offers it when given (what it found empty is optional that day): typed after, it is refused, saying why.
  const offeredAt = new Date(diagnosis?.knownEmptyAsOf ?? diagnosis?.at ?? 0);
  const known = diagnosis?.suggested?.[name] || diagnosis?.params?.[name];
  if (known) return ` ${name}=${commandValue(known)}`;
  const needed = declared[name]?.required === true || requiredOn(path, diagnosis, offeredAt).includes(name);
  return needed ? ` ${name}=…` : '';
}

/** A recover command to offer for typing, and what it leaves out for the diagnosis to fill in, said, if anything. */
export interface TypedRecover {
  command: string;
  leftOut?: string;
}

/**
 * The recover command (as typed after /databox, or the CLI's name) for a path of an incident, within the longest command
 * the bot takes: too long (a list of 80 schedules), the diagnosis' suggestions are left out, the longest first, since a
 * recover on the incident fills in what it leaves out with them (diagnosed-defaults.ts); never cut in the middle.
 */
export function typedRecover(scenario: string, path: RecoveryPath, declared: Readonly<Record<string, Parameter>>, diagnosis: Diagnosis | undefined, incidentId: string): TypedRecover {
  const parts = path.parameters.map((name) => ({ name, text: typedParameter(name, path, declared, diagnosis), suggested: diagnosis?.suggested?.[name] }));
  const command = () => `recover ${scenario} path=${path.id}${parts.map((part) => part.text).join('')} incident=${incidentId}`;
  const leftOut: string[] = [];
  for (const part of parts.filter((each) => each.suggested).sort((a, b) => b.text.length - a.text.length)) {
    if (command().length <= maxCommandLength) break;
    part.text = '';
    const found = declared[part.name]?.type === 'names' ? `the ${readNames(part.suggested ?? '').names.length}` : 'what';
    leftOut.push(`leaving out ${part.name}= takes ${found} the diagnosis found`);
  }
  return { command: command(), ...(leftOut.length > 0 ? { leftOut: leftOut.join('; ') } : {}) };
}
