// An older verdict's message, updated once its buttons are spent, is rendered from its own diagnosis: never with a later
// diagnosis' title, advice or live path buttons.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal } from '../../src/journal/journal.js';
import { IncidentState, type Run } from '../../src/incidents/state.js';
import { planHash } from '../../src/engine/resolve.js';
import { loadRunbooks } from '../../src/runbook/load.js';
import { offerMessage } from '../../src/slack/spent-offer-message.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const incident = 'dbx-20261201-0c0c';
const lockKey = '/data/databox.duckdb';
const rb = loadRunbooks(path.resolve(import.meta.dirname, '..', '..', 'runbooks')).get('duckdb')!;

/** An incident diagnosed corrupt (paths A and B), recovered by path A, then diagnosed again as the WAL failing (path W). */
function diagnosedTwice(): { state: IncidentState; first: Run; recovery: Run } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spent-offer-message-'));
  dirs.push(dir);
  const journal = new Journal(dir);
  const state = new IncidentState();
  journal.onRecord((record) => state.apply(record));
  journal.load();
  const append = (type: string, data: Record<string, unknown>) => journal.append({ type, incident, actor: 'U0OPERATOR', data });
  append('incident.opened', { scenario: 'duckdb', title: 'Blown DuckDB file', origin: 'slack' });
  const propose = (n: number, kind: 'diagnosis' | 'recovery', pathId?: string) => {
    const runId = `${incident}/${n}`;
    const mutates = kind === 'recovery';
    append('run.proposed', { runId, run: { id: runId, kind, pathId, title: pathId ? `Path ${pathId.toUpperCase()}` : 'Diagnose', steps: [], hash: planHash([], []), lockKey, params: {}, needsApproval: mutates, destructive: mutates, mutates } });
    return runId;
  };
  const verdict = (runId: string, title: string, advice: string, paths: string[]) => append('diagnosis.verdict', { runId, verdict: title.toLowerCase(), title, advice, severity: 'critical', paths, suggested: {}, params: {} });
  const first = propose(1, 'diagnosis');
  verdict(first, 'Corrupt file', 'Rebuild it or restore a backup.', ['a', 'b']);
  const recovery = propose(2, 'recovery', 'a');
  const second = propose(3, 'diagnosis');
  verdict(second, 'Write-ahead log fails', 'Move the WAL aside.', ['w']);
  return { state, first: state.runs.get(first)!, recovery: state.runs.get(recovery)! };
}

const texts = (blocks: unknown) => JSON.stringify(blocks);

describe("an older verdict's message", () => {
  it("is rendered spent from its own verdict's title, advice and paths, not the incident's latest diagnosis", () => {
    const { state, first, recovery } = diagnosedTwice();
    const spent = { kind: 'verdict' as const, paths: ['a', 'b'], changedBy: recovery, diagnoseAgain: `/databox diagnose duckdb incident=${incident}` };
    const rendered = offerMessage(state.incidents.get(incident)!, first, rb, spent);
    expect(rendered.text).toBe('Verdict: Corrupt file');
    const said = texts(rendered.blocks);
    expect(said).toContain('Rebuild it or restore a backup.');
    expect(said).toContain('The buttons of paths A and B are gone');
    expect(said).not.toContain('Write-ahead log fails');
    expect(said).not.toContain('Move the WAL aside.');
    expect(said).not.toContain('choose_path_');
  });

  it('is rendered as first posted, with its own paths, when nothing spent it', () => {
    const { state, first } = diagnosedTwice();
    const said = texts(offerMessage(state.incidents.get(incident)!, first, rb, undefined).blocks);
    expect(said).toContain('Corrupt file');
    expect(said).toContain('choose_path_a');
    expect(said).toContain('choose_path_b');
    expect(said).not.toContain('choose_path_w');
  });
});
