// A long journal's lines, chained as the bot writes them: incidents that each diagnose, recover by going back to a moment
// on the same database (each undoing the one before), every step journaled; half of them validated healthy after.
import { genesisHash, serialize, type JournalRecord } from '../../src/journal/record.js';

const stepsPerPlan = 30;

/** At least `lines` lines, in whole incidents; the text as the journal file holds it, and how many incidents. */
export function longJournal(lines: number): { text: string; incidents: number } {
  const out: string[] = [];
  let prev = genesisHash;
  let seq = 0;
  let incidents = 0;
  const start = Date.parse('2026-11-01T00:00:00.000Z');
  while (seq < lines) {
    const incident = `dbx-20261101-${incidents.toString(16).padStart(4, '0')}`;
    const runId = `${incident}/1`;
    const base = start + incidents * 600_000;
    let second = 0;
    const add = (type: string, data: Record<string, unknown>) => {
      seq += 1;
      second += 1;
      const { line, record } = serialize({ seq, at: new Date(base + second * 1000).toISOString(), type, incident, actor: 'U0OPERATOR', data, prev } satisfies Omit<JournalRecord, 'hash'>);
      out.push(line);
      prev = record.hash;
    };
    const healthy = incidents % 2 === 1;
    add('incident.opened', { scenario: 'motherduck', title: 'Bad rows' });
    add('diagnosis.verdict', { severity: healthy ? 'ok' : 'error', title: healthy ? 'Healthy' : 'Bad rows', paths: healthy ? [] : [{ id: 'A' }], params: { database: 'databox' } });
    if (!healthy) {
      const steps = Array.from({ length: stepsPerPlan }, (_, i) => ({ id: `step-${i}`, kind: 'command', title: `Step ${i}`, mutates: true, argv: ['true'] }));
      const since = new Date(base - 3_600_000).toISOString().replace('T', ' ').slice(0, 23);
      add('run.proposed', {
        runId,
        run: {
          id: runId,
          kind: 'recovery',
          title: 'Path A: go back an hour',
          hash: 'a'.repeat(64),
          lockKey: 'md:databox',
          params: {},
          needsApproval: true,
          mutates: true,
          expiresAt: new Date(base + 3_600_000).toISOString(),
          steps: [{ id: 'history', kind: 'snapshot-history', title: 'Writes since', mutates: false, database: 'databox', at: since, writesWhenPlanned: { count: 3, atLeast: false, since } }, ...steps],
        },
      });
      add('run.approved', { runId, hash: 'a'.repeat(64) });
      add('run.started', { runId, pid: 4242 });
      for (const step of steps) {
        add('step.started', { runId, stepId: step.id });
        add('step.finished', { runId, result: { stepId: step.id, status: 'ok', exitCode: 0, durationMs: 1000 } });
      }
      add('run.finished', { runId, status: 'succeeded' });
    }
    incidents += 1;
  }
  return { text: out.join(''), incidents };
}
