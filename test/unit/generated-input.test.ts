// Generated bad input (fast-check): any /databox text gets a clear error or a valid plan, never an exception, and no plan
// carries a value into an argv element or SQL text that its parameter type would not accept.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCommand, type Command, type ScenarioCatalog } from '../../src/commands/parse.js';
import { UserError } from '../../src/errors.js';
import { chosenPathId } from '../../src/incidents/default-path.js';
import { resolveSteps } from '../../src/engine/resolve.js';
import type { ResolvedStep } from '../../src/engine/types.js';
import { loadRunbooks, parseRunbook } from '../../src/runbook/load.js';
import { isCalendarDate, validateParameters } from '../../src/runbook/params.js';
import type { Parameter, Runbook, Step } from '../../src/runbook/schema.js';
import { has, placeholders, sqlPlaceholders } from '../../src/runbook/template.js';
import { createDuckdbFile, projectRoot, useTempDirs } from '../support/fixtures.js';

/** A runbook that declares one parameter of every type and hands each to a command's argv, its env and a SQL step. */
const everyType = parseRunbook(
  `
id: every-type
title: Every parameter type
section: 9
summary: Declares one parameter of every type and uses each in argv, env and SQL.
symptoms: [none]
parameters:
  day: { type: date, notFuture: true, description: a day }
  at: { type: timestamp, required: false, description: when it started }
  table: { type: identifier, required: false, description: a raw table }
  plan: { type: token, required: false, description: a plan id }
  schedules: { type: names, required: false, description: schedules to start }
  limit: { type: integer, min: 1, max: 100, required: false, description: how many }
  offset: { type: integer, required: false, description: an offset that may be negative }
  mode:
    type: enum
    description: how
    values:
      fast: { target: raw_fast.events }
      slow: { target: raw_slow.events }
  backup: { type: path, mustBe: duckdb-file, required: false, description: a backup copy }
  outdir: { type: path, mustBe: directory, required: false, description: where to write }
  target: { type: path, mustBe: absent, required: false, description: a new file }
  anything: { type: path, required: false, description: any path }
diagnosis:
  parameters: [day, at, table, plan, schedules, limit, offset, mode, backup, outdir, target, anything]
  steps:
    - id: tool
      kind: command
      title: A tool given every value
      argv: [tool, --day, "{{day}}", "--at={{at?}}", "{{table?}}", --plan, "{{plan?}}", --schedules, "{{schedules?}}", "{{limit?}}", "{{offset?}}", "{{mode}}", "{{backup?}}", "{{outdir?}}", "{{target?}}", "{{anything?}}"]
      env: { DAY: "{{day}}", MODE: "{{mode}}" }
    - id: counts
      kind: sql
      title: A query given every value
      sql: SELECT count(*) FROM {{mode.target}} WHERE day = ? AND note = ? AND n = ?
      params: ["{{day}}", "{{plan?}}", "{{limit?}}"]
  verdicts:
    - { id: healthy, title: Healthy, advice: Nothing to do., severity: critical }
recovery:
  - id: a
    title: Nothing
    description: Does nothing.
    steps:
      - { id: noop, kind: command, title: Nothing, argv: ["true"] }
validation:
  steps:
    - { id: noop, kind: command, title: Nothing, argv: ["true"] }
`,
  'every-type.yml',
);

const runbooks = new Map<string, Runbook>([...loadRunbooks(path.join(projectRoot, 'runbooks')), [everyType.id, everyType]]);
const catalog: ScenarioCatalog = Object.fromEntries([...runbooks.values()].map((rb) => [rb.id, rb.recovery.map((p) => p.id)]));
const now = new Date('2026-04-20T10:00:00Z');
const tempDir = useTempDirs('databox-generated-');
let root: string;
let databasePath: string;

beforeAll(async () => {
  root = tempDir();
  databasePath = path.join(root, 'data', 'databox.duckdb');
  fs.mkdirSync(path.join(root, 'data'));
  fs.mkdirSync(path.join(root, 'backups'));
  await createDuckdbFile(path.join(root, 'backups', 'good.duckdb'), { t: 10 });
  fs.copyFileSync(path.join(root, 'backups', 'good.duckdb'), databasePath);
  fs.writeFileSync(path.join(root, 'backups', 'notes.txt'), 'not a database');
});

const shellMetacharacters = /[`$;|&<>]/;
const controlCharacters = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** Values chosen to hurt: injections, template syntax, option look-alikes, prototype keys, Slack's escapes and links. */
const hostile = fc.constantFrom(
  '$(rm -rf /)', '`id`', "'; DROP TABLE raw_ebird.observations; --", '" OR 1=1 --', 'x" ; DELETE FROM t; --', '{{database_path}}',
  '{{root}}', '--help', '-rf', '--restore-from=x', '-', '../../../etc/passwd', '/etc/shadow', 'a\u202eb', 'a\u0000b', 'a\nb',
  '&amp;&amp; ls', '&lt;script&gt;', '<http://evil.example|ebird>', '<mailto:a@b.c|x>', 'constructor', '__proto__', 'toString',
  'hasOwnProperty', 'x'.repeat(2_000), 'ebird ', 'EBIRD', 'ebird\t', '2026-02-30', '2026-13-01', '9999-12-31', '2026-04-18T00:00',
  '2026-04-18 24:00:00', '1e3', '0x10', '-0', '101', '0', '999999999999999999', 'NaN', 'Infinity', 'raw.t', 'a.b.c.d', '"quoted"',
  'backups', 'backups/good.duckdb', 'backups/notes.txt', 'data/databox.duckdb', 'backups/new.duckdb', '', ' ', '"', '""', '=', '==',
);

/** Values of the right shape for each type, so that many inputs get as far as a plan. */
const wellFormed = fc.oneof(
  fc.date({ min: new Date('2025-01-01T00:00:00Z'), max: new Date('2027-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  fc.date({ min: new Date('2025-01-01T00:00:00Z'), max: new Date('2026-04-19T00:00:00Z'), noInvalidDate: true }).map((d) => `"${d.toISOString().slice(0, 19).replace('T', ' ')}"`),
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,10}$/),
  fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,12}$/),
  fc.integer({ min: -5, max: 120 }).map(String),
  fc.constantFrom('ebird', 'noaa', 'usgs', 'fast', 'slow', 'a', 'b'),
);

const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.string({ maxLength: 30 }));
const value = fc.oneof({ weight: 4, arbitrary: wellFormed }, { weight: 3, arbitrary: hostile }, { weight: 2, arbitrary: anyText });
const parameterNames = [...new Set([...runbooks.values()].flatMap((rb) => Object.keys(rb.parameters)))];
const anyKey = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...parameterNames, 'path', 'incident') }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) });
const pairOf = (key: fc.Arbitrary<string>) => fc.tuple(key, value, fc.boolean()).map(([k, v, quote]) => (quote ? `${k}="${v}"` : `${k}=${v}`));
const verb = fc.oneof({ weight: 8, arbitrary: fc.constantFrom('diagnose', 'recover', 'validate') }, { weight: 1, arbitrary: fc.constantFrom('help', 'status', 'postmortem', 'unlock') }, { weight: 1, arbitrary: anyText });
const gap = fc.constantFrom(' ', '  ', '\t', '\u00a0');
/** A value of the right shape for one declared parameter, so that many inputs get as far as a plan. */
function shapedFor(p: Parameter): fc.Arbitrary<string> {
  const day = fc.integer({ min: 0, max: 60 }).map((n) => new Date(Date.UTC(2026, 2, 1 + n)).toISOString().slice(0, 10));
  switch (p.type) {
    case 'date':
      return day;
    case 'timestamp':
      return fc.tuple(day, fc.integer({ min: 0, max: 86_399 })).map(([d, s]) => `${d} ${new Date(s * 1000).toISOString().slice(11, 19)}`);
    case 'enum':
      return fc.constantFrom(...Object.keys(p.values));
    case 'integer':
      return fc.integer({ min: -20, max: 150 }).map(String);
    case 'token':
      return fc.stringMatching(/^-?[A-Za-z0-9_.:][A-Za-z0-9_.:-]{0,12}$/);
    case 'identifier':
      return fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,10}$/);
    case 'names':
      return fc.array(fc.stringMatching(/^[A-Za-z0-9_]{1,10}$/), { minLength: 1, maxLength: 3 }).map((names) => names.join(','));
    case 'snapshot-name':
      return fc.stringMatching(/^[A-Za-z0-9_.:'-]{1,40}$/);
    case 'path':
      // The real backup is drawn rarely: each one is opened by DuckDB, which costs far more than the rest of a run.
      return fc.oneof(
        { weight: 1, arbitrary: fc.constant('backups/good.duckdb') },
        { weight: 24, arbitrary: fc.constantFrom('backups', 'backups/notes.txt', 'backups/new.duckdb', 'data/databox.duckdb', '/tmp', 'a b/c') },
      );
    default:
      return wellFormed;
  }
}

/** Mostly a known scenario with keys its runbook declares and values shaped for them, sometimes anything. */
const commandText = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .constantFrom(...[...runbooks.values()].flatMap((rb) => [
        { rb, verb: 'diagnose', allowed: rb.diagnosis.parameters },
        { rb, verb: 'validate', allowed: rb.validation.parameters },
        ...rb.recovery.map((p) => ({ rb, verb: `recover path=${p.id}`, allowed: p.parameters })),
      ]))
      .chain(({ rb, verb: v, allowed }) => {
        const names = allowed.length > 0 ? allowed : Object.keys(rb.parameters);
        const ownPair = fc
          .constantFrom(...(names.length > 0 ? names : ['x']))
          .chain((name) => fc.tuple(fc.constant(name), rb.parameters[name] ? fc.oneof({ weight: 6, arbitrary: shapedFor(rb.parameters[name] as Parameter) }, { weight: 1, arbitrary: value }) : value, fc.boolean()))
          .map(([k, val, quote]) => (quote ? `${k}="${val}"` : `${k}=${val}`));
        const args = fc.uniqueArray(fc.oneof({ weight: 20, arbitrary: ownPair }, { weight: 1, arbitrary: pairOf(anyKey) }, { weight: 1, arbitrary: anyText }), { maxLength: 6, selector: (a) => a.split('=')[0] });
        const [word, ...pathArg] = v.split(' ');
        return fc.tuple(args, gap).map(([rest, g]) => [word, rb.id, ...pathArg, ...rest].join(g));
      }),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(verb, fc.oneof(fc.constantFrom(...runbooks.keys()), anyText), fc.array(fc.oneof(pairOf(anyKey), anyText), { maxLength: 6 }), gap).map(([v, s, rest, g]) => [v, s, ...rest].join(g)),
  },
);

/** An independent statement of what each type accepts, to hold the validator to. */
function acceptable(p: Parameter, raw: string): boolean {
  if (controlCharacters.test(raw) || shellMetacharacters.test(raw)) return false;
  switch (p.type) {
    case 'date':
      return isCalendarDate(raw) && (!p.notFuture || raw <= now.toISOString().slice(0, 10));
    case 'timestamp':
      return /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?$/.test(raw) && isCalendarDate(raw.slice(0, 10));
    case 'identifier':
      return /^[A-Za-z_][A-Za-z0-9_]*$/.test(raw);
    case 'token':
      return /^[A-Za-z0-9_.:][A-Za-z0-9_.:-]{0,127}$/.test(raw);
    case 'names': {
      const names = new Set(raw.split(/[\s,]+/).filter((n) => n !== ''));
      return names.size > 0 && names.size <= 100 && [...names].every((n) => /^[A-Za-z0-9_]{1,128}$/.test(n));
    }
    case 'integer':
      return /^-?\d+$/.test(raw) && (p.min === undefined || Number(raw) >= p.min) && (p.max === undefined || Number(raw) <= p.max);
    case 'enum':
      return Object.hasOwn(p.values, raw);
    case 'snapshot-name':
      // Any name MotherDuck can list: 1–255 characters, none of them a control or a bidi mark.
      return raw.length >= 1 && raw.length <= 255 && !/[\u200e\u200f]/.test(raw);
    case 'path':
      return !raw.startsWith('-') || path.isAbsolute(path.resolve(root, raw));
  }
}

interface Plan {
  rb: Runbook;
  templates: Step[];
  steps: ResolvedStep[];
  given: Record<string, string>;
}

/** What the engine does with a parsed command before anything runs: validate its values, then resolve its steps. */
async function plan(command: Extract<Command, { verb: 'diagnose' | 'validate' | 'recover' }>): Promise<Plan> {
  const rb = runbooks.get(command.scenario) as Runbook;
  // As the engine does with no incident: a path left out is the runbook's only one, or the command is refused.
  const pathId = command.verb === 'recover' ? chosenPathId(rb, command.path, undefined) : undefined;
  const recovery = pathId === undefined ? undefined : rb.recovery.find((p) => p.id === pathId);
  if (command.verb === 'recover' && !recovery) throw new UserError(`no path ${pathId}`);
  const [allowed, requires, templates] = recovery
    ? [recovery.parameters, recovery.requires, [...recovery.guards, ...recovery.steps]]
    : command.verb === 'validate'
      ? [rb.validation.parameters, rb.validation.requires, rb.validation.steps]
      : [rb.diagnosis.parameters, [], rb.diagnosis.steps];
  const values = await validateParameters(rb, allowed, command.params, { root, now, databasePath }, requires);
  const context = { diagnosis: {}, previews: {}, root, database_path: databasePath, state_dir: path.join(root, 'var'), incident_id: 'dbx-20260420-0000', now: '20260420T100000Z', ...values };
  const wanted = templates.filter((step) => !step.onlyIfGiven || has(step.onlyIfGiven, context));
  return { rb, templates: wanted, steps: resolveSteps(wanted, { root, values: context }), given: command.params };
}

/** The literal text before a template's first placeholder: what the runbook itself put at the start of an argv element. */
function literalPrefix(template: string): string {
  return template.split('{{')[0] as string;
}

function argvTemplates(step: Step): string[] {
  return step.kind === 'command' ? step.argv.flatMap((a) => (typeof a === 'string' ? [a] : a.argv)) : [];
}

function sqlTexts(step: ResolvedStep): string[] {
  if (step.kind === 'sql') return [step.sql];
  if (step.kind === 'export-rows') return [step.table, step.where];
  if (step.kind === 'restore-rows' || step.kind === 'day-counts') return [step.table, ...(step.kind === 'day-counts' ? [step.dateColumn] : [])];
  return [];
}

function checkPlan({ rb, templates, steps, given }: Plan): void {
  for (const [name, raw] of Object.entries(given)) {
    // "from=" gives no value: an optional parameter left out.
    if (raw === '') continue;
    const declared = rb.parameters[name] as Parameter;
    expect(acceptable(declared, raw), `${name}=${JSON.stringify(raw)} reached a plan`).toBe(true);
  }
  // An enum's attributes are the runbook's own text in SQL (mode=fast puts raw_fast.events there): a value that happens
  // to be part of them (table=fast) is found in the SQL without having been put there.
  const runbookData = Object.values(rb.parameters).flatMap((p) => (p.type === 'enum' ? Object.values(p.values).flatMap((attributes) => Object.values(attributes ?? {}).map(String)) : []));
  const userTexts = Object.entries(given)
    .filter(([name, raw]) => rb.parameters[name]?.type !== 'enum' && raw.length >= 4 && !runbookData.some((data) => data.includes(raw)))
    .map(([, raw]) => raw);
  steps.forEach((step, index) => {
    const template = templates[index] as Step;
    if (step.kind === 'command') {
      const literals = argvTemplates(template);
      for (const element of [...step.argv, ...Object.values(step.env)]) {
        expect(element, 'an argv element or env value').not.toMatch(controlCharacters);
        expect(element, 'an argv element or env value').not.toMatch(shellMetacharacters);
        // A value never turns into an option: an element starting with "-" begins with the runbook's own text.
        if (element.startsWith('-') && step.argv.includes(element)) {
          expect(literals.some((t) => literalPrefix(t).startsWith('-') && element.startsWith(literalPrefix(t))), `argv element ${element}`).toBe(true);
        }
      }
    }
    for (const sql of sqlTexts(step)) {
      for (const text of userTexts) {
        if (!sqlTexts({ ...step, ...(template as object) } as ResolvedStep).some((t) => t.includes(text))) expect(sql, 'SQL text').not.toContain(text);
      }
    }
  });
}

/** SQL templates may name only enum attributes (runbook data) and built-in values; every typed value is a bound parameter. */
function sqlPlaceholdersAreData(rb: Runbook): void {
  const steps = [...rb.diagnosis.steps, ...rb.validation.steps, ...rb.recovery.flatMap((p) => [...p.guards, ...p.steps, ...(p.rollback ? [...p.rollback.inspect, ...p.rollback.guards, ...p.rollback.steps] : [])])];
  for (const step of steps) {
    const sql = step.kind === 'sql' ? [step.sql] : step.kind === 'export-rows' ? [step.table, step.where] : step.kind === 'day-counts' ? [step.table, step.dateColumn] : step.kind === 'restore-rows' ? [step.table] : [];
    // A placeholder with a literal kind ({{at | timestamp}}) is validated and quoted by the typed renderer; the others must be data.
    for (const { expression: name } of sql.flatMap(sqlPlaceholders).filter((use) => use.kind === undefined)) {
      const declared = rb.parameters[name.split('.')[0] as string];
      expect(!declared || declared.type === 'enum' || declared.type === 'identifier', `${rb.id}/${step.id}: {{${name}}} in SQL`).toBe(true);
    }
  }
}

describe('generated /databox input', () => {
  it('SQL templates only place runbook data and identifiers; values are bound', () => {
    for (const rb of runbooks.values()) sqlPlaceholdersAreData(rb);
  });

  it('answers 10,000 generated commands with a clear error or a plan that carries only validated values', async () => {
    let plans = 0;
    const planned = new Map<string, number>();
    let refusals = 0;
    await fc.assert(
      fc.asyncProperty(commandText, async (text) => {
        const parsed = parseCommand(text, catalog);
        if (!parsed.ok) {
          expect(parsed.error.length).toBeGreaterThan(0);
          expect(parsed.error).not.toMatch(/\bat .+\.(ts|js):\d+/);
          refusals += 1;
          return;
        }
        const { command } = parsed;
        if (command.verb !== 'diagnose' && command.verb !== 'validate' && command.verb !== 'recover') return;
        let made: Plan;
        try {
          made = await plan(command);
        } catch (error) {
          // Only a user error, with a message, may come back; anything else fails the property with its input.
          expect(error).toBeInstanceOf(UserError);
          expect((error as Error).message.length).toBeGreaterThan(0);
          refusals += 1;
          return;
        }
        checkPlan(made);
        plans += 1;
        planned.set(made.rb.id, (planned.get(made.rb.id) ?? 0) + 1);
      }),
      { numRuns: 10_000 },
    );
    // The generator must reach both ends, or the property says little.
    expect(plans).toBeGreaterThan(300);
    expect(refusals).toBeGreaterThan(3_000);
  }, 240_000);

  it('never changes a value unseen: one with a double quote inside is refused, naming its parameter; one without comes back as typed', () => {
    // Characters Slack's escapes undo (&amp;, <link|text>) or white space would split are left out: those change by design.
    const plain = fc.string({ minLength: 1, maxLength: 20 }).filter((v) => !/[\s"\u201c\u201d<>&]/.test(v));
    const quote = fc.constantFrom('"', '\u201c', '\u201d');
    // One quote or several (an even number closes what it opened, where the value would be changed unseen).
    const quoteInside = fc
      .array(fc.oneof(plain, quote), { minLength: 1, maxLength: 6 })
      .map((parts) => parts.join(''))
      .filter((v) => /["\u201c\u201d]/.test(v));
    const names = parameterNames.filter((name) => name !== 'path');
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.oneof(plain, quoteInside), fc.boolean(), (key, raw, quoteIt) => {
        const typed = quoteIt ? `"${raw}"` : raw;
        // Quotes around the whole value are the grammar's; any other is inside the value.
        const value = /^["\u201c\u201d]([^"\u201c\u201d]*)["\u201c\u201d]$/.exec(typed)?.[1] ?? typed;
        const parsed = parseCommand(`diagnose backfill ${key}=${typed}`, catalog);
        if (/["\u201c\u201d]/.test(value)) {
          expect(parsed.ok, `${key}=${typed} parsed`).toBe(false);
          if (!parsed.ok) expect(parsed.error).toMatch(new RegExp(`^${key}=|a double quote is not closed`));
          return;
        }
        if (parsed.ok && parsed.command.verb === 'diagnose') expect(parsed.command.params[key]).toBe(value);
      }),
      { numRuns: 3_000 },
    );
  });

  it('answers generated values of every parameter type alone with a clear error or an accepted value', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(everyType.parameters)), value, async (name, raw) => {
        const declared = everyType.parameters[name] as Parameter;
        try {
          await validateParameters(everyType, [name], { [name]: raw }, { root, now, databasePath });
        } catch (error) {
          expect(error).toBeInstanceOf(UserError);
          return;
        }
        if (raw !== '') expect(acceptable(declared, raw), `${name}=${JSON.stringify(raw)} accepted`).toBe(true);
      }),
      { numRuns: 3_000 },
    );
  }, 120_000);
});
