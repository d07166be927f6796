// The command step kind: an external command (argv, never a shell), its exit code and output classified into a status.
import { UserError } from '../../errors.js';
import { stopReason } from '../stop-reason.js';
import path from 'node:path';
import { z } from 'zod';
import { parseDuration } from '../../config.js';
import { startDetached } from '../../process/start-detached.js';
import { argvElement, duration, noShellSyntax, stepCommon, template } from '../../runbook/step-common.js';
import { listValue, render, type TemplateContext } from '../../runbook/template.js';
import { withScopedValues } from '../template-values.js';
import type { StepResult } from '../types.js';
import type { StepRunContext } from './context.js';
import { defineStepKind, type ResolvedCommon, type StepIssue, type TemplateUse } from './define-step-kind.js';
import { argvIssues } from './command-argv-rules.js';
import { restatesMarts } from './restates-marts.js';
import { ruleSaid, shadowedRules } from './shadowed-rules.js';
import { takenStatusIssues } from './classify-status-taken.js';
import { formatDuration } from '../../format-duration.js';

function isRegExp(text: string): boolean {
  try {
    new RegExp(text, 'i');
    return true;
  } catch {
    return false;
  }
}

/** An empty alternative ("a|b|", "(|x)") or a pattern that is only "anything" (".*", "[\s\S]*"), unescaped. */
function matchesAnything(pattern: string): boolean {
  const bare = pattern.replace(/\\./g, 'x');
  return /^\||\|$|\|\||\(\||\|\)|\(\?:\|/.test(bare) || /^\^?(\.\*|\[\\s\\S\]\*)\??\$?$/.test(pattern) || pattern === '';
}

const classifyRule = z.strictObject({
  status: z.string().regex(/^[a-z][a-z0-9-]*$/),
  /** A case-insensitive regular expression matched against the command's output. */
  match: z
    .string()
    .refine((text) => isRegExp(text), { message: 'not a valid regular expression' })
    // "a|" or ".*" matches every output, a failure that has nothing to do with the rule's status included. Told from the
    // pattern's text: "^$" (no output) or a lookahead also match an empty output, on purpose.
    .refine((text) => !matchesAnything(text), {
      message: 'matches any output (it matches an empty one: an empty alternative such as "a|b|", or ".*"), so every output would get this status; take out the empty alternative, or leave match out to mean any output on purpose',
    })
    .optional(),
  exit: z.union([z.literal('zero'), z.literal('nonzero'), z.number().int()]).optional(),
});

/**
 * Expands to `argv` once per element of a list value: `{ forEach: source.models, argv: [--restate-model, "{{item}}"] }`.
 * A step's list output is named as a placeholder names it, camelCase and all (diagnosis.scan.failedTables).
 */
const argvRepeat = z.strictObject({ forEach: z.string().regex(/^[a-z_][a-z0-9_]*(\.[A-Za-z0-9_-]+)*$/), argv: z.array(argvElement).min(1) });
export type ArgvRepeat = z.infer<typeof argvRepeat>;

const schema = z.strictObject({
  ...stepCommon,
  kind: z.literal('command'),
  argv: z.array(z.union([argvElement, argvRepeat])).min(1),
  cwd: template.default('.'),
  env: z.record(z.string().regex(/^[A-Z_][A-Z0-9_]*$/), z.string().superRefine(noShellSyntax)).default({}),
  /** Turns exit code and output into a status; first match wins; default ok on exit 0, failed otherwise. */
  classify: z.array(classifyRule).default([]),
  /**
   * Start it and leave it running (a daemon such as dagster-daemon): the step succeeds when the process is still
   * alive after `settle`; its output goes to a log file in the state directory. `timeout` does not apply.
   */
  detach: z.boolean().default(false),
  settle: duration.default('5s'),
});

type Parsed = z.output<typeof schema>;
export type CommandStep = Omit<Parsed, 'argv'> & { argv: string[] } & ResolvedCommon;

/** Renders one argv element; a value that would turn an element into an option ("-5", "--force") is refused. */
function renderArgument(template: string, values: TemplateContext): string {
  const rendered = render(template, values);
  if (rendered.startsWith('-') && !template.startsWith('-')) {
    throw new UserError(`"${rendered.slice(0, 60)}" would be read as an option by the command; a value may not start with "-"`);
  }
  return rendered;
}

/** Each argv element is rendered on its own (a value never splits into several arguments); forEach repeats a group per list item. */
function resolveArgv(argv: Parsed['argv'], values: TemplateContext): string[] {
  return argv.flatMap((element) =>
    typeof element === 'string'
      ? [renderArgument(element, values)]
      : listValue(element.forEach, values).flatMap((item) => element.argv.map((part) => renderArgument(part, withScopedValues(values, { item })))),
  );
}

function classify(step: CommandStep, exitCode: number | null, output: string): string {
  for (const rule of step.classify) {
    const exitMatches =
      rule.exit === undefined || (rule.exit === 'zero' ? exitCode === 0 : rule.exit === 'nonzero' ? exitCode !== 0 : exitCode === rule.exit);
    const outputMatches = rule.match === undefined || new RegExp(rule.match, 'i').test(output);
    if (exitMatches && outputMatches) return rule.status;
  }
  return exitCode === 0 ? 'ok' : 'failed';
}

type ClassifyRule = z.infer<typeof classifyRule>;

/** Exit 0 written as a number or as "zero": one set of exit codes. */
const exitNamed = (exit: ClassifyRule['exit']) => (exit === 0 ? 'zero' : exit);

/** Whether every exit code rule `b` takes is one rule `a` takes too. */
function exitCovers(a: ClassifyRule['exit'], b: ClassifyRule['exit']): boolean {
  const [wide, narrow] = [exitNamed(a), exitNamed(b)];
  if (wide === undefined) return true;
  if (wide === 'nonzero') return narrow === 'nonzero' || (typeof narrow === 'number' && narrow !== 0);
  return wide === narrow;
}

/** Whether rule `a` matches every exit and output rule `b` does: no pattern (any output), or the very same one. */
function ruleCovers(a: ClassifyRule, b: ClassifyRule): boolean {
  return exitCovers(a.exit, b.exit) && (a.match === undefined || a.match === b.match);
}

/** A relative cwd written out that leads out of DATABOX_ROOT: commands run in the databox checkout or a folder of it. */
function cwdIssues(cwd: string): StepIssue[] {
  // An absolute one may be inside DATABOX_ROOT, which is not known when a runbook loads.
  if (cwd.includes('{{') || path.isAbsolute(cwd)) return [];
  const normal = path.normalize(cwd);
  if (normal !== '..' && !normal.startsWith(`..${path.sep}`)) return [];
  return [{ at: ['cwd'], message: `${cwd} is outside DATABOX_ROOT: a command runs in the databox checkout or a folder of it (transforms/main, say)` }];
}

/** Whether a rule takes every exit 0 whatever the output: then "ok" is only what the rules say, never the default. */
function exitZeroAlwaysRuled(rules: readonly ClassifyRule[]): boolean {
  return rules.some((rule) => rule.match === undefined && exitCovers(rule.exit, 'zero'));
}

const recentChars = 8_192;

async function runDetached(step: CommandStep, ctx: StepRunContext): Promise<StepResult> {
  const logFile = path.join(ctx.stateDir, 'outputs', ctx.incidentId, `${step.id}.daemon.log`);
  const started = await (ctx.startDetached ?? startDetached)({ argv: step.argv, cwd: step.cwd, env: step.env, logFile, settleMs: parseDuration(step.settle) as number });
  const output = ctx.redact(started.output);
  if (started.alive) {
    return {
      status: 'ok',
      summary: `started PID ${started.pid}, still running after ${step.settle}; it is left running, its output goes to ${logFile}`,
      output,
      exitCode: null,
      durationMs: parseDuration(step.settle) as number,
      outputs: { pid: started.pid, logFile },
    };
  }
  return {
    status: 'failed',
    summary: started.spawnError ?? `exited with code ${started.exitCode} within ${step.settle} instead of staying up`,
    output,
    exitCode: started.exitCode,
    durationMs: 0,
    outputs: { logFile },
  };
}

export async function runCommandStep(step: CommandStep, ctx: StepRunContext): Promise<StepResult> {
  if (step.detach) return runDetached(step, ctx);
  let lastProgress = 0;
  let recent = '';
  const result = await ctx.runCommand({
    argv: step.argv,
    cwd: step.cwd,
    env: step.env,
    timeoutMs: step.timeoutMs,
    signal: ctx.signal,
    redact: ctx.redact,
    spoolFile: ctx.outputFile?.(step.id),
    onStart: (pid) => ctx.processStarted?.(pid, step.argv),
    onOutput: (text) => {
      // Only complete lines are shown, redacted as a whole: a secret may arrive split across two chunks.
      // Only the end of a chunk can matter: a long output does not copy every chunk whole once more.
      recent = (recent + (text.length > recentChars ? text.slice(-recentChars) : text)).slice(-recentChars);
      const complete = recent.slice(0, recent.lastIndexOf('\n') + 1);
      // A progress line at most every few seconds: the latest complete line of output.
      const now = Date.now();
      if (!complete.trim() || now - lastProgress < 3_000) return;
      lastProgress = now;
      const line = ctx.redact(complete).trim().split('\n').at(-1);
      // Redacted before cutting: a cut through a secret would leave a prefix the redactor no longer recognises.
      if (line) ctx.progress(line.slice(0, 200));
    },
  });
  // Redacted in the stream, before the middle of a long output was cut; a runner that did not is redacted here.
  const output = result.redacted ? result.output : ctx.redact(result.output);
  // Kept whole on disk only when redacted in the stream: a runner that did not redact leaves only the head and tail.
  const spool = result.redacted ? result.spool : undefined;
  if (result.spawnError) {
    // It never started (its program not found, say): it changed nothing, and nothing of it is rolled back.
    return { status: 'failed', summary: result.spawnError, output, spool, exitCode: null, durationMs: result.durationMs, outputs: {}, untouched: true };
  }
  if (result.timedOut) {
    return {
      status: 'timeout',
      summary: `killed after ${formatDuration(step.timeoutMs)} (timeout), with every process it started`,
      output,
      spool,
      exitCode: result.exitCode,
      durationMs: result.durationMs,
      outputs: {},
    };
  }
  // Killed by the run's stop (Ctrl-C at the terminal, the bot stopping): interrupted, whatever its rules make of no exit code.
  const stopped = result.signal !== undefined && ctx.signal?.aborted === true;
  const status = stopped ? 'interrupted' : classify(step, result.exitCode, output);
  const how = result.signal ? `killed by ${result.signal}${ctx.signal?.aborted ? `: ${stopReason(ctx.signal)}` : ''}` : `exit ${result.exitCode}`;
  return { status, summary: `${how}`, output, spool, exitCode: result.exitCode, durationMs: result.durationMs, outputs: { exitCode: result.exitCode } };
}

/**
 * Not started (its program not found) or killed on its timeout, a command has no exit code. A stop's signal leaves it
 * null under any status too, in a run cut short.
 */
const exitOutputs = { exitCode: { shape: 'text', unsetWhen: ['failed', 'timeout'] } } as const;
/** Started detached, a command that exited within its settle has no PID; only the engine's deadline leaves its log unnamed. */
const detachedOutputs = { pid: { shape: 'text', unsetWhen: ['failed', 'timeout'] }, logFile: { shape: 'text', unsetWhen: ['timeout'] } } as const;

function templates(step: Parsed): TemplateUse[] {
  const uses: TemplateUse[] = [{ at: ['cwd'], template: step.cwd, as: 'text' }];
  step.argv.forEach((element, i) => {
    if (typeof element === 'string') {
      uses.push({ at: ['argv', i], template: element, as: 'text' });
      return;
    }
    uses.push({ at: ['argv', i, 'forEach'], template: element.forEach, as: 'list' });
    element.argv.forEach((part, j) => uses.push({ at: ['argv', i, 'argv', j], template: part, as: 'text', perItem: true }));
  });
  for (const [name, value] of Object.entries(step.env)) uses.push({ at: ['env', name], template: value, as: 'text' });
  return uses;
}

export const commandStepKind = defineStepKind({
  kind: 'command',
  schema,
  statuses: (step) => {
    const ruled = step.classify.map((rule) => rule.status);
    // Started detached, it ends "ok" once it is running, whatever its rules say about an exit it has not made.
    const ok = step.detach || ruled.includes('ok') || !exitZeroAlwaysRuled(step.classify);
    return [...(ok ? ['ok'] : []), 'failed', 'timeout', ...ruled.filter((status) => status !== 'ok')];
  },
  outputs: (step) => (step.detach ? detachedOutputs : exitOutputs),
  defaultTimeoutMs: 30 * 60_000,
  rules: (step) => [...argvIssues(step.argv, step.destructive, step.mutates), ...shadowedRules(step.id, step.classify, ruleCovers, (rule) => ruleSaid(rule, ['exit', 'match', 'status'])), ...takenStatusIssues(step.id, step.classify), ...cwdIssues(step.cwd)],
  templates,
  resolve: (step, tools) => ({
    ...step,
    argv: resolveArgv(step.argv, tools.values),
    cwd: tools.inRoot(step.cwd),
    env: Object.fromEntries(Object.entries(step.env).map(([name, value]) => [name, tools.text(value)])),
  }),
  describe: (step, { root, rel, showArg }) => {
    const env = Object.entries(step.env).map(([name, value]) => `${name}=${showArg(value)} `).join('');
    const where = step.cwd === root ? '' : `(in ${rel(step.cwd)}) `;
    return `${where}${env}${step.argv.map(showArg).join(' ')}${step.detach ? '  (started detached and left running)' : ''}`;
  },
  programs: (step) => [{ file: step.argv[0] as string, cwd: step.cwd, pathVariable: step.env.PATH, cwdField: 'cwd' }],
  // A restate (scenario 2's path B) rewrites the marts of the window from the raw rows as they are: those alone changed.
  // A step read back from a journal is taken as written there, an argv missing from it naming nothing.
  writesOnlyMarts: (step) => Array.isArray(step.argv) && restatesMarts(step.argv),
  run: runCommandStep,
});
