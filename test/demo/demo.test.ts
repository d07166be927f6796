// `npm run demo` itself: it exits 0, walks scenario 1 (and scenario 2 once runbooks/backfill.yml exists) in console mode,
// runs the watchers once, and leaves a journal that verifies and postmortems that name the verdicts, where it says they are.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyLines } from '../../src/journal/record.js';
import { cliEnv, projectRoot } from '../helpers/cli-process.js';

const temps: string[] = [];
afterAll(() => temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

describe('npm run demo', () => {
  it('walks the scenarios with the approvals typed by the script and says where the record is', async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-test-'));
    temps.push(parent);
    const dir = path.join(parent, 'demo');
    const result = await execa('npm', ['run', '--silent', 'demo'], {
      cwd: projectRoot,
      env: cliEnv({ DEMO_DIR: dir }),
      extendEnv: false,
      reject: false,
      stdin: 'ignore',
      timeout: 360_000,
    });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const out = result.stdout;
    // The backup is beside the checkout, not in it: named in full after the checkout's own relative paths.
    expect(out).toContain(`; a good backup in ${path.join(dir, 'backups', 'databox-2026-04-24.duckdb')}\n`);

    const journalFile = /^Journal: +(.+)$/m.exec(out)?.[1];
    expect(journalFile).toBe(path.join(dir, 'state', 'journal.jsonl'));
    const verify = verifyLines(fs.readFileSync(journalFile as string, 'utf8'));
    expect(verify.problem).toBeUndefined();
    expect(out).toContain(`journal OK: ${verify.records.length} records verified in ${journalFile}`);

    // The approval was typed at the prompt, by someone other than the requester.
    expect(out).toMatch(/Type the plan's short hash \(([0-9a-f]{8})\)[^\n]*: \1 {3}← typed by the demo, as bob/);
    const approvals = verify.records.filter((r) => r.type === 'run.approved');
    expect(approvals.length).toBeGreaterThanOrEqual(1);
    expect(new Set(approvals.map((r) => r.actor))).toEqual(new Set(['terminal:bob']));
    expect(fs.readFileSync(path.join(dir, 'standins', 'calls.log'), 'utf8')).toContain(`${path.join(dir, 'databox')}\ttask full-refresh`);
    expect(fs.existsSync(path.join(dir, 'databox', 'data', 'databox.duckdb.broken'))).toBe(true);

    const postmortems = [...out.matchAll(/^Postmortem: +(.+)$/gm)].map((m) => m[1] as string);
    const scenario1 = fs.readFileSync(postmortems[0] as string, 'utf8');
    expect(path.dirname(postmortems[0] as string)).toBe(path.join(dir, 'state', 'postmortems'));
    expect(scenario1).toMatch(/^# Postmortem dbx-\d{8}-[0-9a-f]{4}: Blown DuckDB file \(local backend\)\n/);
    expect(scenario1).toContain('**Verdict: File corrupt**');
    expect(scenario1).toContain('| Outcome | recovered by Path A: Rebuild from raw dlt state; validation passed at');
    expect(scenario1).toMatch(/\*\*terminal:bob\*\* \*\*approved\*\* Path A: Rebuild from raw dlt state/);

    expect(postmortems).toHaveLength(2);
    const scenario2 = fs.readFileSync(postmortems[1] as string, 'utf8');
    expect(scenario2).toMatch(/`backfill`, section 2 of the incident runbook/);
    expect(scenario2).toMatch(/\*\*Verdict: /);
    expect(scenario2).toContain('| Outcome | recovered by ');
    // The watchers ran once: each is listed, the daemon's off without DAGSTER_URL.
    expect(out).toContain('$ npm run --silent cli -- watch\nDagster daemon heartbeat: off: DAGSTER_URL is not set\nDagster schedules: off: DAGSTER_URL is not set\nDisk space: ');
    expect(out).toMatch(/\nMart freshness: (OK|PROBLEM|CANNOT TELL): /);
    // The demo itself may take minutes on a machine busy with other work.
  }, 420_000);
});
