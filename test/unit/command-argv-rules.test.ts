// Tests the load-time rules on a command step's argv (src/engine/steps/command-argv-rules.ts): file-destroying commands are destructive, no shell -c.
import { describe, expect, it } from 'vitest';
import { argvIssues } from '../../src/engine/steps/command-argv-rules.js';
import { useTempDirs } from '../support/fixtures.js';
import { bundled, refusalOf, type Doc } from '../support/planted-runbook.js';

const tempDir = useTempDirs('databox-argv-rules-');
const messages = (argv: (string | { forEach: string; argv: string[] })[], destructive = false) => argvIssues(argv, destructive).map((issue) => `${issue.at.join('.')}: ${issue.message}`);

const shellRefusal =
  "runs a shell script, which hides what it runs from this check and from the plan: the bot runs argv without a shell, so list the command's own argv instead (one step per command)";
const destructiveAdvice = 'set destructive: true (and mutates: true), so the plan marks it and a teammate approves it; no diagnosis or validation may run it';

describe('a command that deletes, moves or overwrites files', () => {
  it('must be marked destructive, by its name or its path', () => {
    expect(messages(['mv', '{{database_path}}', '/tmp/gone.duckdb'])).toEqual([`destructive: mv moves files, replacing what is at the target (a move step never replaces anything): ${destructiveAdvice}`]);
    expect(messages(['/bin/rm', '-rf', 'transforms/main/.sqlmesh'])).toEqual([`destructive: rm deletes files: ${destructiveAdvice}`]);
    expect(messages(['cp', 'a.duckdb', 'data/databox.duckdb'])).toEqual([`destructive: cp replaces its target when it exists (a copy-file step never does): ${destructiveAdvice}`]);
    for (const name of ['rmdir', 'unlink', 'shred', 'truncate', 'dd']) expect(messages([name, 'x']), name).toHaveLength(1);
  });

  it('is found after find -delete or -exec, and behind env, xargs, timeout and uv run', () => {
    expect(messages(['find', 'data', '-name', '*.tmp', '-delete'])).toEqual([`destructive: find -delete deletes what it finds: ${destructiveAdvice}`]);
    expect(messages(['find', 'data', '-name', '*.tmp', '-exec', 'rm', '{}', ';'])).toEqual([`destructive: rm deletes files: ${destructiveAdvice}`]);
    expect(messages(['env', 'TZ=UTC', 'mv', 'a', 'b'])).toHaveLength(1);
    expect(messages(['xargs', '-0', 'rm'])).toHaveLength(1);
    expect(messages(['timeout', '5m', 'dd', 'if=/dev/zero', 'of=data/x'])).toHaveLength(1);
    expect(messages(['uv', 'run', 'cp', 'a', 'b'])).toHaveLength(1);
    expect(messages(['nice', '-n', '10', { forEach: 'source.models', argv: ['rm', '{{item}}'] }])).toHaveLength(1);
  });

  it('passes once marked destructive, and other commands are not inspected', () => {
    expect(messages(['rm', '-rf', 'transforms/main/.sqlmesh'], true)).toEqual([]);
    expect(messages(['uv', 'run', 'sqlmesh', 'plan', 'prod', '--auto-apply'])).toEqual([]);
    expect(messages(['task', 'full-refresh'])).toEqual([]);
    expect(messages(['find', 'data', '-name', 'rm'])).toEqual([]);
    expect(messages(['{{tool}}', 'x'])).toEqual([]);
    // A word after the wrapped command is its argument, not a command of its own.
    expect(messages(['uv', 'run', 'sqlmesh', 'plan', '--select-model', 'rm'])).toEqual([]);
    expect(messages(['timeout', '30m', 'task', 'verify', '--', 'cp'])).toEqual([]);
    expect(messages(['env', 'A=1', 'python', 'tool.py', '--mode', 'mv'])).toEqual([]);
  });
});

describe('a shell given a script with -c', () => {
  it('is refused, marked or not, however it is started', () => {
    expect(messages(['sh', '-c', 'rm -rf data'])).toEqual([`argv: sh -c ${shellRefusal}`]);
    expect(messages(['/usr/bin/bash', '-ec', 'echo hi'], true)).toEqual([`argv: bash -c ${shellRefusal}`]);
    expect(messages(['env', 'FOO=1', 'zsh', '-lc', 'ls'])).toEqual([`argv: zsh -c ${shellRefusal}`]);
    expect(messages(['uv', 'run', 'dash', '-c', 'ls'])).toHaveLength(1);
  });

  it('is not refused running a script file', () => {
    expect(messages(['sh', 'scripts/check.sh', '3'])).toEqual([]);
    // The script's own options are not the shell's.
    expect(messages(['bash', 'scripts/report.sh', '-force'])).toEqual([]);
  });
});

describe('in a runbook', () => {
  const step = (argv: unknown[], extra: Doc = {}) => ({ id: 'planted', kind: 'command', title: 'A planted command', argv, ...extra });

  it('refuses a diagnosis step that moves the database away, and still refuses it once marked', () => {
    const doc = bundled('duckdb.yml');
    doc.diagnosis.steps.push(step(['mv', '{{database_path}}', '/tmp/gone.duckdb']));
    expect(refusalOf(tempDir(), 'duckdb.yml', doc)).toEqual([
      `at diagnosis.steps[4].destructive: mv moves files, replacing what is at the target (a move step never replaces anything): ${destructiveAdvice}`,
    ]);
    doc.diagnosis.steps[4] = step(['mv', '{{database_path}}', '/tmp/gone.duckdb'], { mutates: true, destructive: true });
    expect(refusalOf(tempDir(), 'duckdb.yml', doc)).toEqual(['at diagnosis.steps[4]: diagnosis steps must be read-only']);
  });

  it('refuses an rm -rf marked only mutates in a path the requester could approve alone', () => {
    const doc = bundled('schedule.yml');
    doc.recovery[0].approval = 'anyone';
    const added = doc.recovery[0].steps.push(step(['rm', '-rf', 'transforms/main/.sqlmesh'], { mutates: true })) - 1;
    expect(refusalOf(tempDir(), 'schedule.yml', doc)).toEqual([`at recovery[0].steps[${added}].destructive: rm deletes files: ${destructiveAdvice}`]);
    doc.recovery[0].steps[added].destructive = true;
    expect(refusalOf(tempDir(), 'schedule.yml', doc)).toEqual(["at recovery[0].approval: a path with destructive steps needs a teammate's approval: set approval: teammate, or leave it out"]);
  });

  it('refuses sh -c in a validation', () => {
    const doc = bundled('duckdb.yml');
    doc.validation.steps.push(step(['sh', '-c', 'task verify && rm -f data/x']));
    const at = doc.validation.steps.length - 1;
    expect(refusalOf(tempDir(), 'duckdb.yml', doc)).toEqual([`at validation.steps[${at}].argv: sh -c ${shellRefusal}`]);
  });
});
