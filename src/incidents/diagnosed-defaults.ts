// A recover on an incident takes what its diagnosis found (the missed window, say) for the parameters it leaves out.
import { UserError } from '../errors.js';
import { readNames } from '../runbook/params.js';
import type { Parameter, RecoveryPath } from '../runbook/schema.js';
import { heldUntil, knownEmptyOf, stillHolds } from './path-requires.js';
import { minuteUtc } from '../timestamps.js';
import type { Incident } from './state.js';

/** Where the values come from: a typed command can leave a parameter out; a form, prefilled, has a field to put back. */
export type GivenThrough = 'typed' | 'form';

/**
 * The operator's own values, plus the diagnosis' suggestion for each parameter of the path they left out. A parameter
 * given empty (`schedules=`, a prefilled field cleared) is not left out: the operator did not ask for what the diagnosis
 * found. Where the path can do without it (path A's schedules), empty means none and the steps that need it are
 * skipped; where the path needs it, it is refused, naming the parameter, rather than silently filled. With nothing
 * suggested for it, an empty value counts as left out, as before (refused as missing where the path needs it).
 */
export function withDiagnosedDefaults(
  recovery: RecoveryPath,
  declared: Readonly<Record<string, Parameter>>,
  incident: Incident | undefined,
  given: Record<string, string>,
  through: GivenThrough = 'typed',
): Record<string, string> {
  const suggested = incident?.diagnosis?.suggested ?? {};
  const filled = { ...given };
  const emptied: { name: string; line: string }[] = [];
  for (const name of recovery.parameters) {
    const proposal = suggested[name];
    if (!proposal) continue;
    const needed = declared[name]?.required === true || (recovery.requires ?? []).includes(name);
    if (filled[name] === undefined) filled[name] = proposal;
    else if (filled[name].trim() === '' && needed) emptied.push({ name, line: emptiedProblem(name, declared[name], proposal, through) });
  }
  if (emptied.length > 0) throw new EmptiedParameters(emptied, filled);
  return filled;
}

/** Needed parameters given empty, each with its line; `given`, the values as given, so the others are checked too and every problem told at once. */
export class EmptiedParameters extends UserError {
  constructor(
    readonly emptied: readonly { name: string; line: string }[],
    readonly given: Readonly<Record<string, string>>,
  ) {
    super(emptied.map((e) => e.line).join('\n'));
  }

  /**
   * These lines with those of `other` (the rest of the values refused, one per line) that do not name an emptied
   * parameter: a form shows each field's problem at once, not one after the other as each is put right.
   */
  withOthers(other: unknown): UserError {
    if (!(other instanceof UserError)) return this;
    const naming = (line: string) => this.emptied.some(({ name }) => new RegExp(`(?:^(?:missing )?${name}\\b|(?<![\\w.])${name}=)`).test(line));
    const others = other.message.split('\n').filter((line) => !naming(line));
    return others.length === 0 ? this : new UserError([this.message, ...others].join('\n'));
  }
}

/**
 * `check` on the values `fill` gives (withDiagnosedDefaults'), its refusals through `explain`; where `fill` refused a
 * needed value given empty, the other values are checked all the same and their problems told with it, at once.
 */
export async function checkedWithDiagnosedDefaults<T>(fill: () => Record<string, string>, check: (values: Record<string, string>) => Promise<T>, explain: (error: unknown) => unknown): Promise<T> {
  let values: Record<string, string>;
  let emptied: EmptiedParameters | undefined;
  try {
    values = fill();
  } catch (error) {
    if (!(error instanceof EmptiedParameters)) throw error;
    [values, emptied] = [{ ...error.given }, error];
  }
  let checked: T;
  try {
    checked = await check(values);
  } catch (error) {
    throw emptied ? emptied.withOthers(error) : explain(error);
  }
  if (emptied) throw emptied;
  return checked;
}

function emptiedProblem(name: string, declared: Parameter | undefined, proposal: string, through: GivenThrough): string {
  const isList = declared?.type === 'names';
  const example = isList ? (readNames(proposal).names[0] ?? proposal) : proposal;
  const what = isList ? 'name at least one' : 'give one';
  return through === 'typed'
    ? `${name}= is empty: ${what}, e.g. ${name}=${example}, or leave ${name}= out to use what the diagnosis found (${proposal})`
    : `${name} is empty: ${what}, e.g. ${example}, or put back what the diagnosis found: ${proposal}`;
}

/**
 * A refusal for a parameter still missing says why nothing filled it in: no diagnosis, one that found nothing to suggest,
 * or one that found none needed on a day that has ended (`on`: the path, the clock, and the command that diagnoses again).
 */
export function explainMissing(error: unknown, incident: Incident | undefined, on?: { recovery: RecoveryPath; now: Date; diagnoseAgain?: string }): unknown {
  if (!(error instanceof UserError) || !/^missing /m.test(error.message)) return error;
  const found = on && knownEmptyOf(on.recovery, incident?.diagnosis);
  const why = !incident
    ? 'give it, or add incident=<id> of an incident whose diagnosis found it'
    : !incident.diagnosis
      ? `incident ${incident.id} has no diagnosis to take it from: give it, or diagnose first`
      : found && on && !stillHolds(found, on.now)
        ? `the diagnosis of incident ${incident.id} ("${incident.diagnosis.title}") found none needed at ${minuteUtc(found.asOf)}, which held until ${heldUntil(found)} and may no longer: diagnose again${on.diagnoseAgain ? ` (\`${on.diagnoseAgain}\`)` : ''}, or give it`
        : `the diagnosis of incident ${incident.id} ("${incident.diagnosis.title}") did not find it (its verdict says why): give it`;
  return new UserError(`${error.message} (${why})`);
}

/**
 * In a form, under each field left empty, one short line (Slack shows about 150 characters there): where the diagnosis
 * found none needed on a day that has ended, that, instead of what the parameter is.
 */
export function explainMissingInForm(error: unknown, incident: Incident, on: { recovery: RecoveryPath; now: Date }): unknown {
  if (!(error instanceof UserError) || !/^missing /m.test(error.message)) return error;
  const found = knownEmptyOf(on.recovery, incident.diagnosis);
  if (!found || stillHolds(found, on.now)) return error;
  const why = found.untilWhat
    ? `none was needed only until ${minuteUtc(found.until)}: diagnose again, or give it`
    : `none was needed on ${found.asOf.slice(0, 10)} only, when the diagnosis looked: diagnose again, or give it`;
  return new UserError(error.message.replace(/^(missing \S+=\S+):.*$/gm, `$1: ${why}`));
}
