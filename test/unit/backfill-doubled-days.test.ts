// A day at about twice its usual rows (loaded again with new ids) in scenario 2's per-day tables: labelled doubled, never normal, in every view of them.
import { afterEach, describe, expect, it } from 'vitest';
import type { ResolvedStep, StepRecord } from '../../src/engine/types.js';
import type { Incident, Run } from '../../src/incidents/state.js';
import { createStyle } from '../../src/terminal/style.js';
import { TerminalReporter } from '../../src/terminal/terminal-reporter.js';
import { diagnoseBackfill } from '../helpers/backfill-diagnosed.js';
import { Checkout } from '../helpers/databox-checkout.js';

const checkouts: Checkout[] = [];
afterEach(() => checkouts.splice(0).forEach((c) => c.remove()));

/** 2026-04-19 loaded a second time with new ids (a second dlt load): raw and mart at about twice its rows, no key repeated. */
const loadedAgainWithNewIds = `INSERT INTO raw_ebird.observations SELECT id + 10000000, observation_date, species, how_many FROM raw_ebird.observations WHERE observation_date = DATE '2026-04-19';
  INSERT INTO ebird.fct_daily_bird_observations SELECT * FROM ebird.fct_daily_bird_observations WHERE day_date = DATE '2026-04-19';`;

/** The bundled backfill runbook diagnosed on 1,000 rows a day up to 2026-04-24 changed by `sql`; today is 2026-04-25. */
async function diagnosed(params: Record<string, string>, sql: string) {
  const checkout = new Checkout();
  checkouts.push(checkout);
  const { service, incident } = await diagnoseBackfill(checkout, params, sql);
  const run = service.run(incident.diagnosis!.runId);
  return { incident, run, record: (id: string) => run.results.find((r) => r.stepId === id) as StepRecord };
}

/** The terminal's lines for a finished step: the step's summary and its short view of the output. */
async function terminalLines(run: Run, record: StepRecord): Promise<string> {
  let out = '';
  const reporter = new TerminalReporter({
    columns: () => undefined,
    out: { write: (text: string) => (out += text) },
    style: createStyle(false),
    tty: false,
    root: '/srv/databox',
    runbook: () => {
      throw new Error('not needed');
    },
    allowSelfApproval: false,
    cli: 'npm run --silent cli --',
    heartbeatMs: 60_000,
  });
  const step = run.steps.find((s) => s.id === record.stepId) as ResolvedStep;
  await reporter.stepFinished({ id: run.id.split('/')[0] } as unknown as Incident, run, step, record);
  return out;
}

describe('a day loaded again with new ids, in the per-day tables', () => {
  it('is labelled doubled in the raw and the mart tables, not normal, and kept in the terminal\'s short view', async () => {
    const { incident, run, record } = await diagnosed({ source: 'ebird', from: '2026-04-15', to: '2026-04-24' }, loadedAgainWithNewIds);
    expect(incident.diagnosis?.verdict).toBe('raw-doubled');
    for (const id of ['raw_counts', 'mart_counts']) {
      // Before: "2026-04-19  19xx  normal", the summary saying the same day was "not normal either".
      expect(record(id).excerpt).toMatch(/^2026-04-19 +\d+ +(?:0 +)?doubled$/m);
      const shown = await terminalLines(run, record(id));
      // Before: folded into "[… 7 lines omitted …]" with the normal days around it.
      expect(shown).toMatch(/│ 2026-04-19 +\d+ +(?:0 +)?doubled\n/);
    }
  });

  it('keeps the doubled day in the short view of a table too long for a message (the 30 days scanned)', async () => {
    const { record } = await diagnosed({ source: 'ebird' }, loadedAgainWithNewIds);
    const excerpt = record('raw_counts').excerpt ?? '';
    expect(excerpt).toMatch(/ normal days, /);
    // Before: 2026-04-19 folded into "29 normal days, 2026-03-26 … 2026-04-24".
    expect(excerpt).toMatch(/^2026-04-19 +\d+ +0 +doubled$/m);
  });
});
