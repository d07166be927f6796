// `status` reads the journal, and the runbooks only if what it shows needs them: a mistake in a runbook does not hide
// the state of things, while every command that runs a runbook (and help, which lists them) still refuses it.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, projectRoot, runCliProcess } from '../helpers/cli-process.js';
import { useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('databox-cli-status-runbooks-');

/** A checkout, a state dir and a copy of the bundled runbooks with a step status no step ends with planted in duckdb.yml. */
function withPlantedMistake(): { env: Record<string, string>; problem: string } {
  const root = tempDir();
  const runbooks = path.join(root, 'runbooks');
  fs.mkdirSync(runbooks);
  for (const name of fs.readdirSync(path.join(projectRoot, 'runbooks'))) fs.copyFileSync(path.join(projectRoot, 'runbooks', name), path.join(runbooks, name));
  const file = path.join(runbooks, 'duckdb.yml');
  const text = fs.readFileSync(file, 'utf8');
  expect(text).toContain('when: { step: open, status: locked }');
  fs.writeFileSync(file, text.replace('when: { step: open, status: locked }', 'when: { step: open, status: lockd }'));
  fs.mkdirSync(path.join(root, 'var'));
  return {
    env: cliEnv({ DATABOX_ROOT: root, DATABOX_STATE_DIR: path.join(root, 'var'), DATABOX_RUNBOOKS_DIR: runbooks, USER: 'alice' }),
    problem: 'at diagnosis.verdicts[0].when.status: step "open" (duckdb-open) never ends "lockd" (did you mean "locked"?)',
  };
}

describe('npm run cli -- status with a runbook that does not load', () => {
  it('shows the status; diagnose and help refuse the runbook, naming its problem', async () => {
    const { env, problem } = withPlantedMistake();
    const status = await runCliProcess(['status'], { env, stdin: 'ignore' });
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('Waiting for approval');
    for (const command of [['diagnose', 'duckdb'], ['help']]) {
      const refused = await runCliProcess(command, { env, stdin: 'ignore' });
      expect(refused.code, command.join(' ')).toBe(2);
      expect(refused.stderr, command.join(' ')).toContain(problem);
    }
  });

  it('prints each problem on a line of its own, as runbooks check does, and says to run runbooks check', async () => {
    const { env } = withPlantedMistake();
    const runbooks = env.DATABOX_RUNBOOKS_DIR as string;
    fs.writeFileSync(path.join(runbooks, 'notes.yml'), 'owner: me\ntodo: fix path b\n');
    const refused = await runCliProcess(['help'], { env, stdin: 'ignore' });
    expect(refused.code).toBe(2);
    expect(refused.stderr.split('\n')).toEqual([
      expect.stringMatching(/^databox: .*\/duckdb\.yml:\d+: at diagnosis\.verdicts\[0\]\.when\.status: step "open" \(duckdb-open\) never ends "lockd"/),
      `databox: ${runbooks}/notes.yml: not a runbook: its keys are "owner", "todo", and none is a runbook's (id, title, diagnosis, recovery …) (every *.yml here is read as a runbook: keep notes and copies outside this folder)`,
      'databox: every command reads the runbooks first, so none runs until they load: `npm run --silent cli -- runbooks check` lists every problem, file by file',
      '',
    ]);
  });
});
