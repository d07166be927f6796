// Scenario 1's disk step as a disk alert's button runs it: "nearly-full" from DATABOX_DISK_ALERT_PERCENT (never the
// healthy "ok" the alert contradicts), and the state dir's volume checked beside the database's (a real full tmpfs).
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { diskUsageStepKind, runDiskUsageStep } from '../../src/engine/steps/disk-usage-step.js';
import type { StepRunContext } from '../../src/engine/steps/context.js';
import { runCommand } from '../../src/process/run-command.js';
import { projectRoot, scriptsDir, useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('disk-volumes-');
const tsx = path.join(projectRoot, 'node_modules', '.bin', 'tsx');

function context(root: string, percents: { full: number; alert?: number }): StepRunContext {
  return { root, databasePath: path.join(root, 'databox.duckdb'), stateDir: path.join(root, 'var'), incidentId: 'dbx-1', runId: 'r', diskFullPercent: percents.full, diskAlertPercent: percents.alert, runCommand, redact: (t) => t, clock: () => new Date(), progress: () => undefined };
}

function diskStep(root: string, nearlyFull: boolean) {
  return { ...diskUsageStepKind.schema.parse({ id: 'disk', kind: 'disk-usage', title: 'Free space', path: path.join(root, 'databox.duckdb'), nearlyFull }), timeoutMs: 10_000, guard: false };
}

describe('the disk step of scenario 1', () => {
  it('says "nearly-full" at or over DATABOX_DISK_ALERT_PERCENT, under the full limit, naming the setting', async () => {
    const root = tempDir();
    // The thresholds stand for the volume's use: at 1% it is over, at 100% under.
    const result = await runDiskUsageStep(diskStep(root, true), context(root, { full: 100, alert: 1 }));
    expect(result.status).toBe('nearly-full');
    expect(result.summary).toMatch(/% used\) on the volume holding .*; at or over DATABOX_DISK_ALERT_PERCENT \(1%\), where the disk alert is raised$/);
    // A step that does not ask for it (a recovery's room check) is unchanged.
    expect((await runDiskUsageStep(diskStep(root, false), context(root, { full: 100, alert: 1 }))).status).toBe('ok');
  });

  it('says the state dir\'s volume is full apart ("also-full"), not the database\'s disk, when that one has room, naming both', async (context) => {
    const probe = await execa('unshare', ['--user', '--map-root-user', '--mount', 'true'], { reject: false });
    if (probe.exitCode !== 0) context.skip(`no mount namespaces here (${probe.stderr.trim()})`);
    const stateDir = tempDir();
    const result = await execa(
      'unshare',
      ['--user', '--map-root-user', '--mount', 'sh', '-c', 'mount -t tmpfs -o size=64k tmpfs "$0" && exec "$@"', stateDir, tsx, path.join(scriptsDir, 'disk-usage-two-volumes.ts'), stateDir],
      { reject: false, timeout: 60_000 },
    );
    expect(result.stderr).toBe('');
    const outcome = JSON.parse(result.stdout) as { status: string; summary: string };
    expect(outcome.status).toBe('also-full');
    expect(outcome.summary).toMatch(new RegExp(`% used\\) on the volume holding .*two-volumes-\\w+; 0 B free of 64\\.0 KiB \\(100% used, at or over the 95% limit\\) on the volume holding ${stateDir}$`));
  });
});
