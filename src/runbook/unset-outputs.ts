// Load-time check that a text names a step's output only where its condition leaves that output set: a verdict for a status that leaves it unset would be posted with a marker in its place.
import { changingStatuses } from '../engine/may-have-changed.js';
import { orList } from '../or-list.js';
import { forStep } from '../engine/steps/define-step-kind.js';
import { stepKind } from '../engine/steps/index.js';
import { possibleStatuses, type RunbookProblem } from './check.js';
import { conditionMayFail, impliedStatuses } from './condition-may-fail.js';
import { narrowedCondition } from './condition-yaml.js';
import type { Condition, Runbook, Step } from './schema.js';
import { rollbackPartTemplates, rollbackParts } from './rollback-parts.js';
import { leftOut, skippedOnItsCondition, stepOutputFacts, unsetWhenEnding } from './step-outputs.js';
import { placeholderUses } from './template.js';
import { caseCondition, casesOf, describeCase, holdsWhenever, type Atom } from './verdict-checks.js';
import { skippedForCertain } from './skipped-for-certain.js';

type At = (string | number)[];

/** How a step ended in a case of the condition that does not name it (any way at all), followed by that case. */
const unnamed = '(not named) ';

/** How a step the condition never names ended in a case of it that leaves its onlyIf unable to hold: skipped, followed by that case. */
const skippedInCase = `${skippedOnItsCondition} `;

/** How a step the condition never names may have ended in a case of it (any status, or left out), followed by that ending. */
const neverNamed = '(never named) ';

/** The steps a text may be said after, by id, each with the ways it may have ended then (statuses, or left out). */
type Endings = Map<string, Set<string>>;

/** Where a text is said and what decides it: the steps it reads ({{<head>.<id>.…}}), how they ended, and how to say so. */
interface Scope {
  head: 'steps' | 'recovery' | 'diagnosis';
  steps: readonly Step[];
  endings: Endings;
  /** What the text is said with: "which verdict "x" matches". */
  matches: string;
  /** What to do instead, after the placeholder written with ?: "narrow its condition …". */
  instead: string;
  /** What the text is said with where its condition never names the step read: "which verdict "x" may be given with". */
  mayBeGiven: string;
  /** The condition the text is said on, for the one to write instead naming the step read; none for the catch-all. */
  when?: Condition;
}

function addEnding(endings: Endings, step: string, ending: string): void {
  endings.set(step, (endings.get(step) ?? new Set()).add(ending));
}

/**
 * How the steps a condition names ended in the cases it holds in, but those an earlier condition takes first (the first
 * verdict that holds is the one given); undefined when there are too many cases to tell.
 */
/**
 * Whether the engine skipped `step` on its condition (onlyIf) while the steps that condition names ended as `endings`
 * say: not when the condition holds whatever they ended (a step after `open` on open's ok, when open ended ok), nor
 * when the step has no condition. A kind that ends "skipped" itself (a move with ifMissing: skip) is not asked about.
 */
function skippedOnCondition(step: Step, endings: Endings): boolean {
  if (forStep(stepKind(step.kind).statuses, step).includes('skipped')) return true;
  if (!step.onlyIf) return false;
  const ways = new Map([...endings].map(([id, set]) => [id, new Set([...set].map((ending) => (ending === leftOut ? undefined : ending)))]));
  return conditionMayFail(step.onlyIf, ways);
}

/** Whether a case (each step named ending one status) can happen: not one where a step is skipped though its condition held. */
function possibleCase(atoms: readonly Atom[], steps: readonly Step[]): boolean {
  const endings: Endings = new Map(atoms.map((a) => [a.step, new Set([a.status])]));
  return atoms.every((a) => {
    const step = steps.find((s) => s.id === a.step);
    return a.status !== 'skipped' || !step || skippedOnCondition(step, endings);
  });
}

function endingsOf(when: Condition, earlier: readonly Condition[], steps: readonly Step[]): Endings | undefined {
  const cases = casesOf(when);
  if (!cases) return undefined;
  const endings: Endings = new Map();
  const named = new Set(cases.flatMap((atoms) => atoms.map((a) => a.step)));
  for (const atoms of cases) {
    if (earlier.some((before) => holdsWhenever(before, caseCondition(atoms)))) continue;
    if (!possibleCase(atoms, steps)) continue;
    for (const { step, status } of atoms) addEnding(endings, step, status);
    // A branch that holds without naming a step the condition names elsewhere (any: [open corrupt, scan damaged]) says
    // nothing of how that step ended then: it may not have run at all.
    // But a step the case names as having run (not skipped) ran on its condition, which tells how the steps it names ended.
    const ranOn = atoms.flatMap((a) => (a.status === 'skipped' ? [] : [steps.find((s) => s.id === a.step)?.onlyIf ?? []].flat()));
    const implied = impliedStatuses({ all: ranOn });
    for (const step of named) {
      if (atoms.some((a) => a.step === step)) continue;
      const statuses = implied.get(step);
      if (statuses) for (const status of statuses) addEnding(endings, step, status);
      else addEnding(endings, step, `${unnamed}${describeCase(atoms)}`);
    }
    // A step the condition does not name at all may have ended any way; one whose onlyIf cannot hold in this case was
    // skipped for certain, and set no output.
    const skipped = skippedForCertain(atoms, steps);
    for (const step of skipped) if (!named.has(step.id)) addEnding(endings, step.id, `${skippedInCase}${describeCase(atoms)}`);
    // Any other step it never names may have ended any way a step it names does not tell (its onlyIf held), skipped
    // only where its onlyIf may fail then; for a verdict, but the endings an earlier verdict takes in this case (the
    // first verdict that holds is given): raw-emptied never sees a mart count that failed, which unreadable-table takes.
    const known: Endings = new Map([...atoms.map((a) => [a.step, new Set([a.status])] as const), ...implied]);
    for (const step of steps) {
      if (named.has(step.id) || skipped.includes(step)) continue;
      const statuses = [...(implied.get(step.id) ?? possibleStatuses(step))].filter((status) => status !== 'skipped' || skippedOnCondition(step, known));
      const ways = [...statuses, ...(step.onlyIfGiven !== undefined ? [leftOut] : [])];
      const untaken = ways.filter((way) => !earlier.some((before) => holdsWhenever(before, caseCondition([...atoms, { step: step.id, status: way }]))));
      for (const way of untaken) addEnding(endings, step.id, `${neverNamed}${way}`);
    }
  }
  return endings;
}

/**
 * How each diagnosis step may have ended when the catch-all verdict is given: every step passed (ok, skipped on its
 * condition, a status it accepts) or was left out, but where an earlier verdict takes that ending whatever the others.
 * Skipped on its condition only where that condition may fail given how the steps before it passed: one on an earlier
 * step's ok, that step accepting nothing else, holds, so the step ran.
 */
function catchAllEndings(steps: readonly Step[], earlier: readonly Condition[]): Endings {
  const endings: Endings = new Map();
  for (const step of steps) {
    const passing = possibleStatuses(step)
      .filter((status) => status === 'ok' || status === 'skipped' || step.acceptStatuses.includes(status))
      .filter((status) => status !== 'skipped' || skippedOnCondition(step, endings));
    for (const status of passing) if (!earlier.some((before) => holdsWhenever(before, { step: step.id, status }))) addEnding(endings, step.id, status);
    if (step.onlyIfGiven !== undefined) addEnding(endings, step.id, leftOut);
  }
  return endings;
}

function unsetProblems(at: At, template: string, scope: Scope, optionalSafe = true): RunbookProblem[] {
  // A value read twice in one text (a first day in the advice and in its command) is one mistake, said once.
  const uses = placeholderUses(template).filter((use, i, all) => all.findIndex((other) => other.expression === use.expression && other.optional === use.optional) === i);
  return unsetIn(at, uses, scope, optionalSafe);
}

/**
 * Where a status said to leave the output unset is one the step's own classify rules give (a sql probe's rule giving
 * "failed" on a count too high), why the check stands though that rule sets it: the kind and the engine end a step so
 * too, with no value (its statement failed, it could not start), and a diagnosis or validation runs on past it. A
 * status of the rule's own fails the step all the same, and tells the two apart.
 */
function classifiedAlike(step: Step, output: string, statuses: readonly string[]): string {
  const rules: readonly { status: string }[] = 'classify' in step && Array.isArray(step.classify) ? step.classify : [];
  const given = [...new Set(rules.map((rule) => rule.status).filter((status) => statuses.includes(status)))];
  if (given.length === 0) return '';
  const said = orList(given.map((status) => `"${status}"`));
  return `. Its classify rule giving ${said} sets ${output}, but ${step.id} also ends ${said} with no value when it could not run or read its result: give that rule a status of its own (it fails the step all the same unless acceptStatuses lists it) and name that status here`;
}

/**
 * The expressions read that name an output the scope leaves unset. Where an empty value would be said (text of
 * advice), {{…?}} is offered; where it would be run (an argv element, a path, SQL), it is not.
 */
function unsetIn(at: At, uses: readonly { expression: string; optional: boolean }[], scope: Scope, optionalSafe: boolean): RunbookProblem[] {
  return uses.flatMap(({ expression, optional }) => {
    const [head, id = '', output = ''] = expression.split('.');
    const step = scope.steps.find((s) => s.id === id);
    // Another value, one said to be optional, or a name refused where it is checked: nothing to say here.
    if (optional || head !== scope.head || !step || !stepOutputFacts(step).has(output)) return [];
    // A status the step never ends is refused where the condition names it.
    const all = [...(scope.endings.get(id) ?? [])];
    const endings = all.filter((ending) => ending === leftOut || possibleStatuses(step).includes(ending));
    const unset = endings.filter((ending) => unsetWhenEnding(step, output, ending));
    const unnamedCases = all.filter((ending) => ending.startsWith(unnamed)).map((ending) => ending.slice(unnamed.length));
    const anyWayUnset = possibleStatuses(step).filter((status) => unsetWhenEnding(step, output, status));
    const unsetUnnamed = unnamedCases.length > 0 && (anyWayUnset.length > 0 || step.onlyIfGiven !== undefined);
    // Skipped for certain in those cases: on its condition, which leaves unset what the rule says.
    const skippedCases = unsetWhenEnding(step, output, skippedOnItsCondition) ? all.filter((ending) => ending.startsWith(skippedInCase)).map((ending) => ending.slice(skippedInCase.length)) : [];
    const otherwise = optionalSafe ? `, or write {{${expression}?}} to say nothing then` : '';
    // A follow-up's condition that never names the step says nothing of how it ended: said as such, with the statuses to name.
    const neverNamedUnset = all.filter((ending) => ending.startsWith(neverNamed)).map((ending) => ending.slice(neverNamed.length)).filter((ending) => unsetWhenEnding(step, output, ending));
    if (neverNamedUnset.length > 0) {
      const setting = possibleStatuses(step).filter((status) => !unsetWhenEnding(step, output, status));
      const statuses = neverNamedUnset.filter((ending) => ending !== leftOut);
      const when = [
        ...(statuses.length > 0 ? [`${id}'s status is ${orList(statuses)}`] : []),
        ...(neverNamedUnset.includes(leftOut) ? [`${id} is left out (onlyIfGiven: ${step.onlyIfGiven}, not given)`] : []),
      ].join(', or when ');
      const name = `name ${id} in its condition with the statuses that set it${setting.length > 0 ? ` (${orList(setting)})` : ''}${scope.when && setting.length > 0 ? `: when: ${narrowedCondition(scope.when, id, setting)}` : ''}`;
      return [{ at, message: `{{${expression}}}: ${head}.${id}.${output} is not set when ${when}, which ${scope.mayBeGiven}, as its condition never names ${id}: ${name}${otherwise}${classifiedAlike(step, output, statuses)}` }];
    }
    if (unset.length === 0 && !unsetUnnamed && skippedCases.length === 0) return [];
    const statuses = unset.filter((ending) => ending !== leftOut);
    const when = [
      ...(statuses.length > 0 ? [`${id}'s status is ${orList(statuses)}`] : []),
      ...(unset.includes(leftOut) ? [`${id} is left out (onlyIfGiven: ${step.onlyIfGiven}, not given)`] : []),
      ...(unsetUnnamed ? [`the condition holds without naming ${id} (${orList(unnamedCases)}), and then ${id}'s status may be ${orList(anyWayUnset)}${step.onlyIfGiven !== undefined ? ` or it may be left out` : ''}`] : []),
      ...(skippedCases.length > 0 ? [`${orList(skippedCases)}, as ${id} is then skipped for certain (its onlyIf cannot hold)`] : []),
    ].join(', or when ');
    return [{ at, message: `{{${expression}}}: ${head}.${id}.${output} is not set when ${when}, which ${scope.matches}: ${scope.instead}${otherwise}${classifiedAlike(step, output, statuses)}` }];
  });
}

/**
 * How a text said on a verdict's diagnosis names it: as the verdict's own ({{steps.…}}), or as a path it offers reads it
 * afterwards ({{diagnosis.…}} in that path's whenFailedOpens).
 */
function verdictScope(v: Runbook['diagnosis']['verdicts'][number], endings: Endings, steps: readonly Step[], offering?: string): Scope {
  const offers = offering === undefined ? '' : `, and it offers path ${offering}`;
  return {
    head: offering === undefined ? 'steps' : 'diagnosis',
    steps,
    endings,
    // Named: the file may hold thirty verdicts, and the place (verdicts[12]) alone sends the reader counting.
    matches: v.when ? `verdict "${v.id}" matches${offers}` : `the catch-all verdict "${v.id}" is given with (every step passed)${offers}`,
    instead: v.when ? `narrow ${offering === undefined ? 'its' : 'that verdict\'s'} condition to the statuses that set it` : 'give a verdict of its own for that',
    mayBeGiven: `verdict "${v.id}"${offering === undefined ? '' : `, which offers path ${offering},`} may be given with`,
    ...(v.when ? { when: v.when } : {}),
  };
}

/** Whether a condition names a step that is not among `steps`: refused where it is written, and what it would need is unknown. */
function namesUnknownStep(cond: Condition, steps: readonly Step[]): boolean {
  if ('any' in cond) return cond.any.some((c) => namesUnknownStep(c, steps));
  if ('all' in cond) return cond.all.some((c) => namesUnknownStep(c, steps));
  return !steps.some((s) => s.id === cond.step);
}

/** Every verdict's, follow-up's, path whenFailedOpens' and rollback whenFailed's text that names an output its condition leaves unset. */
export function unsetOutputProblems(rb: Runbook): RunbookProblem[] {
  const problems: RunbookProblem[] = [];
  const verdicts = rb.diagnosis.verdicts;
  /** How the diagnosis' steps may have ended when each verdict is given, by verdict id; none where there are too many cases to tell. */
  const endingsBy = new Map<string, Endings>();
  verdicts.forEach((v, i) => {
    // A misspelt step (resluts) is refused as such: a condition offered with it kept would keep the typo.
    if (v.when && namesUnknownStep(v.when, rb.diagnosis.steps)) return;
    const earlier = verdicts.slice(0, i).flatMap((before) => (before.when ? [before.when] : []));
    const endings = v.when ? endingsOf(v.when, earlier, rb.diagnosis.steps) : catchAllEndings(rb.diagnosis.steps, earlier);
    if (!endings) return;
    endingsBy.set(v.id, endings);
    const scope = verdictScope(v, endings, rb.diagnosis.steps);
    const at: At = ['diagnosis', 'verdicts', i];
    problems.push(...unsetProblems([...at, 'advice'], v.advice, scope));
    if (v.wayOn !== undefined) problems.push(...unsetProblems([...at, 'wayOn'], v.wayOn, scope));
    for (const [name, template] of Object.entries(v.suggest)) problems.push(...unsetProblems([...at, 'suggest', name], template, scope));
    for (const [name, template] of Object.entries(v.opens?.params ?? {})) problems.push(...unsetProblems([...at, 'opens', 'params', name], template, scope));
    // Its time left empty lifts the bound on every plan made on the diagnosis, and what it names is said with that time:
    // {{…?}} is not offered there.
    if (v.holdsUntil) {
      problems.push(...unsetProblems([...at, 'holdsUntil', 'at'], v.holdsUntil.at, scope, false));
      problems.push(...unsetProblems([...at, 'holdsUntil', 'what'], v.holdsUntil.what, scope, false));
    }
  });
  // A path's whenFailedOpens is filled in from the incident's diagnosis after the path ran, as a verdict's opens is from
  // its own: on each verdict offering the path, the diagnosis' steps ended as that verdict's condition says. A path
  // typed on a verdict that does not offer it may find any ending: only the run can tell, and it marks what is unset.
  rb.recovery.forEach((p, i) => {
    if (!p.whenFailedOpens) return;
    for (const v of verdicts.filter((verdict) => verdict.paths.includes(p.id))) {
      const endings = endingsBy.get(v.id);
      if (!endings) continue;
      const scope = verdictScope(v, endings, rb.diagnosis.steps, p.id);
      for (const [name, template] of Object.entries(p.whenFailedOpens.params)) problems.push(...unsetProblems(['recovery', i, 'whenFailedOpens', 'params', name], template, scope));
    }
  });
  rb.validation.followUps.forEach((f, i) => {
    if (namesUnknownStep(f.when, rb.validation.steps)) return;
    // Every follow-up whose condition holds is said, each on its own: a step it never names may have ended any way.
    const endings = endingsOf(f.when, [], rb.validation.steps);
    if (!endings) return;
    const scope: Scope = {
      head: 'steps',
      steps: rb.validation.steps,
      endings,
      matches: 'this follow-up matches',
      instead: 'narrow its condition to the statuses that set it',
      mayBeGiven: 'this follow-up may be given with',
      when: f.when,
    };
    const at: At = ['validation', 'followUps', i];
    problems.push(...unsetProblems([...at, 'advice'], f.advice, scope));
    if (!f.proposes) return;
    problems.push(...unsetProblems([...at, 'proposes', 'label'], f.proposes.label, scope));
    for (const [name, template] of Object.entries(f.proposes.params)) problems.push(...unsetProblems([...at, 'proposes', 'params', name], template, scope));
  });
  rb.recovery.forEach((p, i) => {
    // A rollback part bound to a recovery step (onlyIfRan) is in the plan whenever that step may have changed something,
    // whatever its outputs: every template of it, filled in when the plan is made, must not need one that is not set then.
    for (const part of rollbackParts(p.rollback)) {
      const bound = part.part.onlyIfRan === undefined ? undefined : p.steps.find((r) => r.id === part.part.onlyIfRan);
      if (!bound) continue;
      const at: At = ['recovery', i, 'rollback', part.list, part.index];
      const ran = possibleStatuses(bound).filter((status) => changingStatuses(bound.kind).includes(status));
      // On a status it stops part-way with, the step counts as run only when its outputs say it changed something, and
      // then it has set what its kind says it sets so (a move half done, where the file is): those are read safely.
      const partWay = stepKind(bound.kind).partWay;
      const setWhenRan = (expression: string) => expression.split('.')[0] === 'recovery' && expression.split('.')[1] === bound.id && (partWay?.sets ?? []).includes(expression.split('.')[2] ?? '');
      const matches = `its onlyIfRan: ${bound.id} counts as run (it may have changed something), so this ${part.what} is in the rollback then`;
      for (const use of rollbackPartTemplates(part)) {
        // Said when the step fails, an empty value says nothing; run (an argv element, a path, SQL), it would do something else.
        const said = use.at.length === 1 && use.at[0] === 'whenFailed';
        const instead = said ? 'name what is set then' : `the rollback cannot be built when ${bound.id} ended so: bind this ${part.what} to a step that sets it, or read what is set then`;
        // Its one step is named (onlyIfRan): never a step the condition does not name.
        const scope = (endings: readonly string[]): Scope => ({ head: 'recovery', steps: p.steps, endings: new Map([[bound.id, new Set(endings)]]), matches, instead, mayBeGiven: matches });
        const expressions = use.as === 'list' ? [{ expression: use.template, optional: false }] : placeholderUses(use.template);
        const ranFully = ran.filter((status) => !(partWay?.statuses as readonly string[] | undefined)?.includes(status));
        problems.push(...unsetIn([...at, ...use.at], expressions.filter((e) => !setWhenRan(e.expression)), scope(ran), said));
        problems.push(...unsetIn([...at, ...use.at], expressions.filter((e) => setWhenRan(e.expression)), scope(ranFully), said));
      }
    }
  });
  return problems;
}
