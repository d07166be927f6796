// Scenario 4's runbook and step kinds: the runbook loads, its mistakes are refused at load, the daemon start step fails a
// process that exits at once with its output, the engine's wait-until gives up at its deadline with a clear message, and
// the missed window reaches back to the marts' last day built (martsFrom) and, longer than a backfill takes, is proposed
// as its first 62 days with the next part's command; a validation's window ending before yesterday is judged as such a
// part while a day after it is missing.
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { UserError } from '../../src/errors.js';
import { explainMissing, withDiagnosedDefaults } from '../../src/incidents/diagnosed-defaults.js';
import type { Incident } from '../../src/incidents/state.js';
import { DagsterClient } from '../../src/dagster/graphql-client.js';
import { localTarget } from '../../src/database/local-target.js';
import type { DatabaseTargets } from '../../src/database/targets.js';
import { executeSteps } from '../../src/engine/execute-steps.js';
import { changedBeforeStopping } from '../../src/engine/step-passed.js';
import { resolveSteps } from '../../src/engine/resolve.js';
import type { StepRunContext } from '../../src/engine/steps/context.js';
import type { ResolvedStep, StepResult } from '../../src/engine/types.js';
import { loadMartSlas } from '../../src/marts/slas.js';
import { runCommand } from '../../src/process/run-command.js';
import { loadRunbooks, RunbookError } from '../../src/runbook/load.js';
import { validateParameters } from '../../src/runbook/params.js';
import { step as stepSchema, type Step } from '../../src/runbook/schema.js';
import { withStandinPath } from '../helpers/bot-harness.js';
import { daemonHealthyNow, dagsterUrl, killDetachedDaemons, recordedAt, serveDagster } from '../helpers/dagster-fixtures.js';
import { Checkout } from '../helpers/databox-checkout.js';
import { createTablesSql, MotherDuckStandIn } from '../helpers/motherduck-stand-in.js';
import { blockNetwork } from '../helpers/no-network.js';
import { backfillMartsSql, createMartsDatabase } from '../helpers/schedule-data.js';
import { projectRoot, useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('schedule-runbook-');
blockNetwork();
afterEach(() => nock.cleanAll());
const bundled = () => parse(fs.readFileSync(path.join(projectRoot, 'runbooks', 'schedule.yml'), 'utf8')) as Record<string, any>;

function refusal(doc: Record<string, any>): string {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'schedule.yml'), stringify(doc));
  try {
    loadRunbooks(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(RunbookError);
    return (error as Error).message;
  }
  throw new Error('loaded with the mistake planted');
}

function context(checkout: Checkout, progress: string[] = []): Omit<StepRunContext, 'progress'> & { progressLines: string[] } {
  return {
    root: checkout.root,
    databasePath: checkout.databasePath,
    stateDir: checkout.stateDir,
    incidentId: 'dbx-20260421-0a1b',
    runId: 'dbx-20260421-0a1b/2',
    diskFullPercent: 95,
    runCommand,
    redact: (t) => t,
    clock: () => recordedAt,
    progressLines: progress,
  };
}

/** A daemon that starts and keeps running, and a liveness check that never sees it heartbeat. */
function neverHeartbeats(checkout: Checkout): void {
  checkout.behave({
    'uv run dagster-daemon run': { stdout: 'dagster.daemon - INFO - starting\n', sleepMs: 60_000 },
    'uv run dagster-daemon liveness-check': { stdout: 'Daemon(s) not running\n', exit: 1 },
  });
}

/** What a run of one day leaves in every mart (a backfill's, or a schedule's tick). */
async function addDay(file: string, day: string): Promise<void> {
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  try {
    for (const sql of backfillMartsSql) await connection.run(sql, [day, day]);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/**
 * Path A's daemon start, its waits made short: the wait for a heartbeat ends before the 2 s the step waits between two
 * looks, so a daemon that never heartbeats is found so after one look, not two.
 */
const daemonStart = (title: string) => ({ id: 'start_daemon', kind: 'dagster-daemon-start', title, mutates: true, settle: '1s', heartbeatWait: '100ms' }) as unknown as Step;

async function run(steps: Step[], checkout: Checkout, progress: string[] = [], targets?: DatabaseTargets): Promise<{ step: ResolvedStep; result: StepResult }[]> {
  const resolved = resolveSteps(steps.map((s) => stepSchema.parse(s)), { root: checkout.root, values: { from: '2026-04-18', to: '2026-04-20' } });
  const results: { step: ResolvedStep; result: StepResult }[] = [];
  await executeSteps(resolved, { ...context(checkout), targets }, {
    stepStarted: async () => {},
    stepProgress: (_step, text) => progress.push(text),
    stepFinished: async (step, result) => void results.push({ step, result }),
  }, { stopOnFailure: true });
  return results;
}

/**
 * The shipped runbook's diagnosis steps run as a diagnosis runs them (every step, whatever the one before found), Dagster
 * answering from the recorded `schedules` (the daemon stopped, or heartbeating with `daemonUp`), at `now` (when they were
 * recorded, unless given): the dagster step's result.
 */
async function diagnoseDagster(checkout: Checkout, schedules = 'schedules-daemon-stopped', daemonUp = false, now = recordedAt): Promise<StepResult> {
  nock.cleanAll();
  serveDagster({ DataboxRepositories: 'repositories', DataboxSchedules: schedules, DataboxDaemonHealth: daemonUp ? daemonHealthyNow(() => now) : 'daemon-health-stopped' });
  const resolved = resolveSteps(bundled().diagnosis.steps.map((s: unknown) => stepSchema.parse(s)), { root: checkout.root, values: {} });
  const results = new Map<string, StepResult>();
  const dagster = { heartbeatMaxAgeMs: 180_000, client: new DagsterClient({ url: dagsterUrl, timeoutMs: 5_000 }) };
  await executeSteps(resolved, { ...context(checkout), clock: () => now, dagster }, {
    stepStarted: async () => {},
    stepProgress: () => {},
    stepFinished: async (step, result) => void results.set(step.id, result),
  }, { stopOnFailure: false });
  return results.get('dagster') ?? expect.fail('the dagster step did not run');
}

describe('runbooks/schedule.yml', () => {
  it('loads with the other runbooks, and its SLAs are what the stale-marts watcher reads', () => {
    const runbooks = loadRunbooks(path.join(projectRoot, 'runbooks'));
    expect(runbooks.get('schedule')?.recovery.map((p) => p.id)).toEqual(['a', 'b']);
    expect(loadMartSlas(path.join(projectRoot, 'runbooks')).map((s) => s.table)).toEqual([
      'ebird.fct_daily_bird_observations',
      'noaa.fct_daily_weather',
      'usgs.fct_daily_streamflow',
      'analytics.fct_species_environment_daily',
    ]);
    // Scenario 3's validation checks the restored marts against the same SLAs: one list, written again, kept equal.
    const freshnessOf = (scenario: string, steps: readonly Step[]) => steps.find((s) => s.kind === 'mart-freshness' && s.id === 'freshness') ?? expect.fail(`${scenario} has no freshness step`);
    const restored = freshnessOf('motherduck', runbooks.get('motherduck')!.validation.steps) as Extract<Step, { kind: 'mart-freshness' }>;
    const scheduled = freshnessOf('schedule', runbooks.get('schedule')!.diagnosis.steps) as Extract<Step, { kind: 'mart-freshness' }>;
    expect(restored.marts).toEqual(scheduled.marts);
    expect(restored.target).toBe('motherduck');
    // So does scenario 1's, on the rebuilt or restored local file.
    const rebuilt = freshnessOf('duckdb', runbooks.get('duckdb')!.validation.steps) as Extract<Step, { kind: 'mart-freshness' }>;
    expect(rebuilt.marts).toEqual(scheduled.marts);
    // Their advice gives scenario 4's backfill: its window at most as long as scenario 4 takes.
    const scenario4Days = runbooks.get('schedule')!.windows[0]?.maxDays;
    expect([rebuilt.windowMaxDays, restored.windowMaxDays]).toEqual([scenario4Days, scenario4Days]);
    // So does its own validation after a part, giving the next.
    const validated = runbooks.get('schedule')!.validation.steps.find((s) => s.id === 'fresh') as Extract<Step, { kind: 'mart-freshness' }>;
    expect(validated.windowMaxDays).toBe(scenario4Days);
    // So does its own diagnosis, cutting a longer missed window: no longer than the backfill takes.
    const dagster = runbooks.get('schedule')!.diagnosis.steps.find((s) => s.kind === 'dagster-health') as Extract<Step, { kind: 'dagster-health' }>;
    expect(dagster.backfillAgain).toEqual({ command: '/databox recover schedule path=a', maxDays: scenario4Days });
    expect(rebuilt.target).toBe('local');
  });

  /** The problems loading a copy of the shipped runbooks gives once each file named has been edited. */
  const problemsWithEdits = (edits: Record<string, (text: string) => string>): string[] => {
    const dir = tempDir();
    fs.cpSync(path.join(projectRoot, 'runbooks'), dir, { recursive: true });
    for (const [file, edit] of Object.entries(edits)) {
      const changed = path.join(dir, file);
      fs.writeFileSync(changed, edit(fs.readFileSync(changed, 'utf8')));
    }
    try {
      loadRunbooks(dir);
      return [];
    } catch (error) {
      expect(error).toBeInstanceOf(RunbookError);
      return (error as Error).message.split('\n');
    }
  };
  const problemsWith = (file: string, edit: (text: string) => string) => problemsWithEdits({ [file]: edit });
  /** The line (from 1) of the shipped duckdb.yml where `text` first appears. */
  const duckdbLineOf = (text: string) => fs.readFileSync(path.join(projectRoot, 'runbooks', 'duckdb.yml'), 'utf8').split('\n').findIndex((line) => line.includes(text)) + 1;
  const ebird = 'table: ebird.fct_daily_bird_observations, dateColumn: day_date, maxLag: 36h';

  it('refuses at load a mart whose SLA one runbook changes alone, once, where it was changed, naming every other place', () => {
    expect(problemsWith('motherduck.yml', (text) => text.replace(ebird, ebird.replace('36h', '36d')))).toEqual([
      expect.stringMatching(
        /motherduck\.yml:\d+: at validation\.steps\[\d+\]\.marts\[0\]: ebird\.fct_daily_bird_observations is given maxLag 36d on day_date here, but 36h on day_date at duckdb\.yml validation\.steps\[\d+\]\.marts\[0\], schedule\.yml diagnosis\.steps\[0\]\.marts\[0\] \(read again at validation\.steps\[\d+\]\.marts\[0\] through a YAML alias\): a mart has one SLA, so make them the same$/,
      ),
    ]);
    // schedule.yml's validation lists its diagnosis' marts again (a YAML alias): one place, edited once, so the odd one out.
    expect(problemsWith('schedule.yml', (text) => text.replace(ebird, ebird.replace('36h', '36d')))).toEqual([
      expect.stringMatching(
        /schedule\.yml:\d+: at diagnosis\.steps\[0\]\.marts\[0\]: ebird\.fct_daily_bird_observations is given maxLag 36d on day_date here \(read again at validation\.steps\[\d+\]\.marts\[0\] through a YAML alias\), but 36h on day_date at duckdb\.yml validation\.steps\[\d+\]\.marts\[0\], motherduck\.yml validation\.steps\[\d+\]\.marts\[0\]: a mart has one SLA, so make them the same$/,
      ),
    ]);
    // A real tie (three places, three SLAs) is said at the first of them.
    expect(problemsWithEdits({ 'duckdb.yml': (text) => text.replace(ebird, ebird.replace('36h', '36d')), 'motherduck.yml': (text) => text.replace(ebird, ebird.replace('36h', '37h')) })).toEqual([
      expect.stringMatching(/duckdb\.yml:\d+: at validation\.steps\[\d+\]\.marts\[0\]: ebird\.fct_daily_bird_observations is given maxLag 36d on day_date here, but 37h on day_date at motherduck\.yml [^;]*; 36h on day_date at schedule\.yml /),
    ]);
    // A runbook that did not load is named with its own problem, and said not counted where its place would break the tie.
    const withBadDuckdb = problemsWithEdits({ 'duckdb.yml': (text) => text.replace('timeout: 30s', 'timeout: 0s'), 'schedule.yml': (text) => text.replace(ebird, ebird.replace('36h', '36d')) });
    expect(withBadDuckdb).toEqual([
      // Named at the line of the timeout edited (the first "timeout: 30s" in duckdb.yml).
      expect.stringMatching(new RegExp(`duckdb\\.yml:${duckdbLineOf('timeout: 30s')}: at .*timeout: must be more than 0$`)),
      expect.stringMatching(/: ebird\.fct_daily_bird_observations is given maxLag .* a mart has one SLA, so make them the same \(not counted: duckdb\.yml, which did not load\)$/),
    ]);
  });

  it('says each SLA back as its runbook wrote it, and takes the same lag written another way as the same SLA', () => {
    const analytics = 'table: analytics.fct_species_environment_daily, dateColumn: day_date, maxLag: 48h';
    expect(problemsWith('motherduck.yml', (text) => text.replace(analytics, analytics.replace('48h', '2d')))).toEqual([]);
    expect(problemsWith('motherduck.yml', (text) => text.replace(analytics, analytics.replace('48h', '1d12h')))).toEqual([
      expect.stringContaining('analytics.fct_species_environment_daily is given maxLag 1d12h on day_date here, but 48h on day_date at duckdb.yml validation.steps['),
    ]);
  });

  it('takes the diagnosed window for a typed recover that leaves it out, keeps what the operator gave, and says why nothing filled it', () => {
    const rb = loadRunbooks(path.join(projectRoot, 'runbooks')).get('schedule')!;
    const pathA = rb.recovery[0]!;
    const diagnosed = (suggested: Record<string, string>, title = 'Dagster daemon stopped') =>
      ({ id: 'dbx-20260421-abcd', diagnosis: { title, suggested, params: {} } }) as unknown as Incident;
    const window = { from: '2026-04-18', to: '2026-04-20' };
    expect(withDiagnosedDefaults(pathA, rb.parameters, diagnosed(window), {})).toEqual(window);
    expect(withDiagnosedDefaults(pathA, rb.parameters, diagnosed(window), { from: '2026-04-19' })).toEqual({ from: '2026-04-19', to: '2026-04-20' });
    expect(withDiagnosedDefaults(pathA, rb.parameters, undefined, {})).toEqual({});
    const missing = new UserError('missing from=YYYY-MM-DD: first day');
    expect((explainMissing(missing, diagnosed({}, 'Daemon and schedules healthy, marts fresh')) as Error).message).toBe(
      'missing from=YYYY-MM-DD: first day (the diagnosis of incident dbx-20260421-abcd ("Daemon and schedules healthy, marts fresh") did not find it (its verdict says why): give it)',
    );
    expect((explainMissing(missing, { id: 'dbx-20260421-abcd' } as Incident) as Error).message).toContain(
      'incident dbx-20260421-abcd has no diagnosis to take it from: give it, or diagnose first',
    );
    const other = new UserError('from=2026-04-21 is after to=2026-04-20');
    expect(explainMissing(other, undefined)).toBe(other);
  });

  it('refuses a parameter given empty that the diagnosis would have filled and the path needs, naming it and what to do, typed or in the form', () => {
    const rb = loadRunbooks(path.join(projectRoot, 'runbooks')).get('schedule')!;
    const [pathA, pathB] = rb.recovery;
    const found = { from: '2026-04-18', to: '2026-04-20', schedules: 'daily_ebird,daily_noaa' };
    const incident = { id: 'dbx-20260421-abcd', diagnosis: { title: 'Schedules paused', suggested: found, params: {} } } as unknown as Incident;
    const refusal = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        expect(error).toBeInstanceOf(UserError);
        return (error as Error).message;
      }
      throw new Error('an empty value was taken');
    };
    expect(refusal(() => withDiagnosedDefaults(pathB!, rb.parameters, incident, { schedules: '' }))).toBe(
      'schedules= is empty: name at least one, e.g. schedules=daily_ebird, or leave schedules= out to use what the diagnosis found (daily_ebird,daily_noaa)',
    );
    expect(refusal(() => withDiagnosedDefaults(pathB!, rb.parameters, incident, { schedules: ' ' }, 'form'))).toBe(
      'schedules is empty: name at least one, e.g. daily_ebird, or put back what the diagnosis found: daily_ebird,daily_noaa',
    );
    // Path A can do without schedules: given empty, none are started (the step that would start them is skipped).
    expect(withDiagnosedDefaults(pathA!, rb.parameters, incident, { schedules: '' }, 'form')).toEqual({ from: '2026-04-18', to: '2026-04-20', schedules: '' });
    // Every parameter given empty is named at once, a date as a date.
    expect(refusal(() => withDiagnosedDefaults(pathB!, rb.parameters, incident, { from: '', schedules: '' })).split('\n')).toEqual([
      'from= is empty: give one, e.g. from=2026-04-18, or leave from= out to use what the diagnosis found (2026-04-18)',
      expect.stringMatching(/^schedules= is empty: /),
    ]);
    // Left out, it is filled in as before; with nothing suggested, empty is as good as left out (refused as missing where needed).
    expect(withDiagnosedDefaults(pathB!, rb.parameters, incident, { from: '2026-04-19' })).toEqual({ ...found, from: '2026-04-19' });
    const behind = { id: 'dbx-20260421-abcd', diagnosis: { title: 'Schedules running but behind', suggested: { from: '2026-04-18', to: '2026-04-20' }, params: {} } } as unknown as Incident;
    expect(withDiagnosedDefaults(pathA!, rb.parameters, behind, { schedules: '' })).toEqual({ from: '2026-04-18', to: '2026-04-20', schedules: '' });
  });

  it('refuses a wait on a status the step never reports, a verdict on an unknown one, and a bad SLA, naming where', () => {
    const doc = bundled();
    doc.validation.steps[1].waitUntil.status = ['frsh'];
    expect(refusal(doc)).toContain('at validation.steps[1].waitUntil.status[0]: a mart-freshness step never ends "frsh" (did you mean "fresh"?)');
    const verdictDoc = bundled();
    verdictDoc.diagnosis.verdicts[0].when.status = 'daemon-stoped';
    expect(refusal(verdictDoc)).toContain('daemon-stoped');
    const slaDoc = bundled();
    slaDoc.diagnosis.steps[0].marts[0].maxLag = 'a day and a half';
    expect(refusal(slaDoc)).toContain('at diagnosis.steps[0].marts[0].maxLag: expected a duration such as 36h');
  });

  it("refuses at load a dagster step's jobs that leave out the job the recovery backfills, or that is no Dagster job name", () => {
    const dagsterOf = (doc: Record<string, any>) => doc.diagnosis.steps.find((s: any) => s.id === 'dagster');
    expect(dagsterOf(bundled()).jobs).toEqual(['all_pipelines']);
    const other = bundled();
    dagsterOf(other).jobs = ['all_pipeline'];
    expect(refusal(other)).toMatch(/schedule\.yml:\d+: at diagnosis\.steps\[1\]\.jobs: the recovery backfills job all_pipelines, which jobs does not list: the stack's schedules are those of the repositories holding its jobs, so list it too/);
    const badName = bundled();
    dagsterOf(badName).jobs = ['all pipelines'];
    expect(refusal(badName)).toMatch(/at diagnosis\.steps\[1\]\.jobs\[0\]: a Dagster job name \(letters, digits and underscores\)/);
  });

  it("gives a dagster step without jobs the jobs its recovery backfills, guards' too, so a runbook written before jobs needs no edit", () => {
    const doc = bundled();
    delete doc.diagnosis.steps.find((s: any) => s.id === 'dagster').jobs;
    const dir = tempDir();
    fs.cpSync(path.join(projectRoot, 'runbooks'), dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'schedule.yml'), stringify(doc));
    const loaded = loadRunbooks(dir).get('schedule');
    const jobsOf = (steps: readonly Step[] | undefined) => steps?.filter((s) => s.kind === 'dagster-health').map((s) => (s as Step & { jobs?: string[] }).jobs);
    expect(jobsOf(loaded?.diagnosis.steps)).toEqual([['all_pipelines']]);
    expect(jobsOf(loaded?.recovery.find((p) => p.id === 'b')?.guards)).toEqual([['all_pipelines']]);
  });

  it('refuses at load a martsFrom that names no mart-freshness step before the dagster step, naming file, step and field', () => {
    const dagsterOf = (doc: Record<string, any>) => doc.diagnosis.steps.find((s: any) => s.id === 'dagster');
    expect(dagsterOf(bundled()).martsFrom).toBe('freshness');
    const misspelt = bundled();
    dagsterOf(misspelt).martsFrom = 'freshnes';
    expect(refusal(misspelt)).toMatch(/schedule\.yml:\d+: at diagnosis\.steps\[1\]\.martsFrom: no step "freshnes" before this one in the diagnosis \(did you mean "freshness"\?\)/);
    // After it, its newest dates are not there yet when the window is sized.
    const after = bundled();
    after.diagnosis.steps.reverse();
    expect(refusal(after)).toMatch(/schedule\.yml:\d+: at diagnosis\.steps\[0\]\.martsFrom: step "freshness" runs after this one: martsFrom reads the marts' newest dates as the diagnosis runs, so put that step before this one/);
    const otherKind = bundled();
    otherKind.diagnosis.steps.push({ id: 'dagster_again', kind: 'dagster-health', title: 'Again', acceptStatuses: ['healthy'], martsFrom: 'dagster' });
    expect(refusal(otherKind)).toMatch(/at diagnosis\.steps\[2\]\.martsFrom: diagnosis step "dagster" is a dagster-health step, not mart-freshness: it has no marts' newest dates to reach back to/);
    // Path B's guard is no diagnosis step: it has no marts read before it.
    const guard = bundled();
    guard.recovery[1].guards[0].martsFrom = 'freshness';
    expect(refusal(guard)).toMatch(/at recovery\[1\]\.guards\[0\]\.martsFrom: martsFrom names an earlier mart-freshness step of the same diagnosis: only a diagnosis step has one/);
  });

  it('refuses at load a knownEmpty its paths do not require, also suggest or require everywhere, and a template of the path reading it unguarded', () => {
    const early = (doc: Record<string, any>) => doc.diagnosis.verdicts.find((v: any) => v.id === 'daemon-stopped-early');
    const backfillOf = (doc: Record<string, any>) => doc.recovery[0].steps.find((s: any) => s.id === 'backfill');
    // Path A goes without the window on that verdict: what reads it must say what happens when it is not there.
    const unguarded = bundled();
    backfillOf(unguarded).to = '{{to}}';
    unguarded.recovery[0].whenFailed = 'Replace the window {{from}} … {{to?}} with scenario 2.';
    const problems = refusal(unguarded);
    expect(problems).toMatch(/at recovery\[0\]\.steps\[2\]\.to: \{\{to\}\}: verdict "daemon-stopped-early" lets path a go without "to" \(knownEmpty\), so this fails then: write \{\{to\?\}\} or add onlyIfGiven: to/);
    expect(problems).toMatch(/at recovery\[0\]\.whenFailed: \{\{from\}\}: verdict "daemon-stopped-early" lets path a go without "from"/);
    // Path B, which no such verdict offers, still reads {{from}} as given.
    expect(problems).not.toContain('recovery[1]');
    const misnamed = bundled();
    early(misnamed).knownEmpty = ['form', 'to'];
    expect(refusal(misnamed)).toContain('at diagnosis.verdicts[1].knownEmpty[0]: "form" is not required by path a, which this verdict offers (required: from, to) (did you mean "from"?)');
    const suggested = bundled();
    early(suggested).suggest.from = '{{steps.dagster.windowFrom}}';
    expect(refusal(suggested)).toContain('at diagnosis.verdicts[1].knownEmpty[0]: "from" is suggested too: a verdict that found nothing to give for it has no value to suggest');
    const required = bundled();
    required.parameters.to.required = true;
    expect(refusal(required)).toContain('at diagnosis.verdicts[1].knownEmpty[1]: "to" is required: true, so no plan goes without it whatever this verdict found');
    const folded = bundled();
    early(folded).advice += ' knownEmpty: [from, to]';
    delete early(folded).knownEmpty;
    expect(refusal(folded)).toContain('at diagnosis.verdicts[1].advice: holds "knownEmpty: [from, to]", which reads as a key indented into the advice above it');
    const offersNone = bundled();
    offersNone.diagnosis.verdicts.find((v: any) => v.id === 'healthy').knownEmpty = ['from'];
    expect(refusal(offersNone)).toMatch(/at diagnosis\.verdicts\[\d+\]\.knownEmpty\[0\]: this verdict offers no path/);
    // Until when the finding holds bounds every plan made on the diagnosis, whichever path; its templates read outputs the step sets.
    const untilNoPath = bundled();
    untilNoPath.diagnosis.verdicts.find((v: any) => v.id === 'healthy').holdsUntil = { at: '{{steps.dagster.dueTickAt}}', what: 'the tick' };
    expect(refusal(untilNoPath)).toMatch(/at diagnosis\.verdicts\[\d+\]\.holdsUntil: this verdict offers no path: holdsUntil bounds every plan made on its diagnosis, whichever path it takes \(one typed by hand too\), and a verdict that proposes none leaves only such a typed plan to bound \(was it meant for a verdict that offers one\?\): give it paths, or take holdsUntil off$/m);
    const untilMisspelt = bundled();
    early(untilMisspelt).holdsUntil.at = '{{steps.dagster.dueTickAtt}}';
    expect(refusal(untilMisspelt)).toMatch(/at diagnosis\.verdicts\[1\]\.holdsUntil\.at: .*dueTickAtt/);
    // It must give a time: the prose output (or any text around the time) would read as none, and no hold be kept.
    for (const at of ['{{steps.dagster.dueTick}}', 'before {{steps.dagster.dueTickAt}}', '2026-04-21T06:00:00Z']) {
      const untilProse = bundled();
      early(untilProse).holdsUntil.at = at;
      expect(refusal(untilProse), at).toContain(`at diagnosis.verdicts[1].holdsUntil.at: "${at}" gives no time: holdsUntil.at must be just one diagnosis output that holds a time, else no hold is kept. Outputs that do: {{steps.dagster.dueTickAt}}`);
    }
  });

  it('checks the scenario a failed recovery offers against that runbook: it must be there and take those parameters', () => {
    const withBackfill = (doc: Record<string, any>) => {
      const dir = tempDir();
      fs.cpSync(path.join(projectRoot, 'runbooks'), dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'schedule.yml'), stringify(doc));
      return () => loadRunbooks(dir);
    };
    expect(withBackfill(bundled())().get('schedule')?.recovery[0]?.whenFailedOpens).toEqual({ scenario: 'backfill', oneEach: 'source', params: { from: '{{from?}}', to: '{{to?}}' } });
    const template = bundled();
    template.recovery[0].whenFailedOpens.params.to = '{{too}}';
    expect(withBackfill(template)).toThrow(/schedule\.yml:\d+: at recovery\[0\]\.whenFailedOpens\.params\.to: \{\{too\}\}: "too" is not a parameter of path a/);
    const doc = bundled();
    doc.recovery[0].whenFailedOpens = { scenario: 'backfill', oneEach: 'from', params: { form: '{{from?}}', to: '{{to?}}' } };
    expect(withBackfill(doc)).toThrow(
      /schedule\.yml:\d+: at recovery\[0\]\.whenFailedOpens\.params\.form: the diagnosis of backfill takes no parameter "form" \(did you mean "from"\?\)\n.*schedule\.yml:\d+: at recovery\[0\]\.whenFailedOpens\.oneEach: "from" is not an enum parameter of the diagnosis of backfill/,
    );
    expect(refusal(bundled())).toMatch(/schedule\.yml:\d+: at recovery\[0\]\.whenFailedOpens\.scenario: no runbook "backfill" in this directory/);
  });

  it('checks the scenario a verdict opens (stale marts with Dagster healthy: scenario 2) as a failed recovery\'s, its parameters templates over the diagnosis\' outputs', () => {
    const withBackfill = (doc: Record<string, any>) => {
      const dir = tempDir();
      fs.cpSync(path.join(projectRoot, 'runbooks'), dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'schedule.yml'), stringify(doc));
      return () => loadRunbooks(dir);
    };
    const staleOnly = (doc: Record<string, any>) => doc.diagnosis.verdicts.find((v: any) => v.id === 'stale-only');
    expect(withBackfill(bundled())().get('schedule')?.diagnosis.verdicts.find((v) => v.id === 'stale-only')?.opens).toEqual({
      scenario: 'backfill',
      oneEach: 'source',
      params: { from: '{{steps.freshness.windowFrom}}', to: '{{steps.freshness.windowTo}}' },
    });
    const misspelt = bundled();
    staleOnly(misspelt).opens.params.to = '{{steps.freshness.windowToo}}';
    expect(withBackfill(misspelt)).toThrow(/schedule\.yml:\d+: at diagnosis\.verdicts\[\d+\]\.opens\.params\.to: .*windowToo/);
    const wrongParameter = bundled();
    staleOnly(wrongParameter).opens.oneEach = 'from';
    expect(withBackfill(wrongParameter)).toThrow(/at diagnosis\.verdicts\[\d+\]\.opens\.oneEach: "from" is not an enum parameter of the diagnosis of backfill/);
  });

  it("judges a part of a longer backfill only in a step with a window's last day to reach, and gives the next part on a path it has: else refused at load", () => {
    const noThrough = bundled();
    delete noThrough.validation.steps[1].through;
    expect(refusal(noThrough)).toMatch(/schedule\.yml:\d+: at validation\.steps\[1\]\.from: from is the first day of the window whose last day is through: set through too/);
    delete noThrough.validation.steps[1].from;
    const said = refusal(noThrough);
    expect(said).toMatch(/schedule\.yml:\d+: at validation\.steps\[1\]\.acceptStatuses\[1\]: a mart-freshness step never ends "part-built"; it can end: fresh, stale, unreadable, skipped, failed, timeout/);
    expect(said).toMatch(/schedule\.yml:\d+: at validation\.followUps\[0\]\.when\.status: step "fresh" \(mart-freshness\) never ends "part-built"/);
    const otherPath = bundled();
    otherPath.validation.followUps[0].advice = otherPath.validation.followUps[0].advice.replace('recover schedule path=a', 'recover schedule path=c');
    expect(refusal(otherPath)).toMatch(/schedule\.yml:\d+: at validation\.followUps\[0\]\.advice: gives "\/databox recover schedule path=c", but schedule has no recovery path "c", so that command would be refused: use path=a or path=b/);
  });
});

describe('scenario 4 steps', () => {
  it('fails a daemon that exits at once, showing what it printed', async () => {
    withStandinPath();
    const checkout = new Checkout();
    try {
      checkout.behave({
        'uv run dagster-daemon run': { stderr: 'dagster._core.errors.DagsterHomeNotSetError: The environment variable $DAGSTER_HOME is not set\n', exit: 1 },
        'uv run dagster-daemon liveness-check': { stdout: 'Daemon(s) not running\n', exit: 1 },
      });
      const [done] = await run([{ id: 'start_daemon', kind: 'dagster-daemon-start', title: 'Start', mutates: true, settle: '5s' } as unknown as Step], checkout);
      expect(done?.result.status).toBe('exited');
      expect(done?.result.summary).toMatch(/^uv run dagster-daemon run exited at once with code 1; its output is below and in .*daemons\/dbx-20260421-0a1b-start_daemon\.log$/);
      expect(done?.result.output).toContain('DagsterHomeNotSetError');
      expect(done?.result.outputs).toMatchObject({ pid: expect.any(Number), startedAt: '2026-04-21T09:00:00.000Z' });
    } finally {
      checkout.remove();
    }
  });

  it('says a daemon that exits at once printing nothing printed nothing, and lists it as no change', async () => {
    withStandinPath();
    const checkout = new Checkout();
    try {
      checkout.behave({ 'uv run dagster-daemon run': { exit: 0 } });
      const [done] = await run([{ id: 'start_daemon', kind: 'dagster-daemon-start', title: 'Start the Dagster daemon', mutates: true, settle: '5s' } as unknown as Step], checkout);
      expect(done?.result.status).toBe('exited');
      expect(done?.result.summary).toMatch(/^uv run dagster-daemon run exited at once with code 0 and printed nothing \(its log, empty, is .*daemons\/dbx-20260421-0a1b-start_daemon\.log\)$/);
      // It left nothing running: not "changed before it stopped".
      expect(changedBeforeStopping([done!.step], [{ ...done!.result, stepId: 'start_daemon' }])).toEqual([]);
    } finally {
      checkout.remove();
    }
  });

  it('does not start a second daemon beside one it started that still runs without heartbeating (a retried path A)', async () => {
    withStandinPath();
    const checkout = new Checkout();
    try {
      neverHeartbeats(checkout);
      const step = daemonStart('Start');
      const [first] = await run([step], checkout);
      expect(first?.result.status).toBe('not-heartbeating');
      const firstPid = first?.result.outputs?.pid as number;
      const [second] = await run([step], checkout);
      expect(second?.result.status).toBe('not-heartbeating');
      expect(second?.result.summary).toMatch(new RegExp(`^not started: PID ${firstPid}, which this bot started at .* UTC for incident dbx-20260421-0a1b, still runs but does not heartbeat`));
      expect(checkout.calls().filter((c) => c.command === 'uv run dagster-daemon run')).toHaveLength(1);
      // Once it is gone, a new start goes ahead.
      killDetachedDaemons(checkout);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const [third] = await run([step], checkout);
      expect(third?.result.summary).not.toMatch(/^not started/);
      expect(checkout.calls().filter((c) => c.command === 'uv run dagster-daemon run')).toHaveLength(2);
    } finally {
      killDetachedDaemons(checkout);
      checkout.remove();
    }
  });

  it('says to read the log and check on the PID of a daemon it left running without a heartbeat, not to look at the data; and nothing when it started none', async () => {
    withStandinPath();
    const checkout = new Checkout();
    try {
      neverHeartbeats(checkout);
      const step = daemonStart('Start the Dagster daemon');
      const [first] = await run([step], checkout);
      expect(first?.result.status).toBe('not-heartbeating');
      const { pid, logFile } = first!.result.outputs as { pid: number; logFile: string };
      const [changed] = changedBeforeStopping([first!.step], [{ stepId: 'start_daemon', ...first!.result }]);
      expect(changed).toMatchObject({ title: 'Start the Dagster daemon', partly: true });
      expect(changed?.summary).toContain(
        `; it left the daemon it started running as PID ${pid}: read its log (${logFile}), and check on PID ${pid} or stop it (kill ${pid}) before starting the daemon again`,
      );
      expect(changed?.summary).not.toContain('look at the data');
      // Tried again while that one runs, it starts nothing, and is said to have changed nothing.
      const [second] = await run([step], checkout);
      expect(second?.result.summary).toMatch(/^not started: PID/);
      expect(changedBeforeStopping([second!.step], [{ stepId: 'start_daemon', ...second!.result }])).toEqual([]);
    } finally {
      killDetachedDaemons(checkout);
      checkout.remove();
    }
  });

  it('with through: a mart within its SLA but not yet through the window\'s last day is stale, so a validation does not pass before the backfill has landed', async () => {
    const checkout = new Checkout();
    try {
      // At 09:00 on the 21st a mart through the 19th is 33 h behind the end of its day: within a 36 h SLA.
      await createMartsDatabase(checkout.databasePath, '2026-04-19');
      const step = {
        id: 'fresh',
        kind: 'mart-freshness',
        title: 'Within its SLA and through the window',
        marts: [{ table: 'ebird.fct_daily_bird_observations', dateColumn: 'day_date', maxLag: '36h' }],
        through: '{{to}}',
      } as unknown as Step;
      const [short] = await run([step], checkout);
      expect(short?.result).toMatchObject({ status: 'stale', output: 'ebird.fct_daily_bird_observations: newest 2026-04-19, 33 h behind (SLA 36 h), not yet through 2026-04-20' });
      expect(short?.result.summary).toBe('1 of 1 marts past their SLA or not yet through 2026-04-20: ebird.fct_daily_bird_observations: newest 2026-04-19, 33 h behind (SLA 36 h), not yet through 2026-04-20');
      fs.rmSync(checkout.databasePath);
      await createMartsDatabase(checkout.databasePath, '2026-04-20');
      const [through] = await run([step], checkout);
      expect(through?.result.status).toBe('fresh');
    } finally {
      checkout.remove();
    }
  });

  it("with through before yesterday: a part of a longer backfill is judged by its own days, and the first day after it still missing starts the next part; with none missing, the SLA judges as for the whole window", async () => {
    const checkout = new Checkout();
    try {
      // At 09:00 on the 21st, a window through the 17th: every mart has it, and the 19th (a schedule's tick), not the 18th.
      await createMartsDatabase(checkout.databasePath, '2026-04-17');
      await addDay(checkout.databasePath, '2026-04-19');
      const step = {
        id: 'fresh',
        kind: 'mart-freshness',
        title: 'Within its SLA and through the window',
        marts: [{ table: 'ebird.fct_daily_bird_observations', dateColumn: 'day_date', maxLag: '36h' }, { table: 'noaa.fct_daily_weather', dateColumn: 'day_date', maxLag: '36h' }],
        through: '2026-04-17',
        windowMaxDays: 2,
      } as unknown as Step;
      const [part] = await run([step], checkout);
      expect(part?.result).toMatchObject({
        status: 'part-built',
        summary:
          "every mart through 2026-04-17, the window's last day. The days after it are not all built yet (2026-04-18 … 2026-04-20, from the first day a mart has no row for to yesterday): a window ending before yesterday is one part of a longer backfill, and the marts are held to their SLA once the rest is built",
        outputs: { restFrom: '2026-04-18', window: 'from=2026-04-18 to=2026-04-19', windowRest: ' (the first 2 of 3 days: then the same command again from=2026-04-20, 2 days at a time, up to to=2026-04-20)' },
      });
      // The days after it built since (by the schedules, or another part): the window was the whole of it, and the SLA judges.
      await addDay(checkout.databasePath, '2026-04-18');
      await addDay(checkout.databasePath, '2026-04-20');
      const [whole] = await run([step], checkout);
      expect(whole?.result).toMatchObject({ status: 'fresh', outputs: { restFrom: '' } });
      // A mart not yet through the part's last day: its runs have not all landed, whatever comes after.
      fs.rmSync(checkout.databasePath);
      await createMartsDatabase(checkout.databasePath, '2026-04-17', 30, { 'noaa.fct_daily_weather': '2026-04-16' });
      const [waiting] = await run([step], checkout);
      expect(waiting?.result).toMatchObject({ status: 'stale', outputs: { restFrom: '' } });
      expect(waiting?.result.summary).toContain('noaa.fct_daily_weather: newest 2026-04-16, 4 d 9 h behind (SLA 36 h), not yet through 2026-04-17');
    } finally {
      checkout.remove();
    }
  });

  it("with from and through before yesterday: a part whose own days are not built is stale, though a resumed schedule built the days after it", async () => {
    const checkout = new Checkout();
    try {
      // At 09:00 on the 21st: the part 2026-04-12 … 2026-04-17 built nothing, the schedules built the 20th.
      await createMartsDatabase(checkout.databasePath, '2026-04-10');
      await addDay(checkout.databasePath, '2026-04-20');
      const step = {
        id: 'fresh',
        kind: 'mart-freshness',
        title: 'Within its SLA and through the window',
        marts: [{ table: 'ebird.fct_daily_bird_observations', dateColumn: 'day_date', maxLag: '36h' }],
        through: '2026-04-17',
        from: '2026-04-12',
        windowMaxDays: 62,
      } as unknown as Step;
      const [part] = await run([step], checkout);
      expect(part?.result).toMatchObject({
        status: 'stale',
        summary: 'the window 2026-04-12 … 2026-04-17 is not built in every mart: ebird.fct_daily_bird_observations has no row for 2026-04-12 (the first such day of it), though every mart reaches 2026-04-17',
        outputs: { window: 'from=2026-04-12 to=2026-04-20' },
      });
      // Its days built: the part is done, the days after it (but the 20th) are the next part.
      for (const day of ['2026-04-11', '2026-04-12', '2026-04-13', '2026-04-14', '2026-04-15', '2026-04-16', '2026-04-17']) await addDay(checkout.databasePath, day);
      const [built] = await run([step], checkout);
      expect(built?.result).toMatchObject({ status: 'part-built', outputs: { restFrom: '2026-04-18' } });
    } finally {
      checkout.remove();
    }
  });

  it('says a mart that stopped long before the others, whose days a backfill of the others\' missed days would leave empty', async () => {
    const checkout = new Checkout();
    try {
      await createMartsDatabase(checkout.databasePath, '2026-04-18', 30, { 'usgs.fct_daily_streamflow': '2026-04-01', 'analytics.fct_species_environment_daily': '2026-04-17' });
      const marts = ['ebird.fct_daily_bird_observations', 'noaa.fct_daily_weather', 'usgs.fct_daily_streamflow', 'analytics.fct_species_environment_daily'].map((table) => ({ table, dateColumn: 'day_date', maxLag: '48h' }));
      const step = { id: 'freshness', kind: 'mart-freshness', title: 'Each mart against its SLA', marts } as unknown as Step;
      const [found] = await run([step], checkout);
      expect(found?.result.status).toBe('stale');
      expect(found?.result.summary).toMatch(
        /; usgs\.fct_daily_streamflow stopped on 2026-04-01, 17 days before the freshest mart \(2026-04-18\): a backfill of only the days the others miss leaves its 2026-04-02 … 2026-04-18 empty, which is scenario 2's to fill$/,
      );
      // Marts a day apart (one built after the other) are no such mart.
      expect(found?.result.summary.match(/stopped on/g)).toHaveLength(1);
    } finally {
      checkout.remove();
    }
  });

  it('reads the marts from the database DATABOX_BACKEND names (MotherDuck here), not the local file', async () => {
    const checkout = new Checkout();
    try {
      await createMartsDatabase(checkout.databasePath, '2026-04-20');
      const md = new MotherDuckStandIn(tempDir(), { clock: () => recordedAt });
      await md.createDatabaseFrom('databox', (file) => createMartsDatabase(file, '2026-04-17'));
      const step = {
        id: 'freshness',
        kind: 'mart-freshness',
        title: 'Each mart against its SLA',
        marts: [{ table: 'ebird.fct_daily_bird_observations', dateColumn: 'day_date', maxLag: '36h' }],
      } as unknown as Step;
      const [onMotherDuck] = await run([step], checkout, [], { local: localTarget(checkout.databasePath), motherduck: md, backend: md });
      expect(onMotherDuck?.result).toMatchObject({ status: 'stale', output: 'ebird.fct_daily_bird_observations: newest 2026-04-17, 3 d 9 h behind (SLA 36 h), past its SLA' });
      const [onFile] = await run([step], checkout, [], { local: localTarget(checkout.databasePath), motherduck: md, backend: localTarget(checkout.databasePath) });
      expect(onFile?.result.status).toBe('fresh');
      // A step that names its target reads that one, whatever DATABOX_BACKEND says (scenario 3's validation).
      const [named] = await run([{ ...step, target: 'motherduck' } as Step], checkout, [], { local: localTarget(checkout.databasePath), motherduck: md, backend: localTarget(checkout.databasePath) });
      expect(named?.result).toMatchObject({ status: 'stale', outputs: { oldestDay: '2026-04-17', window: 'from=2026-04-17 to=2026-04-20', yesterday: '2026-04-20' } });
      // Marts with no rows have no day to reload from: no window, so a command naming it scans its own default one.
      const empty = new MotherDuckStandIn(tempDir(), { clock: () => recordedAt });
      await empty.createDatabase('databox', createTablesSql(['ebird.fct_daily_bird_observations'], 0));
      const [none] = await run([{ ...step, target: 'motherduck' } as Step], checkout, [], { local: localTarget(checkout.databasePath), motherduck: empty, backend: empty });
      expect(none?.result).toMatchObject({ status: 'stale', outputs: { oldestDay: '', window: '' } });
      // A window longer than the advised command takes: its first part, and what comes after it.
      const [split] = await run([{ ...step, target: 'motherduck', windowMaxDays: 3 } as Step], checkout, [], { local: localTarget(checkout.databasePath), motherduck: md, backend: md });
      expect(split?.result.outputs).toMatchObject({
        window: 'from=2026-04-17 to=2026-04-19',
        windowRest: ' (the first 3 of 4 days: then the same command again from=2026-04-20, 3 days at a time, up to to=2026-04-20)',
      });
      const [fits] = await run([{ ...step, target: 'motherduck', windowMaxDays: 4 } as Step], checkout, [], { local: localTarget(checkout.databasePath), motherduck: md, backend: md });
      expect(fits?.result.outputs).toMatchObject({ window: 'from=2026-04-17 to=2026-04-20', windowRest: '' });
    } finally {
      checkout.remove();
    }
  });

  it('waits until the marts are fresh, and gives up at the deadline with a clear message and progress', async () => {
    const checkout = new Checkout();
    try {
      await createMartsDatabase(checkout.databasePath, '2026-04-17');
      const progress: string[] = [];
      const step = {
        id: 'fresh',
        kind: 'mart-freshness',
        title: 'Wait until every mart is back within its SLA',
        marts: [{ table: 'ebird.fct_daily_bird_observations', dateColumn: 'day_date', maxLag: '36h' }],
        waitUntil: { status: ['fresh'], every: '1s', deadline: '3s' },
        acceptStatuses: ['fresh'],
      } as unknown as Step;
      const [done] = await run([step], checkout, progress);
      expect(done?.result.status).toBe('stale');
      expect(done?.result.summary).toMatch(/^gave up after \d\.\d s \(the limit is 3\.0 s\): still stale: 1 of 1 marts past their SLA: ebird\.fct_daily_bird_observations: newest 2026-04-17, 3 d 9 h behind \(SLA 36 h\), past its SLA$/);
      expect(progress.length).toBeGreaterThanOrEqual(1);
      expect(progress[0]).toMatch(/^check 1, [\d.]+ m?s of 3\.0 s: stale: /);
    } finally {
      checkout.remove();
    }
  });
});

describe("scenario 4's missed window and the marts' last day built (martsFrom)", () => {
  // The recorded schedules' last success is 2026-04-17 06:00 UTC, and it is 2026-04-21 09:00: their window is 2026-04-17 … 2026-04-20.
  const reachedBack = "missed window 2026-04-15 … 2026-04-20 (from the day after the marts' last day built (2026-04-14), not from the schedules' last success (2026-04-17 06:00 UTC): not every mart has a day after it, so a backfill from 2026-04-17 would leave 2026-04-15 … 2026-04-16 empty)";

  it("starts on the day after the marts' last day built when they end before the schedules' last success, and says why", async () => {
    const checkout = new Checkout();
    try {
      // The runs since 2026-04-15 "succeeded" and wrote nothing: the marts end on the 14th.
      await createMartsDatabase(checkout.databasePath, '2026-04-14');
      const stopped = await diagnoseDagster(checkout);
      expect(stopped).toMatchObject({ status: 'daemon-stopped', outputs: { windowFrom: '2026-04-15', windowTo: '2026-04-20', window: '2026-04-15 … 2026-04-20' } });
      expect(stopped.summary).toContain(reachedBack);
      // Paused schedules (the daemon up) take the same window.
      const paused = await diagnoseDagster(checkout, 'schedules-paused', true);
      expect(paused).toMatchObject({ status: 'schedules-paused', outputs: { windowFrom: '2026-04-15', windowTo: '2026-04-20', pausedSchedules: 'all_pipelines_daily' } });
      expect(paused.summary).toContain(reachedBack);
    } finally {
      checkout.remove();
    }
  });

  it("keeps the schedules' window where the marts reach it, and leaves out a mart that stopped long before the others (scenario 2's)", async () => {
    const checkout = new Checkout();
    try {
      // Through the day before the schedules' window: nothing between them.
      await createMartsDatabase(checkout.databasePath, '2026-04-16');
      const through = await diagnoseDagster(checkout);
      expect(through.outputs).toMatchObject({ windowFrom: '2026-04-17', windowTo: '2026-04-20' });
      expect(through.summary).toContain('missed window 2026-04-17 … 2026-04-20');
      expect(through.summary).not.toContain("marts' last day built");
      fs.rmSync(checkout.databasePath);
      // usgs stopped weeks before: the freshness step names it as scenario 2's, and the window does not stretch to it.
      await createMartsDatabase(checkout.databasePath, '2026-04-14', 30, { 'usgs.fct_daily_streamflow': '2026-04-01' });
      const early = await diagnoseDagster(checkout);
      expect(early.outputs).toMatchObject({ windowFrom: '2026-04-15', windowTo: '2026-04-20' });
    } finally {
      checkout.remove();
    }
  });

  it('proposes the first 62 days of a missed window longer than a backfill takes, the oldest first, a window path A takes, and gives the command for the next part', async () => {
    const checkout = new Checkout();
    try {
      await createMartsDatabase(checkout.databasePath, '2026-04-16');
      // Found on 2026-12-03: the schedules' last success is 2026-04-17's, so the window runs to 2026-12-02, 230 days.
      const now = new Date('2026-12-03T09:00:00Z');
      const stopped = await diagnoseDagster(checkout, 'schedules-daemon-stopped', false, now);
      expect(stopped).toMatchObject({ status: 'daemon-stopped', outputs: { windowFrom: '2026-04-17', windowTo: '2026-06-17', window: '2026-04-17 … 2026-06-17' } });
      expect(stopped.summary).toContain('missed window 2026-04-17 … 2026-12-02');
      expect(stopped.outputs?.windowRest).toBe(
        ' The missed window 2026-04-17 … 2026-12-02 is 230 days long and a backfill takes at most 62 days at a time: the recovery proposed backfills its first 62, 2026-04-17 … 2026-06-17, the oldest first.' +
          ' Once that plan has run, the rest (2026-06-18 … 2026-12-02) is backfilled the same way, each part a plan of its own, typed without incident= (this incident\'s diagnosis proposes no plan after one has changed the database):' +
          ' `/databox recover schedule path=a from=2026-06-18 to=2026-08-18`, then the same again from the day after its to=, 62 days at a time, up to to=2026-12-02.',
      );
      // What is suggested, and the next part, are windows path A's parameters take; the whole window is not.
      const rb = loadRunbooks(path.join(projectRoot, 'runbooks')).get('schedule')!;
      const pathA = (from: string, to: string) => validateParameters(rb, ['from', 'to', 'schedules'], { from, to }, { root: checkout.root, now, databasePath: checkout.databasePath }, ['from', 'to']);
      await expect(pathA('2026-04-17', '2026-06-17')).resolves.toMatchObject({ from: '2026-04-17', to: '2026-06-17' });
      await expect(pathA('2026-06-18', '2026-08-18')).resolves.toMatchObject({ from: '2026-06-18', to: '2026-08-18' });
      await expect(pathA('2026-04-17', '2026-12-02')).rejects.toThrow('the window 2026-04-17 … 2026-12-02 is 230 days long; at most 62 days at a time');
      // Schedules behind (the daemon up, their last success 2026-04-21's, the marts' 2026-04-16) the same; a rest that
      // fits in one part is given without "then".
      const behind = await diagnoseDagster(checkout, 'schedules-healthy', true, new Date('2026-07-01T09:00:00Z'));
      expect(behind).toMatchObject({ status: 'schedules-behind', outputs: { windowFrom: '2026-04-17', windowTo: '2026-06-17' } });
      expect(behind.outputs?.windowRest).toMatch(/is 75 days long .*: `\/databox recover schedule path=a from=2026-06-18 to=2026-06-30`\.$/);
      // 62 days exactly is one part: nothing more is said.
      const fits = await diagnoseDagster(checkout, 'schedules-daemon-stopped', false, new Date('2026-06-18T09:00:00Z'));
      expect(fits.outputs).toMatchObject({ windowFrom: '2026-04-17', windowTo: '2026-06-17', windowRest: '' });
    } finally {
      checkout.remove();
    }
  });

  it("says the window is the schedules' alone when no mart's newest date could be read", async () => {
    const checkout = new Checkout();
    try {
      // No database file: every mart unreadable.
      const unread = await diagnoseDagster(checkout);
      expect(unread.outputs).toMatchObject({ windowFrom: '2026-04-17', windowTo: '2026-04-20' });
      expect(unread.summary).toContain(
        "missed window 2026-04-17 … 2026-04-20 (the schedules' window alone: the marts' last day built is unknown (step freshness ended unreadable with no mart's newest date), so they may end before it)",
      );
    } finally {
      checkout.remove();
    }
  });
});
