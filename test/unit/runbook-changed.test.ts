// Which copy of a runbook is behind at an approval, told from the file on disk: the file, the approver's copy, or unknown.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runbookChangedSince, runbookChangedWords } from '../../src/incidents/runbook-changed.js';
import { runbookChangedOf } from '../../src/incidents/runbook-changed-record.js';
import { runbookChangedAtApproval } from '../../src/postmortem/runbook-versions.js';
import { checkRunbookText } from '../../src/runbook/load.js';
import { projectRoot } from '../helpers/cli-process.js';

const original = fs.readFileSync(path.join(projectRoot, 'runbooks', 'duckdb.yml'), 'utf8');
const edited = original.replace('title: Back up the broken file for forensics', 'title: Back up the broken file (edited)');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const short = (text: string) => sha256(text).slice(0, 12);

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-changed-'));
  file = path.join(dir, 'duckdb.yml');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function loaded(text: string) {
  const checked = checkRunbookText(text, file);
  if (!checked.ok) throw new Error(checked.problems.join('\n'));
  return checked.runbook;
}

describe('runbookChangedSince', () => {
  it('a terminal command that read the file before it was edited again: its copy is the older one, said of the command, not of a bot', () => {
    fs.writeFileSync(file, original.replace('title: Back up the broken file for forensics', 'title: a third version'));
    const changed = runbookChangedSince({ runbookSha256: sha256(original) }, loaded(edited), file, 'terminal:carol');
    expect(changed).toMatchObject({ how: 'approver-older', approvedAt: 'terminal', approvedWith: sha256(edited) });
    expect(runbookChangedWords(changed!)).toMatch(/^The terminal command that approved it read an older runbook than the file on disk \(sha256:\w{12}, read when the command started; the file is sha256:\w{12} now\)\. The plan runs as approved/);
    expect(runbookChangedWords(changed!)).not.toContain('restart');
  });

  it('a file that cannot be read: says only that the versions differ, claiming no copy behind', () => {
    const changed = runbookChangedSince({ runbookSha256: sha256(original) }, loaded(edited), path.join(dir, 'gone.yml'), 'U0TEAMMATE');
    expect(changed).toEqual({ proposedWith: sha256(original), approvedWith: sha256(edited), how: 'versions-differ', approvedAt: 'Slack' });
    expect(runbookChangedWords(changed!)).toBe(`This plan was made with its runbook at sha256:${short(original)} and approved where sha256:${short(edited)} is loaded: the plan runs the steps it was approved with, as shown.`);
  });

  it("a plan made from another copy of the runbooks (another DATABOX_RUNBOOKS_DIR): says so with both files' paths, not that the file changed", () => {
    fs.writeFileSync(file, original);
    const otherCopy = path.join(dir, 'elsewhere', 'duckdb.yml');
    const changed = runbookChangedSince({ runbookSha256: sha256(edited), runbookPath: otherCopy }, loaded(original), file, 'U0TEAMMATE');
    expect(changed).toEqual({ proposedWith: sha256(edited), approvedWith: sha256(original), how: 'other-copy', approvedAt: 'Slack', proposedFrom: otherCopy, approvedFrom: file });
    expect(runbookChangedWords(changed!)).toBe(`This plan was made from another copy of the runbooks (${otherCopy}; this one is ${file}), its runbook at sha256:${short(edited)} there, sha256:${short(original)} here: the plan runs the steps it was approved with, as shown, not this copy's steps. For those, propose it again in Slack.`);
    expect(runbookChangedAtApproval(changed!)).toBe(`it was made from another copy of the runbooks (${otherCopy}; the approver's was ${file}), its runbook at sha256:${short(edited)} there, sha256:${short(original)} where it was approved: it ran the steps it was approved with, as proposed`);
    expect(runbookChangedOf(JSON.parse(JSON.stringify(changed)))).toEqual(changed);
  });

  it('the same file named through a symlinked folder is the same copy: its edit is told as a changed file', () => {
    fs.writeFileSync(file, edited);
    const link = path.join(os.tmpdir(), `runbook-changed-link-${process.pid}`);
    fs.symlinkSync(dir, link);
    try {
      const changed = runbookChangedSince({ runbookSha256: sha256(original), runbookPath: path.join(link, 'duckdb.yml') }, loaded(edited), file, 'U0TEAMMATE');
      expect(changed?.how).toBe('file-changed');
    } finally {
      fs.rmSync(link);
    }
  });

  it('nothing when the approver loaded the version that made the plan', () => {
    fs.writeFileSync(file, edited);
    expect(runbookChangedSince({ runbookSha256: sha256(original) }, loaded(original), file, 'U0TEAMMATE')).toBeUndefined();
  });
});

describe('runbookChangedOf, an approval line read back', () => {
  it('a line journaled before the case was recorded is told as versions that differ, in Slack and in the postmortem, not as a changed file', () => {
    const changed = runbookChangedOf({ proposedWith: sha256(original), approvedWith: sha256(edited) });
    expect(changed).toEqual({ proposedWith: sha256(original), approvedWith: sha256(edited), how: 'versions-differ' });
    expect(runbookChangedWords(changed!)).not.toContain('has changed since');
    expect(runbookChangedAtApproval(changed!)).toBe(`it was made with its runbook at sha256:${short(original)} and approved where sha256:${short(edited)} was loaded: it ran the steps it was approved with, as proposed`);
  });

  it('an other-copy line without its paths is told as versions that differ', () => {
    expect(runbookChangedOf({ proposedWith: sha256(original), approvedWith: sha256(edited), how: 'other-copy' })?.how).toBe('versions-differ');
  });
});
