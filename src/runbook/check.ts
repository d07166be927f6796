// Load-time cross-checks of a runbook: every step, status, output, parameter and placeholder it names exists where it is used.
import { engineStatuses } from '../engine/execute-steps.js';
import { forStep, type StepReferences, type TemplateUse } from '../engine/steps/define-step-kind.js';
import { boundValueIssues } from '../engine/steps/bound-values.js';
import { columnOutputHint } from '../engine/steps/sql-result-outputs.js';
import { stepKind } from '../engine/steps/index.js';
import { engineValueNames, scopedValueNames, targetFieldNames, targetValueNames } from '../engine/template-values.js';
import { outputShapeProblem, stepOutputFacts } from './step-outputs.js';
import { didYouMean } from './did-you-mean.js';
import { mayEndWithoutOutput, motherDuckLockKey, previewTemplates, recoveryOutputsRead, recoveryStepsRead, snapshotTakenOnMotherDuckOnly } from './recovery-outputs-read.js';
import { rollbackPartTemplates, rollbackParts } from './rollback-parts.js';
import { defaultProblem } from './params.js';
import type { Condition, Parameter, Preview, RecoveryPath, Runbook, Step } from './schema.js';
import { isLiteralKind, placeholderUses, spacedAlike, withoutPlaceholders } from './template.js';
import { literalKinds } from '../database/sql-literal.js';
import { enumZoneProblems, timeZoneSettingProblems } from './time-zone-settings.js';
import { enumAttribute, todayInProblem } from './parameter-today.js';
import { backfilledJobs } from './stack-jobs.js';
import { holdsUntilAtProblem } from './holds-until-time.js';

type At = (string | number)[];

export interface RunbookProblem {
  at: At;
  message: string;
}

/** What the templates and conditions of one part of a runbook can name. */
interface Scope {
  /** "the diagnosis", "path a", "the rollback of path a" … */
  label: string;
  /** The parameters the command that runs this part takes. */
  params: readonly string[];
  /** Of those, the ones it must be given. */
  requires: readonly string[];
  /** Of `requires`, those a verdict offering this path found empty (knownEmpty): the verdict's id, by parameter. */
  knownEmptyBy?: ReadonlyMap<string, string>;
  /** {{diagnosis.<step>.<output>}}: the incident's diagnosis, read by everything after it. */
  diagnosis: boolean;
  /** {{steps.<step>.<output>}}: a verdict's own diagnosis, or a follow-up's own validation. */
  steps?: readonly Step[];
  /** What `steps` are, in messages: "diagnosis" unless said. */
  stepsOf?: string;
  /** {{recovery.<step>.<output>}}: the recovery a rollback undoes. */
  recovery?: readonly Step[];
  /** {{previews.<id>}}: the counts a recovery's plan took. */
  previews?: readonly string[];
  /** Why {{previews.…}} is not set here though the path has previews: said instead of "only set in … that has previews". */
  previewsUnseen?: string;
  /** {{taken_from.<parameter>}}: where a validation's fromIncident parameters came from. */
  takenFrom?: readonly string[];
  /** The runbook's names: made first, from the engine's values alone, for every template (engineValues in template-values.ts). */
  isName?: boolean;
}

const plainEngineValues: readonly string[] = engineValueNames.filter((name) => name !== 'diagnosis' && name !== 'targets' && name !== 'names');

/** Every status a step can end with: its kind's, for this step, and the ones the engine gives any step. */
export function possibleStatuses(step: Step): string[] {
  // The engine skips a step only on its condition (onlyIf); one left out of the plan (onlyIfGiven, onlyIfRan) ends
  // nothing at all. A kind may end "skipped" itself (a move with ifMissing: skip): its own statuses say so.
  const skippable = step.onlyIf !== undefined;
  const engine = engineStatuses.filter((status) => status !== 'skipped' || skippable);
  return [...new Set([...forStep(stepKind(step.kind).statuses, step), ...engine])];
}

/** Every key {{steps.<id>.…}} and the like can read for a step. */
export function possibleOutputs(step: Step): string[] {
  return [...stepOutputFacts(step).keys()];
}

const list = (names: Iterable<string>) => [...names].join(', ') || 'none';

/** What is wrong with a date parameter's endedDaysIn: it needs endedDaysOnly, and must name a diagnosis step's output. */
function endedDaysInProblem(reference: string, endedDaysOnly: string | undefined, diagnosisSteps: readonly Step[]): string | undefined {
  if (!endedDaysOnly) return 'endedDaysIn says where a day must be over too: give endedDaysOnly (the reason) with it';
  const [id = '', output = ''] = reference.split('.');
  const step = diagnosisSteps.find((s) => s.id === id);
  if (!step) return `no diagnosis step "${id}"${didYouMean(id, diagnosisSteps.map((s) => s.id))}`;
  const outputs = possibleOutputs(step);
  return outputs.includes(output) ? undefined : `step "${id}" (${step.kind}) has no output "${output}"${didYouMean(output, outputs)}; it has: ${list(outputs)}`;
}

export function runbookProblems(rb: Runbook): RunbookProblem[] {
  const problems: RunbookProblem[] = [];
  const add = (at: At, message: string) => problems.push({ at, message });
  const parameterNames = Object.keys(rb.parameters);
  const diagnosisSteps = rb.diagnosis.steps;
  const recoveryPreviews = rb.recovery.flatMap((p) => p.previews.map((preview) => preview.id));
  const recoveryJobs = backfilledJobs(rb);

  const zonesSaid = new Set<string>();
  /** One problem per bad time zone setting, however many places read it (steps, SQL, a date's todayIn). */
  const sayZoneProblems = (found: readonly RunbookProblem[]) => {
    for (const problem of found) {
      const key = `${problem.at.join('.')} ${problem.message}`;
      if (!zonesSaid.has(key)) add(problem.at, problem.message);
      zonesSaid.add(key);
    }
  };

  const reserved = new Set<string>([...engineValueNames, ...scopedValueNames]);
  for (const name of parameterNames) {
    if (reserved.has(name)) add(['parameters', name], `"${name}" is a built-in name (the engine's own value {{${name}}}); rename the parameter`);
    const badDefault = defaultProblem(name, rb.parameters[name] as Parameter);
    if (badDefault) add(['parameters', name], badDefault);
    const declared = rb.parameters[name] as Parameter;
    const endedIn = declared.type === 'date' && declared.endedDaysIn ? endedDaysInProblem(declared.endedDaysIn, declared.endedDaysOnly, diagnosisSteps) : undefined;
    if (endedIn) add(['parameters', name, 'endedDaysIn'], endedIn);
    const todayIn = declared.type === 'date' && declared.todayIn ? todayInProblem(rb, declared.todayIn) : undefined;
    if (todayIn) add(['parameters', name, 'todayIn'], todayIn);
    // Today in a zone Node does not know would be UTC's: refused at its setting, as where the steps read it.
    else if (declared.type === 'date' && declared.todayIn) sayZoneProblems(enumZoneProblems(rb, ...enumAttribute(declared.todayIn)));
  }

  const checkParameterList = (names: readonly string[], at: At) =>
    names.forEach((name, i) => {
      if (!rb.parameters[name]) add([...at, i], `unknown parameter "${name}"${didYouMean(name, parameterNames)}`);
    });
  /** `requires` names parameters the same command takes: a required name it does not take would never be asked for. */
  const checkRequires = (requires: readonly string[], takes: readonly string[], at: At) =>
    requires.forEach((name, i) => {
      if (!rb.parameters[name]) add([...at, i], `unknown parameter "${name}"${didYouMean(name, parameterNames)}`);
      else if (!takes.includes(name)) add([...at, i], `"${name}" is not one of the parameters this takes (${list(takes)}): add it to parameters`);
    });

  rb.windows.forEach((w, i) => {
    for (const end of ['from', 'to'] as const) {
      const declared = rb.parameters[w[end]];
      if (!declared) add(['windows', i, end], `unknown parameter "${w[end]}"${didYouMean(w[end], parameterNames)}`);
      else if (declared.type !== 'date') add(['windows', i, end], `"${w[end]}" is not a date parameter`);
    }
    // One parameter at both ends is a window of one day whatever is typed: its checks (forwards, at most N days) never bite.
    if (w.from === w.to) add(['windows', i, 'to'], `"${w.to}" is also the window's from: name the parameter of its last day`);
  });

  rb.exclusive.forEach((group, i) =>
    group.forEach((name, j) => {
      if (!rb.parameters[name]) add(['exclusive', i, j], `unknown parameter "${name}"${didYouMean(name, parameterNames)}`);
    }),
  );

  const checkExpression = (expression: string, optional: boolean, use: Pick<TemplateUse, 'perItem' | 'as'>, scope: Scope, guardedBy: string | undefined): string | undefined => {
    const [head = '', ...rest] = expression.split('.');
    const wrap = (message: string) => `{{${expression}${optional ? '?' : ''}}}: ${message}`;
    if (scope.isName && (head === 'names' || head === 'diagnosis')) return wrap(`a name is made before the other names and any diagnosis, so it cannot read {{${head}.…}}`);
    if (head === 'item') {
      if (!use.perItem) return wrap('{{item}} is only set inside a forEach group');
      return rest.length > 0 ? wrap('{{item}} is one list element and has no attributes') : undefined;
    }
    if (head === 'targets') {
      const [target, field] = rest;
      if (rest.length !== 2 || !targetValueNames.includes(target as never) || !targetFieldNames.includes(field as never)) {
        const hint = targetValueNames.includes(target as never) ? didYouMean(field ?? '', targetFieldNames) : didYouMean(target ?? '', targetValueNames);
        return wrap(`name a target and a field: {{targets.<${targetValueNames.join('|')}>.<${targetFieldNames.join('|')}>}}${hint}`);
      }
      return undefined;
    }
    if (head === 'names') {
      const [name] = rest;
      if (rest.length !== 1 || name === undefined) return wrap('name one of the runbook\'s names: {{names.<name>}}');
      return Object.hasOwn(rb.names, name) ? undefined : wrap(`the runbook declares no name "${name}"${didYouMean(name, Object.keys(rb.names))}; it has: ${list(Object.keys(rb.names))}`);
    }
    if (plainEngineValues.includes(head)) return rest.length > 0 ? wrap(`{{${head}}} is a single value with no attribute "${rest.join('.')}"`) : undefined;
    const stepOutput = (steps: readonly Step[], what: string): string | undefined => {
      const [id, output] = rest;
      if (id === undefined || output === undefined) return wrap(`name a step and one of its outputs: {{${head}.<step>.<output>}}`);
      const step = steps.find((s) => s.id === id);
      if (!step) return wrap(`no ${what} step "${id}"${didYouMean(id, steps.map((s) => s.id))}`);
      const outputs = possibleOutputs(step);
      const readsColumn = (column: string) => columnOutputHint(step, `${head}.${id}`, column);
      if (!outputs.includes(output)) {
        // A typo of an output it has is that; a name like none of them may be a column of its result.
        const typo = didYouMean(output, outputs);
        return wrap(`step "${id}" (${step.kind}) has no output "${output}"${typo}; it has: ${list(outputs)}${typo ? '' : readsColumn(output)}`);
      }
      // A list where one value is filled in renders as a marker, or fails the plan: said now, not at 3 a.m. One of its
      // values ({{steps.<id>.counts.<table>}}) is one value.
      const shape = stepOutputFacts(step).get(output)?.shape;
      // Only a map has values by name: past a text or a list, the rest names nothing and would render as a marker.
      if (rest.length > 2 && (shape === 'text' || shape === 'list')) {
        const column = output === 'rows' ? readsColumn(rest[2] as string) : '';
        return wrap(`${head}.${id}.${output} is ${shape === 'text' ? 'one value' : 'a list'}, which has no ".${rest.slice(2).join('.')}": read {{${head}.${id}.${output}}} itself${shape === 'list' ? " (in a command's forEach)" : ''}${column}`);
      }
      // A map's value by name is one value (a count): past it, the rest names nothing either.
      if (rest.length > 3 && shape === 'map') {
        const value = `${head}.${id}.${output}.${rest[2]}`;
        return wrap(`${value} is one value of the map ${head}.${id}.${output}, which has no ".${rest.slice(3).join('.')}": read {{${value}}} itself`);
      }
      const misshapen = rest.length === 2 ? outputShapeProblem(step, output, use.as, `${head}.${id}.${output}`) : undefined;
      return misshapen && wrap(`${misshapen}${output === 'rows' || output === 'columns' ? readsColumn('<column>') : ''}`);
    };
    if (head === 'diagnosis') return scope.diagnosis ? stepOutput(diagnosisSteps, 'diagnosis') : wrap(`${scope.label} cannot read {{diagnosis.…}}: it is the diagnosis`);
    if (head === 'steps') {
      if (scope.steps) return stepOutput(scope.steps, scope.stepsOf ?? 'diagnosis');
      // Only what is set here is offered: a recovery's steps have no {{recovery.…}}, which only a rollback has.
      return wrap(`{{steps.…}} is only set in a verdict or a validation follow-up (read {{diagnosis.…}}${scope.recovery ? ' or {{recovery.…}}' : ''} here)`);
    }
    if (head === 'recovery') return scope.recovery ? stepOutput(scope.recovery, 'recovery') : wrap('{{recovery.…}} is only set in a rollback');
    if (head === 'taken_from') {
      if (!scope.takenFrom) return wrap('{{taken_from.…}} is only set in a validation and its follow-ups');
      const [name] = rest;
      if (rest.length !== 1 || name === undefined) return wrap('name one parameter: {{taken_from.<parameter>}}');
      return scope.takenFrom.includes(name) ? undefined : wrap(`"${name}" is not one of validation.fromIncident (${list(scope.takenFrom)})`);
    }
    if (head === 'previews') {
      if (!scope.previews) return wrap(scope.previewsUnseen ?? '{{previews.…}} is only set in the steps of a recovery path that has previews');
      const id = rest[0];
      if (id === undefined || rest.length > 1) return wrap('name one preview: {{previews.<id>}}');
      return scope.previews.includes(id) ? undefined : wrap(`no preview "${id}" in ${scope.label}${didYouMean(id, scope.previews)}`);
    }
    if (scope.params.includes(head)) {
      const declared = rb.parameters[head];
      if (!declared) return undefined;
      const emptyOn = scope.knownEmptyBy?.get(head);
      if (!optional && !declared.required && declared.default === undefined && (!scope.requires.includes(head) || emptyOn) && guardedBy !== head) {
        if (emptyOn) return wrap(`verdict "${emptyOn}" lets ${scope.label} go without "${head}" (knownEmpty), so this fails then: write {{${head}?}} or add onlyIfGiven: ${head}`);
        return wrap(`"${head}" is optional, so this fails when it is not given: write {{${head}?}}, list it under requires, or add onlyIfGiven: ${head}`);
      }
      if (rest.length === 0) return undefined;
      if (declared.type !== 'enum' || rest.length > 1) return wrap(`the ${declared.type} parameter "${head}" has no attribute "${rest.join('.')}"`);
      const attribute = rest[0] as string;
      const values = Object.entries(declared.values);
      const having = values.filter(([, attributes]) => Object.hasOwn(attributes, attribute));
      if (having.length === 0) {
        const known = new Set(values.flatMap(([, attributes]) => Object.keys(attributes)));
        return wrap(`no value of parameter "${head}" has an attribute "${attribute}"${didYouMean(attribute, known)}`);
      }
      if (having.length < values.length && !optional) {
        const lacking = values.filter(([, attributes]) => !Object.hasOwn(attributes, attribute)).map(([value]) => value);
        return wrap(`${list(lacking)} of parameter "${head}" ${lacking.length === 1 ? 'has' : 'have'} no "${attribute}": write {{${expression}?}} or add it`);
      }
      // Read as a list (forEach) or as text: a value whose attribute is the other shape would fail only when it is given.
      const wantsList = use.as === 'list';
      const misshapen = having.filter(([, attributes]) => Array.isArray(attributes[attribute]) !== wantsList || (!wantsList && typeof attributes[attribute] === 'object' && attributes[attribute] !== null));
      if (misshapen.length > 0) {
        const said = wantsList
          ? `is not a list ([a, b])`
          : `is ${misshapen.some(([, attributes]) => Array.isArray(attributes[attribute])) ? 'a list' : 'a map'}, not one value`;
        return wrap(`read as ${wantsList ? 'a list' : 'text'} here, but "${attribute}" of ${list(misshapen.map(([value]) => value))} ${said}`);
      }
      return undefined;
    }
    if (rb.parameters[head]) return wrap(`the parameter "${head}" is not given to ${scope.label} (it takes: ${list(scope.params)})`);
    const known = [...scope.params, ...plainEngineValues, ...(scope.diagnosis ? ['diagnosis'] : []), ...(scope.steps ? ['steps'] : []), ...(scope.recovery ? ['recovery'] : []), ...(scope.previews ? ['previews'] : [])];
    return wrap(`"${head}" is not a parameter of ${scope.label}, a step output or an engine value${didYouMean(head, known)}`);
  };

  /** Why an expectRows placeholder can never give a number of rows (it names a date, a path …); undefined when it can. */
  const notARowCount = (expectRows: unknown): string | undefined => {
    if (typeof expectRows !== 'string' || /^\d+$/.test(expectRows)) return undefined;
    const [head = '', attribute] = expectRows.replace(/^\{\{\s*|\s*\}\}$/g, '').split('.');
    const declared = Object.hasOwn(rb.parameters, head) ? rb.parameters[head] : undefined;
    if (!declared || declared.type === 'integer') return undefined;
    if (declared.type === 'enum' && attribute !== undefined) {
      const notWhole = Object.entries(declared.values).filter(([, attributes]) => !/^\d+$/.test(String(attributes[attribute] ?? '')));
      return notWhole.length === 0 ? undefined : `${expectRows} must count rows, but "${attribute}" of ${list(notWhole.map(([value]) => value))} is not a whole number`;
    }
    return `${expectRows} must count rows, but "${head}" is a ${declared.type} parameter: use a preview ({{previews.<id>}}), an integer parameter or a whole number`;
  };

  const checkTemplate = (use: TemplateUse, scope: Scope, at: At, guardedBy?: string) => {
    // A {{ left once every placeholder is taken out was meant as one (an unclosed {{name}, a typo) but would be shown
    // as is. A lone }} is not flagged: JSON in an argv and DuckDB's struct literals end in }}.
    // So is a single-braced {steps.disk.summary} or {database_path}: braces around a name the engine fills, one pair short.
    const bare = withoutPlaceholders(use.template);
    const fillable = new Set([...scope.params, ...plainEngineValues, 'steps', 'recovery', 'previews', 'targets', 'names', 'diagnosis', 'item', 'taken_from']);
    const singleBraced = [...bare.matchAll(/(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)(\.[A-Za-z0-9_.-]{1,60})?\}(?!\})/g)].find((m) => fillable.has(m[1] as string))?.[0];
    // A Go template (docker's --format={{json .State.Health}}, {{.State.Status}}) is the program's, shown as written.
    const goTemplates = /\{\{-?\s*(?:[a-z]+\s+)?\.[^{}]*\}\}/g;
    const stray = use.as === 'list' ? undefined : (/\{\{[^}]{0,40}/.exec(bare.replace(goTemplates, ''))?.[0] ?? singleBraced);
    if (stray !== undefined) add([...at, ...use.at], `"${stray}" is not a placeholder (they look like {{name}}, {{steps.<step>.<output>}} or {{name?}}); it would be shown as written`);
    const uses = use.as === 'list' ? [{ expression: use.template, optional: false, kind: undefined }] : placeholderUses(use.template);
    for (const { expression, optional, kind } of uses) {
      // A filter that is none of the literal kinds is named as unknown wherever it is written (a template has no other filters).
      if (kind !== undefined && !isLiteralKind(kind)) add([...at, ...use.at], `{{${expression} | ${kind}}}: "${kind}" is no filter a placeholder takes${didYouMean(kind, literalKinds)}; the only ones are SQL's literal kinds (${literalKinds.join(', ')}), in SQL only`);
      else if (kind !== undefined && use.as !== 'sql') add([...at, ...use.at], `{{${expression} | ${kind}}}: a literal kind applies in SQL only`);
      const message = checkExpression(expression, optional, use, scope, guardedBy);
      if (message) add([...at, ...use.at], message);
    }
    sayZoneProblems(timeZoneSettingProblems(rb, use, at));
  };

  /** A path's or a rollback's previews: their SQL and bound values, in the scope of what they count for (not their own counts). */
  const checkPreviews = (previews: readonly Preview[], scope: Scope, at: At) =>
    previews.forEach((preview, j) => {
      for (const use of previewTemplates(preview)) checkTemplate(use, scope, [...at, j]);
      for (const issue of boundValueIssues(preview.sql, preview.params, ['params'])) add([...at, j, ...issue.at], issue.message);
    });

  const checkCondition = (cond: Condition, at: At, earlier: readonly Step[], later: readonly Step[], where: string) => {
    if ('any' in cond) return cond.any.forEach((c, i) => checkCondition(c, [...at, 'any', i], earlier, later, where));
    if ('all' in cond) return cond.all.forEach((c, i) => checkCondition(c, [...at, 'all', i], earlier, later, where));
    const step = earlier.find((s) => s.id === cond.step);
    if (!step) {
      const message = later.some((s) => s.id === cond.step)
        ? `step "${cond.step}" runs after this one; a condition can only name an earlier step`
        : `no step "${cond.step}" ${where}${didYouMean(cond.step, earlier.map((s) => s.id))}`;
      return add([...at, 'step'], message);
    }
    const statuses = possibleStatuses(step);
    const named = Array.isArray(cond.status) ? cond.status : [cond.status];
    named.forEach((status, i) => {
      if (!statuses.includes(status)) {
        add([...at, 'status', ...(Array.isArray(cond.status) ? [i] : [])], `step "${step.id}" (${step.kind}) never ends "${status}"${didYouMean(status, statuses)}; it can end: ${list(statuses)}`);
      }
    });
  };

  /**
   * A command among the steps of a recovery or rollback that changes data is taken to change it too: what it does is
   * unseen by the bot, and one left unmarked would let a failure read "Nothing was changed" over a rebuild half done
   * after the moves before it. A check goes under `guards:` (before) or in the validation (after).
   */
  const checkCommandsChange = (steps: readonly Step[], at: At) => {
    if (!steps.some((step) => step.mutates)) return;
    steps.forEach((step, i) => {
      if (step.kind === 'command' && !step.mutates) add([...at, i, 'mutates'], 'this recovery or rollback changes data, and the bot cannot see what a command does: every command among its steps must say mutates: true, so that its failure never reads "Nothing was changed" after the steps before it changed data. A read-only check goes under guards:, or in the validation');
    });
  };

  /**
   * A guard passes on the statuses it accepts and the steps after it run: one that accepts not having looked (failed,
   * timeout, interrupted) or something else using what it looks at (a held file) lets a plan change what nobody checked.
   */
  const checkGuardsLook = (guards: readonly Step[], at: At) => {
    guards.forEach((guard, i) => {
      const inUse = stepKind(guard.kind).inUseStatuses ?? {};
      guard.acceptStatuses.forEach((status, j) => {
        const why =
          status === 'failed' ? 'the guard could not look'
          : status === 'timeout' ? 'the guard did not finish looking in time'
          : status === 'interrupted' ? 'the guard was stopped before it finished looking'
          : inUse[status];
        if (why) add([...at, i, 'acceptStatuses', j], `a guard must not accept "${status}": it means ${why}, and the steps after the guard would run all the same; remove it from acceptStatuses`);
      });
    });
  };

  /** Steps that run as one sequence: each condition names an earlier one of them. */
  const checkSequence = (parts: [readonly Step[], At][], scope: Scope, phase: string, options: { readOnly?: string; onlyIfRan?: boolean; previewsFrom?: number } = {}) => {
    const all = parts.flatMap(([steps]) => steps);
    let index = 0;
    parts.forEach(([steps, at], partIndex) => {
      const partScope = options.previewsFrom !== undefined && partIndex < options.previewsFrom ? { ...scope, previews: undefined, ...(scope.previews?.length ? { previewsUnseen: '{{previews.…}} is not set in guards: they run before the previews are counted, and see none (read them in the steps after)' } : {}) } : scope;
      steps.forEach((step, i) => {
        const here = [...at, i];
        const earlier = all.slice(0, index);
        const later = all.slice(index + 1);
        index += 1;
        const kind = stepKind(step.kind);
        if (options.readOnly && step.mutates) add(here, options.readOnly);
        if (step.onlyIf) checkCondition(step.onlyIf, [...here, 'onlyIf'], earlier, later, `before this one in ${scope.label}`);
        if (step.onlyIfRan !== undefined && !options.onlyIfRan) add([...here, 'onlyIfRan'], "onlyIfRan only applies to a rollback's inspect steps, guards, steps and previews (use onlyIf here)");
        if (step.leftOutNote !== undefined) {
          if (step.onlyIfGiven === undefined) add([...here, 'leftOutNote'], 'leftOutNote says what leaving the step out means, and only a step with onlyIfGiven is left out: add onlyIfGiven, or drop the note');
          // What it names (the diagnosis' outputs) checked now: a misspelt one would leave the note unsaid for good.
          else checkTemplate({ at: ['leftOutNote'], template: step.leftOutNote, as: 'text' }, partScope, here, step.onlyIfGiven);
        }
        if (step.whenFailed !== undefined) {
          // Only a recovery's or rollback's run stops at a step; the others report what they found, in advice of their own.
          if (!/^(recovery path|rollback of path) /.test(phase)) add([...here, 'whenFailed'], `whenFailed is said when a recovery or rollback stops at the step, and ${phase} steps never stop one: say it in the advice of what they find (a verdict's, a follow-up's)`);
          // Filled in when the plan is made: the previews are counted by then (for steps, not guards), no step has run.
          else checkTemplate({ at: ['whenFailed'], template: step.whenFailed, as: 'text' }, partScope, here, step.onlyIfGiven);
        }
        if (step.whenRefused !== undefined) {
          // Only a guard refuses a plan before it is shown; any other step stops a run, said by its whenFailed.
          if (!here.includes('guards')) add([...here, 'whenRefused'], 'whenRefused is said when a guard refuses a plan before it is shown, and this step is no guard: say what to do when it stops a run in its whenFailed');
          else checkTemplate({ at: ['whenRefused'], template: step.whenRefused, as: 'text' }, partScope, here, step.onlyIfGiven);
        }
        if (step.onlyIfGiven !== undefined && !scope.params.includes(step.onlyIfGiven)) {
          add([...here, 'onlyIfGiven'], `"${step.onlyIfGiven}" is not a parameter ${scope.label} takes${didYouMean(step.onlyIfGiven, scope.params)}; it takes: ${list(scope.params)}`);
        }
        const statuses = possibleStatuses(step);
        step.acceptStatuses.forEach((status, j) => {
          if (!statuses.includes(status)) add([...here, 'acceptStatuses', j], `a ${step.kind} step never ends "${status}"${didYouMean(status, statuses)}; it can end: ${list(statuses)}`);
        });
        step.waitUntil?.status.forEach((status, j) => {
          if (!statuses.includes(status)) add([...here, 'waitUntil', 'status', j], `a ${step.kind} step never ends "${status}"${didYouMean(status, statuses)}; it can end: ${list(statuses)}`);
        });
        if (step.waitUntil && step.mutates) add([...here, 'waitUntil'], 'only a read-only step can be repeated until it reports a status');
        const waitsFor = step.waitUntil?.onlyIfGiven;
        if (waitsFor !== undefined && !scope.params.includes(waitsFor)) {
          add([...here, 'waitUntil', 'onlyIfGiven'], `"${waitsFor}" is not a parameter ${scope.label} takes${didYouMean(waitsFor, scope.params)}; it takes: ${list(scope.params)}`);
        }
        for (const issue of kind.references?.(step, { diagnosisSteps, phase, earlier: earlier as unknown as StepReferences['earlier'], recoveryPreviews, recoveryJobs, names: rb.names }) ?? []) add([...here, ...issue.at], issue.message);
        for (const use of kind.templates(step)) checkTemplate(use, partScope, here, step.onlyIfGiven);
        const counted = notARowCount('expectRows' in step ? step.expectRows : undefined);
        if (counted) add([...here, 'expectRows'], counted);
      });
    });
  };

  checkParameterList(rb.diagnosis.parameters, ['diagnosis', 'parameters']);
  checkParameterList(rb.validation.parameters, ['validation', 'parameters']);
  checkRequires(rb.validation.requires, rb.validation.parameters, ['validation', 'requires']);
  rb.validation.fromIncident.forEach((name, i) => {
    if (!rb.validation.parameters.includes(name)) add(['validation', 'fromIncident', i], `"${name}" is not a parameter of the validation (it takes: ${list(rb.validation.parameters)})`);
  });

  const diagnosisScope: Scope = { label: 'the diagnosis', params: rb.diagnosis.parameters, requires: [], diagnosis: false };
  checkSequence([[diagnosisSteps, ['diagnosis', 'steps']]], diagnosisScope, 'diagnosis', { readOnly: 'diagnosis steps must be read-only: one that changes data belongs among the steps of a recovery path, with mutates: true, where it runs only in a plan someone approves: move it there' });
  checkSequence(
    [[rb.validation.steps, ['validation', 'steps']]],
    { label: 'the validation', params: rb.validation.parameters, requires: rb.validation.requires, diagnosis: true, takenFrom: rb.validation.fromIncident },
    'validation',
    { readOnly: 'validation steps must be read-only: a validation runs without approval' },
  );

  rb.validation.followUps.forEach((f, i) => {
    const at: At = ['validation', 'followUps', i];
    checkCondition(f.when, [...at, 'when'], rb.validation.steps, [], 'in the validation');
    const scope: Scope = { label: 'a validation follow-up', params: rb.validation.parameters, requires: rb.validation.requires, diagnosis: true, steps: rb.validation.steps, stepsOf: 'validation', takenFrom: rb.validation.fromIncident };
    checkTemplate({ at: ['advice'], template: f.advice, as: 'text' }, scope, at);
    if (!f.proposes) return;
    // The button proposes that path's plan as a typed recover would: the path exists and gets the parameters it needs.
    const proposes = f.proposes;
    checkTemplate({ at: ['proposes', 'label'], template: proposes.label, as: 'text' }, scope, at);
    const target = rb.recovery.find((p) => p.id === proposes.path);
    if (!target) {
      add([...at, 'proposes', 'path'], `no recovery path "${proposes.path}"${didYouMean(proposes.path, rb.recovery.map((p) => p.id))}`);
      return;
    }
    for (const [name, value] of Object.entries(proposes.params)) {
      if (!target.parameters.includes(name)) add([...at, 'proposes', 'params', name], `path ${target.id} takes no parameter "${name}"${didYouMean(name, target.parameters)}; it takes: ${list(target.parameters)}`);
      checkTemplate({ at: ['proposes', 'params', name], template: value, as: 'text' }, scope, at);
    }
    const needed = target.parameters.filter((name) => (rb.parameters[name]?.required || target.requires.includes(name)) && !Object.hasOwn(proposes.params, name));
    if (needed.length > 0) add([...at, 'proposes', 'params'], `path ${target.id} needs ${list(needed)}: give ${needed.length === 1 ? 'it' : 'them'} in params`);
  });

  const pathIds = rb.recovery.map((p) => p.id);
  /** The parameters a path requires that a verdict offering it found empty (knownEmpty), with that verdict's id. */
  const knownEmptyFor = (p: RecoveryPath) =>
    new Map(rb.diagnosis.verdicts.flatMap((v) => (v.paths.includes(p.id) ? v.knownEmpty.filter((name) => p.requires.includes(name)).map((name) => [name, v.id] as const) : [])));
  rb.recovery.forEach((p, i) => {
    const at: At = ['recovery', i];
    if (p.continueWith !== undefined && (p.continueWith === p.id || !pathIds.includes(p.continueWith))) {
      add([...at, 'continueWith'], p.continueWith === p.id ? 'a path cannot continue with itself' : `no recovery path "${p.continueWith}"${didYouMean(p.continueWith, pathIds)}`);
    }
    if (p.approval === 'anyone' && p.steps.some((s) => s.destructive)) {
      add([...at, 'approval'], 'a path with destructive steps needs a teammate\'s approval: set approval: teammate, or leave it out');
    }
    checkParameterList(p.parameters, [...at, 'parameters']);
    checkRequires(p.requires, p.parameters, [...at, 'requires']);
    const scope: Scope = { label: `path ${p.id}`, params: p.parameters, requires: p.requires, knownEmptyBy: knownEmptyFor(p), diagnosis: true, previews: p.previews.map((v) => v.id) };
    p.guards.forEach((g, j) => {
      if (g.mutates) add([...at, 'guards', j], 'guards must be read-only');
    });
    checkGuardsLook(p.guards, [...at, 'guards']);
    checkCommandsChange(p.steps, [...at, 'steps']);
    checkSequence(
      [
        [p.guards, [...at, 'guards']],
        [p.steps, [...at, 'steps']],
      ],
      scope,
      `recovery path ${p.id}`,
      { previewsFrom: 1 },
    );
    const pathWide = "{{previews.…}} is not set in a path's whenFailed (or whenFailedOpens): said of the whole path, it sees no previews (a step's own whenFailed does)";
    if (p.whenFailed) checkTemplate({ at: ['whenFailed'], template: p.whenFailed, as: 'text' }, { ...scope, previews: undefined, previewsUnseen: pathWide }, at);
    if (p.whenFailedOpens && !p.whenFailed) add([...at, 'whenFailedOpens'], 'whenFailedOpens needs whenFailed: the advice the buttons go with');
    for (const [name, value] of Object.entries(p.whenFailedOpens?.params ?? {})) {
      checkTemplate({ at: ['whenFailedOpens', 'params', name], template: value, as: 'text' }, { ...scope, previews: undefined, previewsUnseen: pathWide }, at);
    }
    checkPreviews(p.previews, { ...scope, previews: undefined, previewsUnseen: "{{previews.…}} is not set in a preview: the previews are counted together, and read none of each other's counts" }, [...at, 'previews']);
    p.previews.forEach((preview, j) => {
      if (preview.onlyIfRan !== undefined) add([...at, 'previews', j, 'onlyIfRan'], "onlyIfRan is for a rollback's previews: a recovery's are counted before any of its steps runs");
    });
    p.previews.forEach((preview, j) => {
      if (preview.asDiagnosed === undefined) return;
      const where = [...at, 'previews', j, 'asDiagnosed'];
      const counted = rb.diagnosis.steps.find((s) => s.id === preview.asDiagnosed);
      // A window misnamed is said where it is written; a path that takes no whole window is said here.
      const windowsNamed = rb.windows.every((w) => Object.hasOwn(rb.parameters, w.from) && Object.hasOwn(rb.parameters, w.to));
      if (counted?.kind !== 'day-counts') {
        const message = counted ? `diagnosis step "${counted.id}" is a ${counted.kind} step, not day-counts: it counted no rows per day` : `no diagnosis step "${preview.asDiagnosed}"${didYouMean(preview.asDiagnosed, rb.diagnosis.steps.map((s) => s.id))}`;
        add(where, message);
      } else if (!spacedAlike(preview.sql).includes(spacedAlike(counted.table))) {
        // Another table's counts would differ on every plan: a warning that cries wolf.
        add(where, `this preview's SQL does not count ${counted.table}, the table diagnosis step "${counted.id}" counted: compare it with the step that counts its table`);
      } else if (windowsNamed && !rb.windows.some((w) => p.parameters.includes(w.from) && p.parameters.includes(w.to))) {
        add(where, `path ${p.id} takes no window (windows: a from and a to among its parameters): there are no days to compare the diagnosis' counts on`);
      }
    });
    if (p.whenPreviewsNone) {
      const ids = p.previews.map((preview) => preview.id);
      const named = p.whenPreviewsNone.previews;
      named.forEach((id, j) => {
        if (!ids.includes(id)) add([...at, 'whenPreviewsNone', 'previews', j], `no preview "${id}" in path ${p.id}${didYouMean(id, ids)}: only its own previews' counts are there to read`);
        // Named twice, one preview fewer is counted than named, and the note is never said.
        else if (named.indexOf(id) !== j) add([...at, 'whenPreviewsNone', 'previews', j], `preview "${id}" is named twice: name each once (was another meant?)`);
      });
      checkTemplate({ at: ['whenPreviewsNone', 'said'], template: p.whenPreviewsNone.said, as: 'text' }, { ...scope, previews: undefined, previewsUnseen: "{{previews.…}} is not set in whenPreviewsNone's said: the counts it names are none" }, at);
    }
    if (!p.rollback) return;
    const rollbackAt: At = [...at, 'rollback'];
    checkParameterList(p.rollback.parameters, [...rollbackAt, 'parameters']);
    p.rollback.parameters.forEach((name, j) => {
      if (rb.parameters[name]?.required) add([...rollbackAt, 'parameters', j], `rollback parameters are optional: set required: false on "${name}"`);
    });
    // A plan that changes MotherDuck has a named snapshot before each destructive step, <id>_snapshot, for the rollback.
    const snapshots = p.steps.filter((s) => s.destructive && !stepKind(s.kind).changesOtherDatabases).map((s) => ({ id: `${s.id}_snapshot`, title: s.title, kind: 'named-snapshot', database: '', name: '', mutates: true, destructive: false, acceptStatuses: [] }) as Step);
    const recoverySteps = [...p.guards, ...snapshots, ...p.steps];
    // A runbook that holds the MotherDuck lock always changes MotherDuck, so its plans always have those snapshots; one
    // on the backend's lock, or a file's, has them only when that is MotherDuck.
    const locksMotherDuckOnly = rb.lockKey.trim() === motherDuckLockKey;
    const rollbackScope: Scope = { label: `the rollback of path ${p.id}`, params: [...p.parameters, ...p.rollback.parameters], requires: p.requires, knownEmptyBy: scope.knownEmptyBy, diagnosis: true, recovery: recoverySteps };
    p.rollback.inspect.forEach((s, j) => {
      if (s.mutates) add([...rollbackAt, 'inspect', j], 'inspect steps must be read-only');
    });
    p.rollback.guards.forEach((g, j) => {
      if (g.mutates) add([...rollbackAt, 'guards', j], 'guards must be read-only');
    });
    checkGuardsLook(p.rollback.guards, [...rollbackAt, 'guards']);
    checkCommandsChange(p.rollback.steps, [...rollbackAt, 'steps']);
    checkSequence([[p.rollback.inspect, [...rollbackAt, 'inspect']]], { ...rollbackScope, label: `the inspection before the rollback of path ${p.id}`, params: p.parameters }, `rollback inspection of path ${p.id}`, { onlyIfRan: true });
    checkSequence(
      [
        [p.rollback.guards, [...rollbackAt, 'guards']],
        [p.rollback.steps, [...rollbackAt, 'steps']],
      ],
      { ...rollbackScope, previews: p.rollback.previews.map((v) => v.id) },
      `rollback of path ${p.id}`,
      { onlyIfRan: true, previewsFrom: 1 },
    );
    checkPreviews(p.rollback.previews, rollbackScope, [...rollbackAt, 'previews']);
    p.rollback.previews.forEach((preview, j) => {
      // A rollback undoes a recovery's change: its counts differ from the diagnosis' by that change, meant.
      if (preview.asDiagnosed !== undefined) add([...rollbackAt, 'previews', j, 'asDiagnosed'], "asDiagnosed is for a recovery's previews: a rollback counts what the recovery changed since the diagnosis");
    });
    // Each part of the rollback is filled in when its plan is made (an inspect step when the rollback is asked for): one
    // that reads an output a recovery step never gave fails there, and no rollback can be made (nor its choices shown).
    // Bound to that step (onlyIfRan), it is left out when the step did not run.
    const parts = rollbackParts(p.rollback).map((part) => ({ what: `rollback ${part.what}`, at: [...rollbackAt, part.list, part.index], id: part.part.id, onlyIfRan: part.part.onlyIfRan, uses: rollbackPartTemplates(part) }));
    parts.push(...p.rollback.notUndone.map((n, j) => ({ what: 'rollback note', at: [...rollbackAt, 'notUndone', j], id: n.onlyIfRan, onlyIfRan: n.onlyIfRan, uses: [] })));
    for (const part of parts) {
      if (part.onlyIfRan !== undefined && !p.steps.some((r) => r.id === part.onlyIfRan) && !snapshots.some((r) => r.id === part.onlyIfRan)) {
        // A misspelt onlyIfRan is that one problem: what it was meant to name is what the rest would ask for.
        add([...part.at, 'onlyIfRan'], `no recovery step "${part.onlyIfRan}" in path ${p.id}${didYouMean(part.onlyIfRan, p.steps.map((r) => r.id))}`);
        continue;
      }
      const outputsRead = recoveryOutputsRead(part.uses);
      for (const id of new Set(outputsRead.map((r) => r.id))) {
        const read = recoverySteps.find((r) => r.id === id);
        const snapshot = snapshots.some((r) => r.id === id) && !locksMotherDuckOnly;
        // Of the step's outputs it reads, the first it can end without.
        const unset = read && part.onlyIfRan !== id ? outputsRead.filter((r) => r.id === id).map((r) => ({ ...r, why: snapshot ? snapshotTakenOnMotherDuckOnly : mayEndWithoutOutput(read, r.output) })).find((r) => r.why) : undefined;
        if (!unset) continue;
        const { placeholder, why } = unset;
        const reads = `${part.what} "${part.id}" reads ${placeholder}, but recovery step "${id}" can end without it: ${why}.`;
        if (part.onlyIfRan === undefined) {
          add(part.at, `${reads} Add onlyIfRan: ${id} to "${part.id}", so the rollback leaves it out when ${id} did not run`);
          continue;
        }
        // A part is bound to one step only: read in its whenFailed, said, an empty value is safe; run, it is not.
        const run = recoveryStepsRead(part.uses.filter((use) => use.at[0] !== 'whenFailed')).some((r) => r.id === id);
        const optional = `{{${placeholder.slice(2, -2)}?}}`;
        add(
          [...part.at, 'onlyIfRan'],
          run
            ? `${reads} Its onlyIfRan: ${part.onlyIfRan} (a part has one only) does not say whether ${id} ran, so the rollback could not be built then: read only what ${part.onlyIfRan} gives here, or undo ${id} in a step of its own with onlyIfRan: ${id}`
            : `${reads} Its onlyIfRan: ${part.onlyIfRan} (a part has one only) does not say whether ${id} ran: write ${optional} in its whenFailed, to say nothing there when ${id} did not run`,
        );
      }
    }
  });

  const verdicts = rb.diagnosis.verdicts;
  const verdictScope: Scope = { label: 'a verdict', params: rb.diagnosis.parameters, requires: [], diagnosis: false, steps: diagnosisSteps };
  const catchAll = verdicts.findIndex((v) => !v.when);
  if (catchAll === -1) {
    add(['diagnosis', 'verdicts', verdicts.length - 1, 'when'], 'no catch-all verdict: the last verdict must omit "when", so every diagnosis ends with one');
  }
  // The catch-all is given only when every step passed (else the diagnosis is "not conclusive"): a step that always runs
  // and can never pass would make it unreachable, so a healthy stack would never be called healthy.
  // A step left out when its parameter is not given never stands in the way. One run on a condition does when that
  // condition holds however the steps it names pass (then it runs whenever everything else passed).
  const lastVerdict = verdicts.at(-1);
  if (lastVerdict && !lastVerdict.when) {
    /** How a step may end and still pass; a step that may not run at all (skipped, left out) adds an ending no condition names. */
    const passing = (id: string): string[] => {
      const named = diagnosisSteps.find((s) => s.id === id);
      if (!named) return [];
      const ends = forStep(stepKind(named.kind).statuses, named);
      const absent = named.onlyIf || named.onlyIfGiven !== undefined ? ['skipped', '(left out)'] : [];
      return [...(ends.includes('ok') ? ['ok'] : []), ...named.acceptStatuses, ...absent];
    };
    const holdsWheneverAllPass = (condition: Condition): boolean => {
      if ('any' in condition) return condition.any.some(holdsWheneverAllPass);
      if ('all' in condition) return condition.all.every(holdsWheneverAllPass);
      const wanted = typeof condition.status === 'string' ? [condition.status] : condition.status;
      const ways = passing(condition.step);
      return ways.length > 0 && ways.every((status) => wanted.includes(status));
    };
    diagnosisSteps.forEach((step, i) => {
      const statuses = forStep(stepKind(step.kind).statuses, step);
      if (step.onlyIfGiven !== undefined || (step.onlyIf && !holdsWheneverAllPass(step.onlyIf)) || statuses.includes('ok') || step.acceptStatuses.length > 0) return;
      add(
        ['diagnosis', 'steps', i, 'acceptStatuses'],
        `a ${step.kind} step never ends "ok", so with no acceptStatuses it never passes and the catch-all verdict "${lastVerdict.id}" can never be given; list the statuses that mean all is well (it can end: ${list(statuses)})`,
      );
    });
  }
  verdicts.forEach((v, i) => {
    const at: At = ['diagnosis', 'verdicts', i];
    if (!v.when && i !== verdicts.length - 1) add([...at, 'when'], 'only the last verdict may omit "when": a catch-all here hides every verdict after it');
    if (v.when) checkCondition(v.when, [...at, 'when'], diagnosisSteps, [], 'in the diagnosis');
    v.paths.forEach((id, j) => {
      if (!pathIds.includes(id)) add([...at, 'paths', j], `no recovery path "${id}"${didYouMean(id, pathIds)}`);
      // Offered twice, it is one button: likely another path's id typed over (a for b), which would go unoffered.
      else if (v.paths.indexOf(id) !== j) add([...at, 'paths', j], `path "${id}" is offered twice: name each path once (was another meant?)`);
    });
    checkTemplate({ at: ['advice'], template: v.advice, as: 'text' }, verdictScope, at);
    if (v.wayOn !== undefined) {
      checkTemplate({ at: ['wayOn'], template: v.wayOn, as: 'text' }, verdictScope, at);
      if (v.paths.length === 0) add([...at, 'wayOn'], 'wayOn says what the advice says of its paths, and this verdict offers none: move it into the advice, or name the paths');
    }
    const offered = rb.recovery.filter((p) => v.paths.includes(p.id));
    const suggestable = offered.length > 0 ? [...new Set(offered.flatMap((p) => p.parameters))] : parameterNames;
    for (const [name, value] of Object.entries(v.suggest)) {
      if (!suggestable.includes(name)) {
        const whose = offered.length > 0 ? `a parameter of the paths this verdict offers (${list(suggestable)})` : 'a parameter';
        add([...at, 'suggest', name], `"${name}" is not ${whose}${didYouMean(name, suggestable)}`);
      }
      checkTemplate({ at: ['suggest', name], template: value, as: 'text' }, verdictScope, at);
    }
    for (const [name, value] of Object.entries(v.opens?.params ?? {})) checkTemplate({ at: ['opens', 'params', name], template: value, as: 'text' }, verdictScope, at);
    // Found empty, as against not known: only a parameter a path this verdict offers requires can be let go, and only
    // where nothing else requires it (required: true refuses it whatever the verdict found).
    v.knownEmpty.forEach((name, j) => {
      const where: At = [...at, 'knownEmpty', j];
      const requiring = [...new Set(offered.flatMap((p) => p.requires))];
      if (rb.parameters[name]?.required) {
        add(where, `"${name}" is required: true, so no plan goes without it whatever this verdict found: set required: false and list it under the paths' requires`);
      } else if (offered.length === 0) {
        add(where, 'this verdict offers no path: knownEmpty lets the plan of a path it offers go without what that path requires');
      } else if (!requiring.includes(name)) {
        const paths = `path${offered.length > 1 ? 's' : ''} ${offered.map((p) => p.id).join(', ')}`;
        add(where, `"${name}" is not required by ${paths}, which this verdict offers (required: ${list(requiring)})${didYouMean(name, requiring)}: knownEmpty lets a plan go without what its path requires`);
      }
      if (Object.hasOwn(v.suggest, name)) add(where, `"${name}" is suggested too: a verdict that found nothing to give for it has no value to suggest`);
    });
    if (v.holdsUntil) {
      if (v.paths.length === 0) add([...at, 'holdsUntil'], 'this verdict offers no path: holdsUntil bounds every plan made on its diagnosis, whichever path it takes (one typed by hand too), and a verdict that proposes none leaves only such a typed plan to bound (was it meant for a verdict that offers one?): give it paths, or take holdsUntil off');
      checkTemplate({ at: ['holdsUntil', 'at'], template: v.holdsUntil.at, as: 'text' }, verdictScope, at);
      const notTime = holdsUntilAtProblem(v.holdsUntil.at, diagnosisSteps);
      if (notTime) add([...at, 'holdsUntil', 'at'], notTime);
      checkTemplate({ at: ['holdsUntil', 'what'], template: v.holdsUntil.what, as: 'text' }, verdictScope, at);
    }
  });

  // The lock key is rendered by every command: it can use the engine's values and the parameters all of them take.
  const everywhere = parameterNames.filter((name) => [rb.diagnosis.parameters, rb.validation.parameters, ...rb.recovery.map((p) => p.parameters)].every((given) => given.includes(name)));
  checkTemplate({ at: ['lockKey'], template: rb.lockKey, as: 'text' }, { label: 'every command', params: everywhere, requires: everywhere, diagnosis: false }, []);
  // The names are made into the values of every template of the scenario: a mistake in one would fail each of its runs.
  for (const [name, template] of Object.entries(rb.names)) {
    checkTemplate({ at: [], template, as: 'text' }, { label: 'the runbook\'s names', params: [], requires: [], diagnosis: false, isName: true }, ['names', name]);
  }
  return problems;
}

