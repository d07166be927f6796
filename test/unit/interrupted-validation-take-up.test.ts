// Taking up an interrupted validation when its queued job runs, not as the start decided it: what was clicked between
// the start and the job (a validation, a recovery, a rollback) stands, and the validation is not run again over it.
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { planHash } from '../../src/engine/resolve.js';
import { Checkout } from '../helpers/databox-checkout.js';
import { openEngine } from '../helpers/engine.js';
import { quietReporter } from '../helpers/quiet-reporter.js';

const checkouts: Checkout[] = [];
afterEach(() => {
  for (const checkout of checkouts.splice(0)) checkout.remove();
});

const incident = 'dbx-20260420-1a1a';
const validation = (runId: string) => ({ id: runId, kind: 'validation', title: 'Validate', steps: [], hash: planHash([], []), params: {}, needsApproval: false, destructive: false, mutates: false });

describe('an interrupted validation taken up by its queued job', () => {
  it('is left alone when a validation was started from Slack since the start decided to run it again', async () => {
    const checkout = new Checkout();
    checkouts.push(checkout);
    const said: string[] = [];
    const { service, journal } = openEngine(checkout.root, checkout.stateDir, quietReporter({ followUpOffered: async (_incident, _run, advice) => void said.push(advice) }));
    const cut = `${incident}/1`;
    journal.append({ type: 'incident.opened', incident, actor: 'U0OPERATOR', data: { scenario: 'duckdb', title: 'Blown DuckDB file', origin: 'slack' } });
    journal.append({ type: 'run.proposed', incident, actor: 'databox-bot', data: { runId: cut, run: validation(cut) } });
    journal.append({ type: 'run.started', incident, actor: 'databox-bot', data: { runId: cut, pid: process.pid } });
    journal.append({ type: 'run.finished', incident, actor: 'databox-bot', data: { runId: cut, status: 'interrupted', reason: 'the bot stopped', interruptedBy: 'stop' } });
    const [takeUp] = service.interruptedValidations();
    expect(takeUp?.run.id).toBe(cut);
    // A click handled before the queued job ran: the operator's own validation.
    journal.append({ type: 'run.proposed', incident, actor: 'U0OPERATOR', data: { runId: `${incident}/2`, run: validation(`${incident}/2`) } });
    await service.takeUpInterruptedValidation(takeUp!);
    const followUps = fs.readFileSync(journal.file, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line)).filter((r) => r.type === 'run.follow-up');
    expect(followUps).toEqual([]);
    expect(said).toEqual([]);
  });
});
