// The terminal reporter's progress line: redrawn in place on a TTY, printed as "still running" lines otherwise;
// colour only when asked for.
import { describe, expect, it } from 'vitest';
import type { ResolvedStep } from '../../src/engine/types.js';
import type { Incident, Run } from '../../src/incidents/state.js';
import { colorWanted, createStyle } from '../../src/terminal/style.js';
import { TerminalReporter } from '../../src/terminal/terminal-reporter.js';

const step = {
  id: 'full_refresh',
  kind: 'command',
  title: 'Rehydrate raw catalogs and rebuild every mart',
  argv: ['task', 'full-refresh'],
  cwd: '/srv/databox',
  env: {},
  classify: [],
  mutates: true,
  destructive: false,
  acceptStatuses: [],
  timeoutMs: 60_000,
  guard: false,
} as unknown as ResolvedStep;
const run = { id: 'dbx-20260420-3fa2/2', kind: 'recovery', title: 'Path A: Rebuild from raw dlt state', steps: [step], results: [] } as unknown as Run;
const incident = { id: 'dbx-20260420-3fa2' } as unknown as Incident;

function reporter(tty: boolean, columns?: number) {
  let out = '';
  const r = new TerminalReporter({
    columns: () => columns,
    out: { write: (text: string) => (out += text) },
    style: createStyle(tty),
    tty,
    root: '/srv/databox',
    runbook: () => {
      throw new Error('not needed');
    },
    allowSelfApproval: false,
    cli: 'npm run --silent cli --',
    heartbeatMs: 60,
  });
  return { r, output: () => out };
}

const record = { stepId: 'full_refresh', status: 'ok', summary: 'exit 0', exitCode: 0, durationMs: 2_300, outputs: {}, excerpt: 'Applying new plan - all model batches executed successfully' };

describe('the terminal reporter', () => {
  it('without a TTY, prints the step, its command, progress lines and "still running" lines, no escape codes', async () => {
    const { r, output } = reporter(false);
    await r.stepStarted(incident, run, step, 0);
    r.stepProgress(incident, run, step, 'Pipeline ebird_pipeline load step completed');
    await new Promise((resolve) => setTimeout(resolve, 200));
    await r.stepFinished(incident, run, step, record as never);
    const text = output();
    expect(text).toContain('[1/1] Rehydrate raw catalogs and rebuild every mart\n      $ task full-refresh\n');
    expect(text).toContain('      … Pipeline ebird_pipeline load step completed\n');
    expect(text).toMatch(/ {6}… still running after \d+ ms\n/);
    expect(text).toContain('      ✔ ok · exit 0 · 2.3 s\n      │ Applying new plan');
    expect(text).not.toContain('\u001b');
    // Once the step has finished, nothing more is printed about it.
    const after = output().length;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(output().length).toBe(after);
  });

  it('says a status the step accepts (a guard that only refuses a held file, on a corrupt one) is accepted by it', async () => {
    const guard = { ...step, id: 'not_held', kind: 'duckdb-open', title: 'The database file is not held by another process', mutates: false, guard: true, acceptStatuses: ['corrupt'] } as unknown as ResolvedStep;
    const { r, output } = reporter(false);
    await r.stepFinished(incident, run, guard, { stepId: 'not_held', status: 'corrupt', summary: 'does not open: IO Error', durationMs: 206, outputs: {} } as never);
    expect(output()).toContain('      ✔ corrupt (accepted by this check) · 206 ms · does not open: IO Error\n');
    // A step's own goal (a mart fresh again) is no status merely put up with: no note.
    const wait = { ...step, id: 'fresh', kind: 'mart-freshness', title: 'Wait until every mart is fresh', mutates: false, acceptStatuses: ['fresh'] } as unknown as ResolvedStep;
    const second = reporter(false);
    await second.r.stepFinished(incident, run, wait, { stepId: 'fresh', status: 'fresh', summary: 'all 4 marts fresh', durationMs: 12, outputs: {} } as never);
    expect(second.output()).toContain('      ✔ fresh · 12 ms · all 4 marts fresh\n');
  });

  it('says a recovery its guard stopped changed nothing', async () => {
    const guard = { ...step, id: 'not_held', kind: 'duckdb-open', title: 'The database file is not held by another process', mutates: false, guard: true } as unknown as ResolvedStep;
    const stopped = { ...run, status: 'failed', steps: [guard, step], results: [{ stepId: 'not_held', status: 'locked', summary: 'busy: held by node PID 42', durationMs: 7, outputs: {} }] } as unknown as Run;
    const { r, output } = reporter(false);
    await r.runFinished(incident, stopped);
    expect(output()).toContain('  Nothing was changed: it stopped before any step that changes data did anything.\n');
    // One that got as far as a step that changes data is not said to have changed nothing.
    const further = { ...stopped, results: [...(stopped.results as unknown[]), { ...record, status: 'failed', exitCode: 1, summary: 'exit 1' }] } as unknown as Run;
    const second = reporter(false);
    await second.r.runFinished(incident, further);
    expect(second.output()).not.toContain('Nothing was changed');
  });

  it('says a recovery interrupted in its guard changed nothing, and not one interrupted in a step that changes data', async () => {
    const guard = { ...step, id: 'not_held', kind: 'duckdb-open', title: 'The database file is not held by another process', mutates: false, guard: true } as unknown as ResolvedStep;
    const inGuard = { ...run, status: 'interrupted', startedAt: '2026-04-20T10:00:00Z', endReason: ['the bot running it stopped'], steps: [guard, step], results: [] } as unknown as Run;
    const first = reporter(false);
    await first.r.runFinished(incident, inGuard);
    expect(first.output()).toContain('  Nothing was changed: it stopped before any step that changes data did anything.\n');
    // Past its guard, in the step that changes data: that step may have done part of its work.
    const inChange = { ...inGuard, results: [{ stepId: 'not_held', status: 'ok', summary: 'not held', durationMs: 7, outputs: {} }] } as unknown as Run;
    const second = reporter(false);
    await second.r.runFinished(incident, inChange);
    expect(second.output()).not.toContain('Nothing was changed');
  });

  it('on a TTY, redraws one progress line in place with a spinner, then clears it', async () => {
    const { r, output } = reporter(true);
    await r.stepStarted(incident, run, step, 0);
    r.stepProgress(incident, run, step, 'loading raw_ebird');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await r.stepFinished(incident, run, step, record as never);
    const text = output();
    expect(text).toMatch(/\r\u001b\[2K\u001b\[2m {6}[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] running \ds · loading raw_ebird/);
    expect(text).not.toContain('still running');
    expect(text).toMatch(/\r\u001b\[2K {6}\u001b\[32m✔ ok\u001b\[39m · exit 0/);
    r.close();
  });

  it('cuts the progress line to the terminal\'s width, so a narrow terminal does not keep a wrapped copy of each redraw', async () => {
    const { r, output } = reporter(true, 40);
    await r.stepStarted(incident, run, step, 0);
    r.stepProgress(incident, run, step, 'task: [full-refresh] uv run python -m databox.pipelines.run --all --full-refresh');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await r.stepFinished(incident, run, step, record as never);
    const lines = output().split('\r\u001b[2K').filter((l) => l.includes('running'));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect([...line.replace(/\u001b\[\d+m/g, '')].length).toBeLessThanOrEqual(39);
    expect(lines[0]).toContain('…');
    r.close();
  });

  it('wants colour only on a TTY without NO_COLOR', () => {
    expect(colorWanted(true, {})).toBe(true);
    expect(colorWanted(true, { NO_COLOR: '1' })).toBe(false);
    expect(colorWanted(true, { NO_COLOR: '' })).toBe(true);
    expect(colorWanted(false, {})).toBe(false);
    expect(createStyle(false).red('x')).toBe('x');
  });

  it("shows advice written for Slack too without its mrkdwn: bold as the terminal's, never literal asterisks", async () => {
    const advice = 'Rolled back dbx-1/2: the steps above put back what its rollback covers, so the incident is *not recovered*. Diagnose again (`/databox diagnose duckdb`); `*.yml` and DATABOX_* stay as written.';
    const plain = reporter(false);
    await plain.r.followUpOffered(incident, run, advice, []);
    expect(plain.output()).toContain('so the incident is not recovered. Diagnose again (`npm run --silent cli -- diagnose duckdb`); `*.yml` and DATABOX_* stay as written.\n');
    const coloured = reporter(true);
    await coloured.r.followUpOffered(incident, run, advice, []);
    expect(coloured.output()).toContain(`so the incident is ${createStyle(true).bold('not recovered')}.`);
  });

  it('of a long output, keeps the marker of what was never kept and names the log file holding the whole of it', async () => {
    const lines = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String(from + i)).join('\n');
    const long = {
      ...record,
      summary: 'exit 0',
      excerpt: `${lines(1, 100)}\n[… 23999000 characters omitted …]\n${lines(199_900, 200_000)}`,
      logFile: '/var/lib/databox/outputs/dbx-20260420-3fa2/2-1-full_refresh.log',
      outputBytes: 25_088_895,
    };
    const { r, output } = reporter(false);
    await r.stepStarted(incident, run, step, 0);
    await r.stepFinished(incident, run, step, long as never);
    expect(output()).toContain('      │ [… 23999000 characters omitted …]\n');
    expect(output()).toContain('      │ the whole output (23.9 MiB) is in /var/lib/databox/outputs/dbx-20260420-3fa2/2-1-full_refresh.log\n');
    r.close();
  });

  it('says what to do about a plan that expired made stale by another: a rollback is asked for again (or another rolled back first), a recovery diagnosed again', async () => {
    const expired = { status: 'expired', expiresAt: '2026-04-20T10:15:00.000Z', outdatedBy: 'dbx-20260420-3fa2/6' };
    const rollback = { ...run, ...expired, id: 'dbx-20260420-3fa2/4', kind: 'rollback', rollbackOf: 'dbx-20260420-3fa2/2' } as unknown as Run;
    const { r, output } = reporter(false);
    await r.runDecided(incident, { ...rollback, outdatedWhatNow: 'roll back dbx-20260420-3fa2/6 first, then ask for this rollback again' });
    expect(output()).toContain('⌛ Expired at 10:15 UTC, after plan dbx-20260420-3fa2/6 had changed its database; nothing was run. Roll back dbx-20260420-3fa2/6 first, then ask for this rollback again.\n');
    // Expired in a journal written before what to do was recorded with it: what holds for a rollback still.
    await r.runDecided(incident, rollback);
    expect(output()).toContain('nothing was run. Ask for the rollback again: it is checked against the database as it is now.\n');
    await r.runDecided(incident, { ...run, ...expired } as unknown as Run);
    expect(output()).toContain('nothing was run. Diagnose again and propose a new plan.\n');
    expect(output()).not.toMatch(/rollback again[^\n]*Diagnose again|Diagnose again[^\n]*rollback again/);
  });
});
