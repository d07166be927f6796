// A state dir copied away from its bot (`cp -a var /tmp/evidence`, for a postmortem on a laptop): journal verify,
// journal repair and postmortem read it with DATABOX_STATE_DIR alone, DATABOX_ROOT unset or naming no checkout; the
// commands that act on the databox still refuse a DATABOX_ROOT that is not one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { fixtureJournal } from '../fixtures/scenario1.js';
import { cliEnv, runCliProcess } from '../helpers/cli-process.js';

const temps: string[] = [];
afterAll(() => temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

let evidence: string;
let journalFile: string;
const lines = fs.readFileSync(fixtureJournal, 'utf8').trimEnd().split('\n');
/** Where the laptop has no databox checkout. */
const noCheckout = path.join(os.tmpdir(), 'no-databox-checkout-here');

beforeEach(() => {
  evidence = fs.mkdtempSync(path.join(os.tmpdir(), 'evidence-'));
  temps.push(evidence);
  journalFile = path.join(evidence, 'journal.jsonl');
  // The fixture's journal has no head file: one `journal repair` accepts, as an operator would on such a copy.
  fs.copyFileSync(fixtureJournal, journalFile);
});

const roots = [
  ['DATABOX_ROOT unset', {}],
  ['DATABOX_ROOT naming no directory', { DATABOX_ROOT: noCheckout }],
] as const;

describe('a state dir copied elsewhere', () => {
  for (const [name, root] of roots) {
    it(`is verified, repaired and written up with ${name}`, async () => {
      const run = (args: readonly string[]) => runCliProcess(args, { env: cliEnv({ DATABOX_STATE_DIR: evidence, HOME: evidence, ...root }), stdin: 'ignore' });
      const failed = await run(['journal', 'verify']);
      expect({ code: failed.code, stderr: failed.stderr }).toEqual({ code: 1, stderr: expect.stringMatching(new RegExp(`^journal FAILED at line ${lines.length + 1} of ${journalFile}: its head file`)) });
      const repaired = await run(['journal', 'repair', '--approver', 'bob']);
      expect({ code: repaired.code, stderr: repaired.stderr }).toEqual({ code: 0, stderr: '' });
      const verified = await run(['journal', 'verify']);
      expect({ code: verified.code, stderr: verified.stderr }).toEqual({ code: 0, stderr: '' });
      // The repair, writing first, journaled the missing head (a line), then accepted it (another).
      expect(verified.stdout).toMatch(new RegExp(`^journal OK: ${lines.length + 2} records verified in ${journalFile}\n`));
      const postmortem = await run(['postmortem', 'dbx-20260420-bec8']);
      const file = path.join(evidence, 'postmortems', 'dbx-20260420-bec8.md');
      expect({ code: postmortem.code, stderr: postmortem.stderr }).toEqual({ code: 0, stderr: `postmortem written to ${file}\n` });
      expect(postmortem.stdout).toMatch(/^# Postmortem dbx-20260420-bec8: Blown DuckDB file/);
      expect(fs.readFileSync(file, 'utf8')).toBe(postmortem.stdout);
    });
  }

  it('still stops a diagnosis whose DATABOX_ROOT is no checkout, exit 2', async () => {
    const result = await runCliProcess(['diagnose', 'duckdb'], { env: cliEnv({ DATABOX_STATE_DIR: evidence, HOME: evidence, DATABOX_ROOT: noCheckout }), stdin: 'ignore' });
    expect({ code: result.code, stderr: result.stderr }).toEqual({
      code: 2,
      stderr: `databox: invalid configuration: ✖ ${noCheckout} is not a directory: it must be the databox checkout → at DATABOX_ROOT\n`,
    });
  });
});
