// A state dir copied to another DATABOX_STATE_DIR (cp -a) gives the same postmortem: a step's output is named in the
// state dir ("outputs/…"), not by the absolute path the journal holds from where it was, and the postmortem written
// before is not set aside as differing just for that.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { Journal } from '../../src/journal/journal.js';
import { writePostmortem } from '../../src/postmortem/write-postmortem.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

it("names a step's output in the state dir, so a copied state dir writes the same postmortem again", async () => {
  const first = fs.mkdtempSync(path.join(os.tmpdir(), 'moved-state-dir-'));
  dirs.push(first);
  const stateDir = path.join(first, 'var');
  const incident = 'dbx-20261201-0a1b';
  const runId = `${incident}/1`;
  const logFile = path.join(stateDir, 'outputs', incident, '1-1-open.log');
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  fs.writeFileSync(logFile, 'opened\n');
  const journal = new Journal(stateDir);
  journal.load();
  const step = { id: 'open', kind: 'command', title: 'Open the file', mutates: false, acceptStatuses: [], argv: ['true'], env: {}, cwd: first };
  for (const event of [
    { type: 'incident.opened', data: { scenario: 'duckdb', title: 'Blown DuckDB file' } },
    { type: 'run.proposed', data: { runId, run: { id: runId, kind: 'diagnosis', title: 'Diagnosis', steps: [step], hash: 'a'.repeat(64), lockKey: 'x', params: {}, needsApproval: false, mutates: false } } },
    { type: 'run.started', data: { runId, pid: 4242 } },
    { type: 'step.finished', data: { runId, result: { stepId: 'open', status: 'ok', summary: 'opened', exitCode: 0, durationMs: 5, logFile, outputBytes: 7 } } },
    { type: 'run.finished', data: { runId, status: 'succeeded' } },
  ]) {
    await journal.commit({ ...event, incident, actor: 'U0OPERATOR' });
  }
  await journal.flushed();
  const written = writePostmortem({ stateDir, runbooks: new Map(), root: first, incidentId: incident });
  expect(written.markdown).toContain(`Full output: \`outputs/${incident}/1-1-open.log\` in the state dir (7 bytes)`);
  expect(written.markdown).not.toContain(logFile);

  const second = fs.mkdtempSync(path.join(os.tmpdir(), 'moved-state-dir-'));
  dirs.push(second);
  const moved = path.join(second, 'state');
  fs.cpSync(stateDir, moved, { recursive: true, preserveTimestamps: true });
  const again = writePostmortem({ stateDir: moved, runbooks: new Map(), root: first, incidentId: incident, writtenAt: new Date() });
  expect(again.keptAside).toBeUndefined();
  expect(again.markdown).toContain(`Full output: \`outputs/${incident}/1-1-open.log\` in the state dir`);
});
