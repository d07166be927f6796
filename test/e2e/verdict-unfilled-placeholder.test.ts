// A verdict whose text names a step output the run left without a value is still posted, marked, with its paths; one the
// runbook's load can tell will have none is refused when the bot starts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Checkout } from '../helpers/databox-checkout.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, journalRecordsOf, openStandIns, verdictTextOf } from '../helpers/stand-ins.js';
import { blockNetwork } from '../helpers/no-network.js';
import { projectRoot } from '../support/fixtures.js';

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness | undefined;
let runbooksDir: string;

blockNetwork();

beforeEach(async () => {
  harness = undefined;
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

async function diagnose(): Promise<Harness> {
  const started = await startBot(checkout, slack, { DATABOX_RUNBOOKS_DIR: runbooksDir });
  harness = started;
  const response = await started.command('diagnose duckdb');
  expect(response.status).toBe(200);
  await started.settle();
  return started;
}

const rootMessage = () => slack.messages().find((m) => !m.threadTs);

describe('a verdict naming an output its diagnosis did not set', () => {
  it('is posted with a marker, its path buttons and the thread header, and the runbook mistake is logged and journaled', async () => {
    // The audit made to run only on a full disk, and the Missing verdict's condition on open spelled out over every way
    // the other steps may end: more cases than the load spreads a condition into (512), so it cannot tell whether the
    // audit ran, and this mistake is found only when the verdict is given. (On open alone, the load refuses it: a verdict
    // reading a step its condition never names.)
    const missingAdvice = 'DATABOX_DATABASE_PATH, and diagnose again.';
    editDuckdbRunbook(missingAdvice, `${missingAdvice} Audit exit code: {{steps.audit.exitCode}}.`);
    editDuckdbRunbook('      timeout: 5m\n      onlyIf: { step: open, status: [ok, read-only] }', '      timeout: 5m\n      onlyIf: { step: disk, status: [full] }');
    editDuckdbRunbook(
      '      when: { step: open, status: missing }\n',
      [
        '      when:',
        '        all:',
        '          - { step: open, status: missing }',
        '          - { step: disk, status: [ok, full, also-full, nearly-full, read-only, failed, timeout, interrupted] }',
        '          - { step: scan, status: [ok, empty, damaged, unclear-blocks, timeout, interrupted, unopenable, unreadable, out-of-memory, broken-views, missing, no-expected-schemas, missing-expected-schemas, missing-marts, failed, skipped] }',
        '          - { step: audit, status: [ok, failed, timeout, desynced, skipped, interrupted] }',
        '',
      ].join('\n'),
    );
    fs.rmSync(checkout.databasePath, { force: true });
    const bot = await diagnose();

    const verdict = verdictTextOf(slack);
    expect(verdict).toContain('Missing');
    expect(verdict).toContain('Audit exit code: (no value: step audit did not run).');
    expect(slack.buttons(/^choose_path_/).map((b) => b.actionId)).toEqual(['choose_path_a', 'choose_path_b']);
    expect(rootMessage()?.blocks).not.toContain('diagnosis running');
    expect(rootMessage()?.blocks).toContain('Status: ');
    expect(slack.allText()).not.toContain('which has no value here');

    const logged = bot.logs.filter((l) => l.level >= 50 && l.verdict === 'missing');
    expect(logged).toHaveLength(1);
    expect(logged[0]?.file).toBe(path.join(runbooksDir, 'duckdb.yml'));
    expect(logged[0]?.unfilled).toEqual([{ placeholder: '{{steps.audit.exitCode}}', why: 'no value: step audit did not run', template: 'advice' }]);
    const recorded = journalRecordsOf(checkout).find((r) => r.type === 'diagnosis.verdict');
    expect(recorded?.data.unfilled).toEqual(logged[0]?.unfilled);
  });

  it('naming an exit code a timed-out command never has, for the status that times it out, stops the start instead', async () => {
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
    const file = path.join(runbooksDir, 'duckdb.yml');
    const line = fs.readFileSync(file, 'utf8').split('\n').findIndex((text) => text.includes('advice: sqlmesh audit ended')) + 1;
    await expect(startBot(checkout, slack, { DATABOX_RUNBOOKS_DIR: runbooksDir })).rejects.toThrow(
      `${file}:${line}: at diagnosis.verdicts[0].advice: {{steps.audit.exitCode}}: steps.audit.exitCode is not set when audit's status is timeout, which verdict "audit-slow" matches: narrow its condition to the statuses that set it, or write {{steps.audit.exitCode?}} to say nothing then`,
    );
    expect(slack.messages()).toEqual([]);
  });
});
