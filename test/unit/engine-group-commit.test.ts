// The engine writes its events by the journal's group commit: events of one turn of the event loop share one write and
// one fsync, concurrent runs share fsyncs, and what a change rests on (a plan that changes data) is on disk first.
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { IncidentService } from '../../src/incidents/service.js';
import type { Journal } from '../../src/journal/journal.js';
import { verifyLines } from '../../src/journal/record.js';
import { withStandinPath } from '../helpers/bot-harness.js';
import { Checkout, createHealthyDatabase, writeGarbage } from '../helpers/databox-checkout.js';
import { openEngine } from '../helpers/engine.js';

const checkouts: Checkout[] = [];
afterEach(() => checkouts.splice(0).forEach((c) => c.remove()));

function engine(): { service: IncidentService; journal: Journal; checkout: Checkout } {
  withStandinPath();
  const checkout = new Checkout();
  checkouts.push(checkout);
  return { ...openEngine(checkout.root, checkout.stateDir), checkout };
}

const onDisk = (journal: Journal) => verifyLines(fs.existsSync(journal.file) ? fs.readFileSync(journal.file, 'utf8') : '');

describe('the engine on the journal\'s group commit', () => {
  it('writes the commands received in one turn in one write and one fsync, in order', async () => {
    const { service, journal } = engine();
    const committed = Array.from({ length: 50 }, (_, i) => service.recordCommand(`/databox diagnose duckdb #${i}`, `U0USER${i}`, 'slack:C0INCIDENT'));
    expect(onDisk(journal).records, 'nothing is written while the turn lasts').toEqual([]);
    await Promise.all(committed);
    expect(journal.stats).toEqual({ writes: 1, fsyncs: 1 });
    const { records, problem } = onDisk(journal);
    expect(problem).toBeUndefined();
    expect(records.map((r) => r.data.text)).toEqual(Array.from({ length: 50 }, (_, i) => `/databox diagnose duckdb #${i}`));
  });

  it('lets runs that go on at once share fsyncs, and keeps every event and the hash chain', async () => {
    const { service, journal, checkout } = engine();
    await createHealthyDatabase(checkout.databasePath, 500);
    const diagnoses = await Promise.all(
      Array.from({ length: 4 }, (_, i) => service.start({ verb: 'diagnose', scenario: 'duckdb', params: {} }, `U0USER${i}`, 'slack:C0INCIDENT')),
    );
    await journal.flushed();
    const { records, problem } = onDisk(journal);
    expect(problem).toBeUndefined();
    expect(diagnoses.map((d) => d.incident.diagnosis?.verdict)).toEqual(['healthy', 'healthy', 'healthy', 'healthy']);
    expect(records.filter((r) => r.type === 'diagnosis.verdict')).toHaveLength(4);
    expect(journal.stats.fsyncs, `${records.length} events`).toBeLessThan(records.length);
  });

  it('has a plan that changes data on disk before it is shown, without waiting for the turn to end', async () => {
    const { service, journal, checkout } = engine();
    writeGarbage(checkout.databasePath);
    const { run } = await service.start({ verb: 'recover', scenario: 'duckdb', path: 'a', params: {} }, 'U0OPERATOR', 'slack:C0INCIDENT');
    const proposed = onDisk(journal).records.find((r) => r.type === 'run.proposed');
    expect(proposed?.data.runId).toBe(run?.id);
  });
});
