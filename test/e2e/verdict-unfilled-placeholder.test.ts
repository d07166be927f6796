// A verdict whose text names a step output the run left without a value is still posted, marked, with its paths.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Checkout, createHealthyDatabase, writeGarbage } from '../helpers/databox-checkout.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, journalRecordsOf, openStandIns, verdictTextOf } from '../helpers/stand-ins.js';
import { blockNetwork } from '../helpers/no-network.js';
import { projectRoot } from '../support/fixtures.js';

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness;
let runbooksDir: string;

blockNetwork();

beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
  runbooksDir = fs.mkdtempSync(path.join(os.tmpdir(), 'databox-runbooks-'));
  fs.cpSync(path.join(projectRoot, 'runbooks'), runbooksDir, { recursive: true });
});
afterEach(async () => {
  await closeStandIns(harness, slack, checkout);
  fs.rmSync(runbooksDir, { recursive: true, force: true });
});

/** Edits the copied duckdb.yml as a runbook author would: `before` (found once) replaced by `after`. */
function editDuckdbRunbook(before: string, after: string): void {
  const file = path.join(runbooksDir, 'duckdb.yml');
  const text = fs.readFileSync(file, 'utf8');
  expect(text.split(before)).toHaveLength(2);
  fs.writeFileSync(file, text.replace(before, after));
}

async function diagnose(): Promise<void> {
  harness = await startBot(checkout, slack, { DATABOX_RUNBOOKS_DIR: runbooksDir });
  const response = await harness.command('diagnose duckdb');
  expect(response.status).toBe(200);
  await harness.settle();
}

const rootMessage = () => slack.messages().find((m) => !m.threadTs);

describe('a verdict naming an output its diagnosis did not set', () => {
  it('is posted with a marker, its path buttons and the thread header, and the runbook mistake is logged and journaled', async () => {
    const brokenFileKept = 'Either way the broken file is kept for forensics, under its name with .broken added.';
    editDuckdbRunbook(brokenFileKept, `${brokenFileKept} Tables read: {{steps.scan.tablesRead}}.`);
    // The file does not open, so the full read (scan) is skipped: it sets no tablesRead.
    writeGarbage(checkout.databasePath);
    await diagnose();

    const verdict = verdictTextOf(slack);
    expect(verdict).toContain('File corrupt');
    expect(verdict).toContain('Tables read: (no value: step scan did not run).');
    expect(slack.buttons(/^choose_path_/).map((b) => b.actionId)).toEqual(['choose_path_a', 'choose_path_b']);
    expect(rootMessage()?.blocks).not.toContain('diagnosis running');
    expect(rootMessage()?.blocks).toContain('Status: ');
    expect(slack.allText()).not.toContain('which has no value here');

    const logged = harness.logs.filter((l) => l.level >= 50 && l.verdict === 'corrupt');
    expect(logged).toHaveLength(1);
    expect(logged[0]?.file).toBe(path.join(runbooksDir, 'duckdb.yml'));
    expect(logged[0]?.unfilled).toEqual([{ placeholder: '{{steps.scan.tablesRead}}', why: 'no value: step scan did not run', template: 'advice' }]);
    const recorded = journalRecordsOf(checkout).find((r) => r.type === 'diagnosis.verdict');
    expect(recorded?.data.unfilled).toEqual(logged[0]?.unfilled);
  });

  it('marks an exit code a timed-out command never had, and still gives its verdict', async () => {
    // A verdict of its own for sqlmesh audit giving no answer, read first; the audit times out after a second.
    editDuckdbRunbook(
      '  verdicts:\n',
      [
        '  verdicts:',
        '    - id: audit-slow',
        '      title: SQLMesh audit gave no answer',
        '      when: { step: audit, status: timeout }',
        '      advice: sqlmesh audit ended with exit code {{steps.audit.exitCode}}; run it by hand.',
        '      paths: []',
        '      severity: warning',
        '',
      ].join('\n'),
    );
    editDuckdbRunbook('      timeout: 5m\n      onlyIf: { step: open, status: [ok, read-only] }', '      timeout: 1s\n      onlyIf: { step: open, status: [ok, read-only] }');
    checkout.behave({ 'uv run sqlmesh audit': { sleepMs: 5_000 } });
    await createHealthyDatabase(checkout.databasePath);
    await diagnose();

    const verdict = verdictTextOf(slack);
    expect(verdict).toContain('SQLMesh audit gave no answer');
    expect(verdict).toContain('sqlmesh audit ended with exit code (no value: exitCode is not set when the step ends timeout); run it by hand.');
    expect(rootMessage()?.blocks).not.toContain('diagnosis running');
    expect(harness.logs.filter((l) => l.level >= 50 && l.verdict === 'audit-slow').map((l) => l.unfilled)).toEqual([
      [{ placeholder: '{{steps.audit.exitCode}}', why: 'no value: exitCode is not set when the step ends timeout', template: 'advice' }],
    ]);
  });
});
