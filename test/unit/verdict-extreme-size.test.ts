// The largest verdict a runbook can make: advice and evidence each past a section's 3,000 characters beside five paths
// whose typed commands near the 1,000 characters the bot takes. It stays within the block text Slack takes in all, every
// command whole, and its cut evidence names the file holding the whole verdict.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadRunbooks } from '../../src/runbook/load.js';
import { verdictFileName, verdictIsCut, verdictMessage, verdictText } from '../../src/slack/blocks.js';
import type { Incident, Run } from '../../src/incidents/state.js';
import { maxCommandLength } from '../../src/commands/parse.js';
import { projectRoot, useTempDirs } from '../support/fixtures.js';
import { bundled } from '../support/planted-runbook.js';

const tempDir = useTempDirs('verdict-extreme-size-');
const incidentId = 'dbx-20261201-0a1b';
const verdictId = 'schedules-paused';

/** The shipped runbooks, schedule.yml's "Schedules paused" verdict offering paths A and B and three copies of A. */
function runbooksWithFivePaths(): string {
  const dir = tempDir();
  fs.cpSync(path.join(projectRoot, 'runbooks'), dir, { recursive: true });
  const doc = bundled('schedule.yml');
  const pathA = doc.recovery.find((p: { id: string }) => p.id === 'a');
  doc.recovery.push(...['c', 'd', 'e'].map((id) => ({ ...structuredClone(pathA), id, title: `Start the daemon, copy ${id}` })));
  doc.diagnosis.verdicts.find((v: { id: string }) => v.id === verdictId).paths = ['a', 'b', 'c', 'd', 'e'];
  fs.writeFileSync(path.join(dir, 'schedule.yml'), stringify(doc));
  return dir;
}

/** Paused schedules, as many as a typed command holds: each path's command then nears the 1,000 characters. */
function pausedSchedulesNearTheLimit(): string {
  const fixed = `recover schedule path=a from=2026-11-01 to=2026-11-30 schedules= incident=${incidentId}`.length;
  const names: string[] = [];
  for (let i = 0; fixed + [...names, `paused_export_job_${i}`].join(',').length <= maxCommandLength - 5; i++) names.push(`paused_export_job_${i}`);
  return names.join(',');
}

/** Characters of text in a message's blocks, as Slack counts them for msg_blocks_too_long. */
function blockTextChars(blocks: any[]): number {
  return blocks.reduce((sum, block) => sum + (block.text?.text?.length ?? 0) + (block.elements ?? []).reduce((inner: number, element: any) => inner + (typeof element.text === 'string' ? element.text.length : (element.text?.text?.length ?? 0)), 0), 0);
}

describe('a verdict at its largest', () => {
  it('holds advice and evidence past 3,000 characters and five ~1,000-character commands to the block text Slack takes, naming the file with the rest', () => {
    const runbook = loadRunbooks(runbooksWithFivePaths()).get('schedule');
    if (!runbook) throw new Error('schedule.yml did not load');
    const schedules = pausedSchedulesNearTheLimit();
    const verdict = runbook.diagnosis.verdicts.find((v) => v.id === verdictId);
    const paths = runbook.recovery.filter((p) => verdict?.paths.includes(p.id));
    expect(paths).toHaveLength(5);
    const advice = `${'The schedules below were found paused and missed their ticks since the first of the month. '.repeat(40)}Start them with path B.`;
    const incident = {
      id: incidentId,
      scenario: 'schedule',
      diagnosis: { runId: `${incidentId}/1`, verdict: verdictId, title: verdict?.title, advice, severity: 'critical', paths: verdict?.paths, suggested: { from: '2026-11-01', to: '2026-11-30', schedules }, params: {}, at: '2026-12-01T09:00:00.000Z' },
    } as unknown as Incident;
    const steps = runbook.diagnosis.steps.map((step) => ({ id: step.id, title: step.title, acceptStatuses: step.acceptStatuses ?? [] }));
    const results = steps.map((step, i) => ({ stepId: step.id, status: 'failed', summary: `${`check ${i} found these paused: ${schedules}. `.repeat(3)}End of check ${i}.` }));
    const run = { id: `${incidentId}/1`, steps, results } as unknown as Run;
    expect(advice.length).toBeGreaterThan(3_000);
    expect(results.reduce((sum, r) => sum + r.summary.length, 0)).toBeGreaterThan(3_000);

    const blocks = JSON.parse(JSON.stringify(verdictMessage(incident, run, paths, runbook.parameters).blocks)) as any[];
    expect(blockTextChars(blocks)).toBeLessThanOrEqual(11_000);
    const pathTexts = blocks.filter((b) => b.type === 'context').map((b) => String(b.elements[0].text));
    for (const id of ['a', 'b', 'c', 'd', 'e']) {
      const said = pathTexts.find((text) => text.startsWith(`*Path ${id.toUpperCase()}*`)) ?? '';
      const command = /`\/databox (recover [^`]*)`$/.exec(said)?.[1] ?? '';
      expect(command, `path ${id}'s typed command, whole`).toBe(`recover schedule path=${id} from=2026-11-01 to=2026-11-30 schedules=${schedules} incident=${incidentId}`);
      expect(command.length).toBeGreaterThan(maxCommandLength - 40);
    }
    const evidence = String(blocks[1].text.text);
    expect(evidence).toMatch(/characters omitted/);
    expect(evidence).toContain(`go to the thread as a file, ${verdictFileName(run)}, once Slack takes it (meanwhile the journal in the bot's state dir holds them)`);
    expect(String(blocks[0].text.text)).toMatch(/Start them with path B\.$/);

    expect(verdictIsCut(incident, run, paths, runbook.parameters)).toBe(true);
    const whole = verdictText(incident, run);
    expect(whole).toContain(advice);
    for (const r of results) expect(whole).toContain(r.summary);
  });
});
