// A line deleted under a running process (a shorter copy renamed over the journal) after earlier damage was accepted:
// the refusal names the new damage, where the journal now differs from the copy kept at the acceptance, not the line
// already accepted; and the process is told once that it found new damage (the bot logs it as a warning).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { fixtureJournal } from '../fixtures/scenario1.js';
import { writeHead } from '../../src/journal/head.js';
import { Journal } from '../../src/journal/journal.js';
import type { VerifyProblem } from '../../src/journal/record.js';
import { journalCommand } from '../../src/terminal/journal-command.js';

const temps: string[] = [];
afterAll(() => temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

it('names the line changed since the acceptance, and tells of the new damage once', () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'damage-after-acceptance-'));
  temps.push(stateDir);
  const file = path.join(stateDir, 'journal.jsonl');
  const lines = fs.readFileSync(fixtureJournal, 'utf8').trimEnd().split('\n');
  writeHead(file, JSON.parse(lines.at(-1) as string));
  lines[25] = (lines[25] as string).replace('"actor":"databox-bot"', '"actor":"databox-bob"');
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  const quiet = { write: () => true };
  expect(journalCommand(['journal', 'repair'], { env: { DATABOX_STATE_DIR: stateDir }, stdout: quiet, stderr: quiet }, { approver: 'bob' })).toBe(0);

  const found: VerifyProblem[] = [];
  const running = new Journal(stateDir, undefined, undefined, { onDamageFound: (problem) => found.push(problem) });
  running.load();
  expect(running.problem).toBeUndefined();
  const now = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
  now.splice(40, 1);
  fs.writeFileSync(`${file}.new`, `${now.join('\n')}\n`);
  fs.renameSync(`${file}.new`, file);

  for (const _ of [1, 2]) {
    expect(() => running.requireVerified()).toThrow(/^refused: the journal failed verification at line 41 \(changed since the damage at line 26 was accepted at line 89\) \(/);
  }
  expect(found.map((problem) => problem.changedSince)).toEqual([{ line: 41, acceptedAt: 89 }]);
});
