// The postmortem is built from journal records alone: a recorded scenario-1 journal gives exactly the checked-in document,
// refused commands read as refused, and a tampered journal gives one that says where verification failed and stops there.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { writeHead } from '../../src/journal/head.js';
import { serialize, verifyLines, type JournalRecord } from '../../src/journal/record.js';
import { buildPostmortem } from '../../src/postmortem/build-postmortem.js';
import { formatDuration } from '../../src/format-duration.js';
import { writePostmortem } from '../../src/postmortem/write-postmortem.js';
import { journalCommand } from '../../src/terminal/journal-command.js';
import { loadRunbooks } from '../../src/runbook/load.js';
import { fixtureJournal, fixturePostmortem, fixtureRoot, fixtureStateJournal } from '../fixtures/scenario1.js';

const projectRoot = path.resolve(import.meta.dirname, '..', '..');
const runbooks = loadRunbooks(path.join(projectRoot, 'runbooks'));
const journalText = fs.readFileSync(fixtureJournal, 'utf8');
const lines = journalText.trimEnd().split('\n');
const records = lines.map((line) => JSON.parse(line) as JournalRecord);
const incidentId = records.find((r) => r.type === 'incident.opened')?.incident as string;
// Written as the journal ends: the same records and time give the same document.
const writtenAt = new Date((records.at(-1) as JournalRecord).at);
const build = (text: string) =>
  buildPostmortem({ incidentId, verify: verifyLines(text), runbooks, root: fixtureRoot, journalFile: fixtureStateJournal, writtenAt });

const temps: string[] = [];
afterAll(() => temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'postmortem-test-'));
  temps.push(dir);
  return dir;
}

/** The journal with one line changed as an editor would, its hash left as it was. */
function tamper(predicate: (r: JournalRecord) => boolean, edit: (r: JournalRecord) => void): { text: string; line: number } {
  const index = records.findIndex(predicate);
  expect(index).toBeGreaterThanOrEqual(0);
  const record = JSON.parse(lines[index] as string) as JournalRecord;
  edit(record);
  const edited = [...lines];
  edited[index] = JSON.stringify(record);
  return { text: `${edited.join('\n')}\n`, line: index + 1 };
}

function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`## ${heading}\n`);
  expect(start, `section ${heading}`).toBeGreaterThanOrEqual(0);
  const next = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, next === -1 ? undefined : next);
}

describe('the recorded scenario-1 journal', () => {
  it('is a real, intact journal of one incident', () => {
    const verify = verifyLines(journalText);
    expect(verify.problem).toBeUndefined();
    expect(verify.records).toHaveLength(lines.length);
    expect(new Set(records.map((r) => r.incident).filter(Boolean))).toEqual(new Set([incidentId]));
  });

  it('gives exactly the checked-in postmortem', () => {
    const built = build(journalText);
    expect(built.found).toBe(true);
    expect(built.markdown).toBe(fs.readFileSync(fixturePostmortem, 'utf8'));
  });

  it('has the sections the issue asks for, in order, with the humans\' headings left empty', () => {
    const { markdown } = build(journalText);
    const headings = [...markdown.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(headings).toEqual([
      'Symptoms the runbook names',
      'Timeline (UTC)',
      'Diagnosis',
      'Recovery',
      'Validation',
      'Rollbacks',
      'Kept on disk',
      'Time to diagnose, approve and recover',
      'What would have caught this',
      'Root cause',
      'Follow-ups',
    ]);
    expect(markdown).toMatch(/\n## Root cause\n\n## Follow-ups\n$/);
    const rb = runbooks.get('duckdb');
    for (const symptom of rb?.symptoms ?? []) expect(section(markdown, 'Symptoms the runbook names')).toContain(symptom.slice(0, 40));
    const prevention = section(markdown, 'What would have caught this');
    expect(prevention.match(/^\| (?!Catching|---).+\|$/gm)).toHaveLength(rb?.prevention.length ?? -1);
    for (const row of rb?.prevention ?? []) expect(prevention).toContain(`| ${row.check} | ${row.where} |`);
  });

  it('tells who ran and who approved what and when, with each step\'s exact command, exit code and duration', () => {
    const { markdown } = build(journalText);
    const timeline = section(markdown, 'Timeline (UTC)');
    const approved = records.filter((r) => r.type === 'run.approved');
    expect(approved.length).toBe(3);
    for (const r of approved) expect(timeline).toContain(`\`${r.at.slice(11, 19)}\` **${r.actor}** **approved**`);
    expect(timeline).toMatch(/\*\*terminal:alice\*\* ran `cli recover duckdb path=a incident=dbx-\d{8}-[0-9a-f]{4} --approver bob` at a terminal/);
    expect(timeline).toMatch(/\*\*terminal:bob\*\* tried to approve or reject `[^`]+\/2`, refused: typed "[0-9a-f]{8}", which is not the plan's hash/);
    const refresh = records.find((r) => r.type === 'step.finished' && (r.data as any).result.stepId === 'full_refresh');
    const duration = (refresh?.data as any).result.durationMs as number;
    expect(timeline).toContain(`Path A step 6/6: Rehydrate raw catalogs and rebuild every mart (changes data) · **ok**, exit 0, ${duration} ms\n\n  \`\`\`\n  task full-refresh\n  \`\`\``);
    expect(timeline).toContain('  Soda contract FAILED: ebird.fct_daily_bird_observations row_count');
    expect(timeline).toMatch(/mv data\/databox\.duckdb\.broken data\/databox\.duckdb {2}\(fails if the name is taken; never overwrites\)/);
  });

  it('reports the verdict, the paths taken, validations, the rollback and the timings', () => {
    const { markdown } = build(journalText);
    expect(section(markdown, 'Diagnosis')).toContain('**Verdict: File corrupt** (severity critical, `corrupt`)');
    const recovery = section(markdown, 'Recovery');
    expect(recovery).toMatch(/### Path A: Rebuild from raw dlt state \(`[^`]+\/2`\): succeeded/);
    expect(recovery).toMatch(/### Path B: Restore from a file backup \(`[^`]+\/5`\): succeeded/);
    const validation = section(markdown, 'Validation');
    expect(validation).toMatch(/Validation `[^`]+\/3`: failed \(2 steps passed, 1 did not, of 3\)/);
    expect(validation).toMatch(/Validation `[^`]+\/6`: passed \(3 steps passed, of 3\)/);
    expect(section(markdown, 'Rollbacks')).toMatch(/### Rollback of path A: Put the broken file and SQLMesh state back \(`[^`]+\/4`\): succeeded\n\n.*\n- Undoes `[^`]+\/2`/);
    const opened = records.find((r) => r.type === 'incident.opened')?.at as string;
    const verdict = records.find((r) => r.type === 'diagnosis.verdict')?.at as string;
    const lastValidation = records.filter((r) => r.type === 'run.finished').at(-1)?.at as string;
    const timings = section(markdown, 'Time to diagnose, approve and recover');
    expect(timings).toContain(`**Time to diagnose:** ${((Date.parse(verdict) - Date.parse(opened)) / 1000).toFixed(1)} s`);
    const recoverMs = Date.parse(lastValidation) - Date.parse(opened);
    expect(timings).toContain(`**Time to recover:** ${Math.floor(recoverMs / 60_000)} min ${Math.round((recoverMs % 60_000) / 1000)} s`);
    expect(timings).toContain('1 min 7 s for Path A');
  });

  it('names what the plans moved aside and is still on disk, and not what a rollback put back', () => {
    const { markdown } = build(journalText);
    const data = `${fixtureRoot}/data`;
    const main = `${fixtureRoot}/transforms/main`;
    const kept = section(markdown, 'Kept on disk');
    // Path A's broken file and SQLMesh state went back in place with its rollback; what the rollback moved aside, and
    // path B's broken file, stay.
    expect(kept.split('\n').filter((line) => line.startsWith('- '))).toEqual([
      `- \`${data}/databox.duckdb.rebuild-failed\`: moved aside from \`${data}/databox.duckdb\` by Rollback of path A: Put the broken file and SQLMesh state back (\`${incidentId}/4\`), step 2 "Move the rebuilt (or half-built) file aside"`,
      `- \`${main}/.sqlmesh.rebuild-failed\`: moved aside from \`${main}/.sqlmesh\` by Rollback of path A: Put the broken file and SQLMesh state back (\`${incidentId}/4\`), step 5 "Move the rebuild's .sqlmesh aside"`,
      `- \`${main}/state_sync.db.rebuild-failed\`: moved aside from \`${main}/state_sync.db\` by Rollback of path A: Put the broken file and SQLMesh state back (\`${incidentId}/4\`), step 7 "Move the rebuild's state_sync.db aside"`,
      `- \`${data}/databox.duckdb.broken\`: moved aside from \`${data}/databox.duckdb\` by Path B: Restore from a file backup (\`${incidentId}/5\`), step 3 "Back up the broken file for forensics"`,
    ]);
    expect(kept).not.toContain('.aside-');
    // At a glance too, beside the rollbacks and the outcome.
    expect(markdown).toMatch(/\n\| Rollbacks \| [^\n]*\n\| Kept on disk \| `[^`]+\.rebuild-failed`, [^\n]*, `[^`]+databox\.duckdb\.broken` \(see \*Kept on disk\*\) \|\n\| Outcome \|/);
  });

  it("lists of a rollback's parameters only those its runbook's rollback reads, not the recovery's it was given with (a window it does not use)", () => {
    // A rollback is proposed with its recovery's parameters (scenario 4's carries from= and to=, which stopping schedules never reads).
    const withWindow = records.map((r) => {
      const run = (r.data as { run?: { kind?: string } } | undefined)?.run;
      return r.type === 'run.proposed' && run?.kind === 'rollback' ? { ...r, data: { ...(r.data as object), run: { ...run, params: { from: '2026-04-18', to: '2026-04-20' } } } } : r;
    });
    const { markdown } = buildPostmortem({ incidentId, verify: { records: withWindow }, runbooks, root: fixtureRoot, writtenAt });
    expect(markdown).toContain('Rollback of path A: Put the broken file and SQLMesh state back');
    expect(markdown).not.toContain('from=2026-04-18');
    expect(markdown).not.toContain('to=2026-04-20');
  });

  it('counts the time to diagnose to the first verdict, and says when a later one is a follow-up check', () => {
    const verdict = records.find((r) => r.type === 'diagnosis.verdict') as JournalRecord;
    const opened = records.find((r) => r.type === 'incident.opened')?.at as string;
    const again = { ...verdict, seq: (records.at(-1)?.seq ?? 0) + 1, at: '2026-04-20T09:15:00.000Z', data: { ...(verdict.data as object), title: 'Healthy' } };
    const { markdown } = buildPostmortem({ incidentId, verify: { records: [...records, again] }, runbooks, root: fixtureRoot, writtenAt });
    const timings = section(markdown, 'Time to diagnose, approve and recover');
    expect(timings).toContain(`**Time to diagnose:** ${((Date.parse(verdict.at) - Date.parse(opened)) / 1000).toFixed(1)} s, from the incident being opened (${opened.slice(11, 19)}) to the first verdict (${verdict.at.slice(11, 19)}). It was diagnosed again since: the verdict above is the one the recovery was proposed on; the later ones are follow-up checks, under *Diagnosis* (09:15:00).`);
  });

  it("calls a plan that waits while another changed its database no longer approvable, not waiting", () => {
    // A second incident on the same database, whose path A plan was made just before the first incident's ran.
    const other = 'dbx-20260420-0ther';
    const opened = records.find((r) => r.type === 'incident.opened') as JournalRecord;
    const proposed = records.find((r) => r.type === 'run.proposed' && (r.data as any).run.id === `${incidentId}/2`) as JournalRecord;
    const run = { ...(proposed.data as any).run, id: `${other}/1`, incidentId: other, proposedAt: '2026-04-20T06:46:00.000Z' };
    const extra = [
      { ...opened, incident: other, at: '2026-04-20T06:45:50.000Z' },
      { ...proposed, incident: other, at: run.proposedAt, data: { ...(proposed.data as object), run } },
    ] as JournalRecord[];
    const { markdown } = buildPostmortem({ incidentId: other, verify: { records: [...records.slice(0, 15), ...extra, ...records.slice(15)] }, runbooks, root: fixtureRoot, writtenAt });
    // Named by the first plan that changed the database after it (path A at 06:46:51), as the thread said then: not the
    // latest (path B, after path A's rollback), which came when it was already stale.
    expect(markdown).toContain(`| Outcome | not recovered: Path A: Rebuild from raw dlt state can no longer be approved (plan \`${incidentId}/2\` changed its database after it was made); since it opened, `);
    // The other incident's plans that changed it are listed, each once.
    expect(section(markdown, "Other incidents' changes to its database")).toContain(`(\`${incidentId}/2\`) of incident \`${incidentId}\` changed `);
    // The plan's own section says so too, not "still waiting".
    const plan = section(markdown, 'Recovery');
    expect(plan).toContain(`- No longer approvable when this was written: plan \`${incidentId}/2\` (`);
    expect(plan).not.toContain('Still waiting for an approval');
  });

  it('says which button a refused decision was, where the record has it', () => {
    const refused = records.find((r) => r.type === 'approval.refused') as JournalRecord;
    const tried = (decision: string) => buildPostmortem({ incidentId, verify: { records: records.map((r) => (r === refused ? { ...r, data: { ...(r.data as object), decision } } : r)) }, runbooks, root: fixtureRoot, writtenAt }).markdown;
    expect(tried('reject')).toMatch(/\*\*terminal:bob\*\* tried to reject `[^`]+\/2`, refused: typed/);
    expect(tried('approve')).toMatch(/\*\*terminal:bob\*\* tried to approve `[^`]+\/2`, refused: typed/);
  });

  it("keeps what a plan warned of when it was proposed beside who approved it", () => {
    const warned = records.map((r) =>
      r.type === 'run.proposed' && (r.data as any).run.id === `${incidentId}/2`
        ? { ...r, data: { ...(r.data as object), run: { ...(r.data as any).run, againstDiagnosis: 'The diagnosis offered path B; this plan is path A.', overtakes: [{ id: 'dbx-20260420-0ther/1', title: 'Path B: Restore from a file backup' }] } } }
        : r,
    ) as JournalRecord[];
    const { markdown } = buildPostmortem({ incidentId, verify: { records: warned }, runbooks, root: fixtureRoot, writtenAt });
    const plan = section(markdown, 'Recovery');
    expect(plan).toContain('- Warned when proposed: The diagnosis offered path B; this plan is path A.');
    expect(plan).toContain('- Warned when proposed: Once this plan runs, plan dbx-20260420-0ther/1 (Path B: Restore from a file backup), waiting for approval, can no longer be approved: it changes the database that plan was made on.');
  });

  it('places a click made while a step ran after that step, whose line is labelled by when it started', () => {
    const finished = records.findIndex((r) => r.type === 'step.finished' && (r.data as any).result.stepId === 'full_refresh');
    const runId = (records[finished]?.data as any).runId as string;
    const startedAt = records.find((r) => r.type === 'step.started' && (r.data as any).stepId === 'full_refresh')?.at as string;
    const during = new Date(Date.parse(startedAt) + 1).toISOString();
    const refusal = { type: 'approval.refused', incident: incidentId, actor: 'U0LATE', at: during, data: { runId, decision: 'approve', reason: 'this plan was already approved' } };
    // The refusal journaled while the step ran, the chain rebuilt around it.
    let prev = records[0]?.prev as string;
    const text = [...records.slice(0, finished), refusal, ...records.slice(finished)]
      .map((r, i) => {
        const { line, record } = serialize({ type: r.type, incident: r.incident, actor: r.actor, data: r.data, at: r.at, seq: i + 1, prev });
        prev = record.hash;
        return line;
      })
      .join('');
    const timeline = section(build(text).markdown, 'Timeline (UTC)').split('\n');
    const step = timeline.findIndex((line) => line.includes('task full-refresh'));
    const refused = timeline.findIndex((line) => line.includes('**U0LATE**'));
    expect(step).toBeGreaterThan(0);
    expect(refused, 'the click comes after the step it was made during').toBeGreaterThan(step);
  });

  it('shows commands as the plans did wherever it is written: relative to the checkout the runs were made in, read back from their commands in a journal that did not record it', () => {
    const there = build(journalText).markdown;
    expect(there).toContain('  mv data/databox.duckdb data/databox.duckdb.broken');
    // A terminal with DATABOX_ROOT unset: the working directory, the bot's own folder.
    const elsewhere = buildPostmortem({ incidentId, verify: verifyLines(journalText), runbooks, root: projectRoot, journalFile: fixtureStateJournal, writtenAt });
    expect(elsewhere.markdown).toBe(there);
  });

  it('does not read the clock: the same records give the same document at any time', () => {
    const first = build(journalText).markdown;
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2031-01-01T00:00:00Z') });
    try {
      expect(new Date().getUTCFullYear()).toBe(2031);
      expect(build(journalText).markdown).toBe(first);
    } finally {
      vi.useRealTimers();
    }
  });
});

/**
 * The journal with these records appended after its last line (or after its first `kept` lines, the rest left out),
 * chained as the bot writes them, a second apart.
 */
function appended(extra: Pick<JournalRecord, 'type' | 'incident' | 'actor' | 'data'>[], kept = lines.length): string {
  let last = records[kept - 1] as JournalRecord;
  const added = extra.map((r) => {
    const { line, record } = serialize({ ...r, seq: last.seq + 1, at: new Date(Date.parse(last.at) + 1_000).toISOString(), prev: last.hash });
    last = record;
    return line;
  });
  return `${lines.slice(0, kept).join('\n')}\n${added.join('')}`;
}

/** A rollback of `recovery` as run `runId`, its guard (the database file not held) refusing before any change. */
function rollbackStoppedByGuard(runId: string, recovery: string): Pick<JournalRecord, 'type' | 'incident' | 'actor' | 'data'>[] {
  const proposed = records.find((r) => r.type === 'run.proposed' && (r.data as any).runId === `${incidentId}/4`) as JournalRecord;
  const run = { ...(proposed.data as any).run, id: runId, rollbackOf: recovery };
  const guard = run.steps[0];
  expect(guard.guard).toBe(true);
  return [
    { type: 'run.proposed', incident: incidentId, actor: 'terminal:alice', data: { ...(proposed.data as object), runId, run } },
    { type: 'run.approved', incident: incidentId, actor: 'terminal:bob', data: { runId, hash: run.hash } },
    { type: 'run.started', incident: incidentId, actor: 'databox-bot', data: { runId, pid: 4242 } },
    { type: 'step.started', incident: incidentId, actor: 'databox-bot', data: { runId, stepId: guard.id, index: 0 } },
    { type: 'step.finished', incident: incidentId, actor: 'databox-bot', data: { runId, result: { stepId: guard.id, status: 'locked', summary: 'busy: held by PID 777', durationMs: 12, outputs: {} } } },
    { type: 'run.finished', incident: incidentId, actor: 'databox-bot', data: { runId, status: 'failed' } },
  ];
}

describe('a rollback its guard stopped before any change', () => {
  const row = (markdown: string, name: string) => markdown.split('\n').find((line) => line.startsWith(`| ${name} |`));

  it('leaves the incident recovered after the validation that passed: it is said after the outcome, never as what undid it', () => {
    const runId = `${incidentId}/7`;
    const { markdown } = build(appended(rollbackStoppedByGuard(runId, `${incidentId}/5`)));
    expect(row(markdown, 'Outcome')).toBe(
      `| Outcome | recovered by Path B: Restore from a file backup; validation passed at 06:57:56; then Rollback of path A: Put the broken file and SQLMesh state back (\`${runId}\`) was stopped by its guard, nothing changed |`,
    );
    expect(markdown).toContain('- **Time to recover:** 15 min 41 s, from the incident being opened');
    // Started, not run: its guard refused.
    expect(row(markdown, 'Rollbacks')).toMatch(new RegExp(`Rollback of path A: Put the broken file and SQLMesh state back: stopped by its guard, nothing changed \\(\`${runId}\`, started at \\d\\d:\\d\\d:\\d\\d\\) \\|$`));
  });

  it('is not the last action after a recovery whose validation failed: the recovery is, and the rollback stopped is said after it', () => {
    // The journal up to the first validation's failure (path A rebuilt, its validation failed), then a rollback its guard stopped.
    const kept = records.findIndex((r) => r.type === 'run.finished' && (r.data as any).runId === `${incidentId}/3`) + 1;
    const runId = `${incidentId}/4`;
    const { markdown } = build(appended(rollbackStoppedByGuard(runId, `${incidentId}/2`), kept));
    expect(row(markdown, 'Outcome')).toBe(
      `| Outcome | Path A: Rebuild from raw dlt state succeeded, but no validation has passed since; then Rollback of path A: Put the broken file and SQLMesh state back (\`${runId}\`) was stopped by its guard, nothing changed |`,
    );
  });
});

describe('a validation run again after the one that passed', () => {
  it('moves neither the time to recover nor the outcome: the incident was recovered when a validation first passed', () => {
    const proposed = records.find((r) => r.type === 'run.proposed' && (r.data as any).runId === `${incidentId}/6`) as JournalRecord;
    const runId = `${incidentId}/7`;
    const again = appended([
      { type: 'run.proposed', incident: incidentId, actor: 'terminal:carol', data: { ...(proposed.data as object), runId, run: { ...(proposed.data as any).run, id: runId } } },
      { type: 'run.started', incident: incidentId, actor: 'terminal:carol', data: { runId, pid: 4242 } },
      { type: 'run.finished', incident: incidentId, actor: 'terminal:carol', data: { runId, status: 'succeeded' } },
    ]);
    const summary = (markdown: string) => markdown.split('\n').filter((line) => /Time to recover|\| Outcome \|/.test(line));
    expect(summary(build(again).markdown)).toEqual(summary(build(journalText).markdown));
  });
});

describe('a diagnosis after the recovery', () => {
  it('is a follow-up check: the headline verdict and the Diagnosis section stay the one the recovery was proposed on', () => {
    const first = records.find((r) => r.type === 'run.proposed' && (r.data as any).runId === `${incidentId}/1`) as JournalRecord;
    const verdict = records.find((r) => r.type === 'diagnosis.verdict') as JournalRecord;
    const runId = `${incidentId}/7`;
    const again = appended([
      { type: 'run.proposed', incident: incidentId, actor: 'terminal:bob', data: { ...(first.data as object), runId, run: { ...(first.data as any).run, id: runId } } },
      { type: 'run.started', incident: incidentId, actor: 'terminal:bob', data: { runId, pid: 4242 } },
      { type: 'run.finished', incident: incidentId, actor: 'terminal:bob', data: { runId, status: 'succeeded' } },
      { type: 'diagnosis.verdict', incident: incidentId, actor: 'terminal:bob', data: { ...(verdict.data as object), runId, verdict: 'healthy', title: 'Healthy', severity: 'ok', paths: [] } },
    ]);
    const { markdown } = build(again);
    const at = verifyLines(again).records.at(-1)?.at.slice(11, 19);
    expect(markdown).toContain(`| Verdict | File corrupt; diagnosed again after the recovery was proposed: Healthy (${at}) |`);
    const diagnosis = section(markdown, 'Diagnosis');
    expect(diagnosis).toContain(`**Verdict: File corrupt** (severity critical, \`corrupt\`), at ${verdict.at.slice(11, 19)} from \`${incidentId}/1\`.`);
    expect(diagnosis).toContain(`- confirmed healthy after recovery (\`${incidentId}/5\`), at ${at} from \`${runId}\`: **Healthy** (severity ok, \`healthy\`).`);
  });
});

describe('what the bot advised next', () => {
  const offer = { scenario: 'backfill', title: 'Partial backfill of one source', params: { source: 'ebird', from: '2026-04-18', to: '2026-04-20' } };
  const advised = () =>
    build(
      appended([
        { type: 'incident.thread', incident: incidentId, actor: 'databox-bot', data: { channel: 'C0INCIDENT', ts: '1776667300.000100' } },
        { type: 'run.follow-up', incident: incidentId, actor: 'databox-bot', data: { runId: `${incidentId}/3`, advice: 'Load that source, then `/databox validate duckdb`.', offers: [offer] } },
        { type: 'run.follow-up', incident: incidentId, actor: 'databox-cli', data: { runId: `${incidentId}/4`, advice: 'Rolled back: *not recovered*. Diagnose again.', offers: [] } },
      ]),
    ).markdown;

  it('lists each piece of advice as given, where it was given and after which run, beside the humans\' sections', () => {
    const markdown = advised();
    const headings = [...markdown.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(headings.slice(-3)).toEqual(['What the bot advised next', 'Root cause', 'Follow-ups']);
    const lines = section(markdown, 'What the bot advised next').split('\n').filter((line) => line.startsWith('- '));
    expect(lines).toEqual([
      `- \`06:57:58\` in the incident's Slack thread (channel C0INCIDENT), after Validation (\`${incidentId}/3\`, failed): Load that source, then \`/databox validate duckdb\`. Offered as a button that opens a new incident with its diagnosis: \`diagnose backfill source=ebird from=2026-04-18 to=2026-04-20\`.`,
      `- \`06:57:59\` at a terminal, after Rollback of path A: Put the broken file and SQLMesh state back (\`${incidentId}/4\`, succeeded): Rolled back: **not recovered**. Diagnose again.`,
    ]);
    // The timeline says the same, in its place.
    expect(section(markdown, 'Timeline (UTC)')).toContain(`Next, advised in the incident's Slack thread (channel C0INCIDENT) after Validation (\`${incidentId}/3\`): Load that source`);
  });

  it('has no such section on a journal with no advice recorded, which builds as before', () => {
    expect(build(journalText).markdown).not.toContain('What the bot advised next');
  });
});

describe("thread messages an outage held back, in the timeline", () => {
  const heldFor = (what: string, run: number, heldMs: number, label = `${what} ${incidentId}/${run}`, queuedAt = '2026-04-21T06:50:00.000Z') => ({
    type: 'slack.held-then-delivered',
    incident: incidentId,
    actor: null,
    data: { label, queuedAt, heldMs, what, runId: `${incidentId}/${run}` },
  });
  const timelineOf = (extra: Parameters<typeof appended>[0]) =>
    section(build(appended(extra)).markdown, 'Timeline (UTC)')
      .split('\n')
      .filter((line) => /Slack took|thread messages? Slack had not taken/.test(line));

  it('lists each held message once, with its first delay and how many later updates of it were held too', () => {
    const lines = timelineOf([heldFor('run', 3, 69_000, `run ${incidentId}/3`), heldFor('run', 2, 40_000), heldFor('run', 3, 75_000, `run ${incidentId}/3`), heldFor('run', 2, 41_000)]);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain(`Slack took the message of Validation (\`${incidentId}/3\`) only then, 1 min 9 s after the bot posted it at 06:50:00 (1 later update of it was held too): `);
    expect(lines[1]).toMatch(new RegExp(`Slack took the message of Path A.*\\(\`${incidentId}/2\`\\) only then, 40\\.0 s after the bot posted it at 06:50:00 \\(1 later update of it was held too\\): `));
  });

  it('lists a message held again in a later outage on its own line, with that outage\'s delay', () => {
    const label = `run ${incidentId}/3`;
    const lines = timelineOf([
      heldFor('run', 3, 69_000, label, '2026-04-21T01:00:00.000Z'),
      // Queued 20 s after the first was taken: the same failing span.
      heldFor('run', 3, 30_000, label, '2026-04-21T01:01:29.000Z'),
      // Two hours later, another outage: its own line.
      heldFor('run', 3, 95_000, label, '2026-04-21T03:00:00.000Z'),
    ]);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('only then, 1 min 9 s after the bot posted it at 01:00:00 (1 later update of it was held too): ');
    expect(lines[1]).toContain('only then, 1 min 35 s after the bot posted it at 03:00:00: ');
  });

  it("names the spent buttons of an offer as the thread does, held or carried over: never an internal label, never empty brackets", () => {
    const lines = timelineOf([
      heldFor('offer-spent', 2, 69_000, `offer ${incidentId}/2`),
      { type: 'slack.carried-over', incident: incidentId, actor: null, data: { count: 1, messages: [{ what: 'offer-spent', runId: `${incidentId}/1` }] } },
    ]);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`Slack took the buttons of the rollback offer of Path A.*\\(\`${incidentId}/2\`\\) only then`));
    expect(lines[1]).toMatch(new RegExp(`The bot stopped with 1 thread message Slack had not taken \\(the buttons of the verdict of .*\\(\`${incidentId}/1\`\\)\\): kept for its next start`));
    expect(lines.join('\n')).not.toMatch(/offer dbx-|\(\)/);
  });
});

describe('refused commands', () => {
  it('are told as typed and refused, with why, never as run, whether the refusal names the incident in its data or is journaled on it', () => {
    const slack = 'slack:C0INCIDENT';
    const restore = `/databox recover duckdb path=b backup=/nope/databox.duckdb incident=${incidentId}`;
    const unlock = `/databox unlock ${incidentId}/2`;
    const unknownPath = `/databox recover duckdb path=q incident=${incidentId}`;
    const text = appended([
      { type: 'command.received', incident: null, actor: 'U0OPERATOR', data: { text: restore, origin: slack } },
      { type: 'command.received', incident: null, actor: 'U0OTHER', data: { text: '/databox status', origin: slack } },
      { type: 'request.refused', incident: null, actor: 'U0OPERATOR', data: { command: restore, incident: incidentId, reason: 'backup=/nope/databox.duckdb: /nope/databox.duckdb does not exist' } },
      { type: 'command.received', incident: null, actor: 'U0OPERATOR', data: { text: unlock, origin: slack } },
      { type: 'request.refused', incident: incidentId, actor: 'U0OPERATOR', data: { command: unlock, reason: `plan ${incidentId}/2 is succeeded:\nit holds nothing` } },
      // Its command line is not in the journal (an older bot): the refusal alone still says what was typed.
      { type: 'request.refused', incident: null, actor: 'U0OPERATOR', data: { command: unknownPath, reason: 'path=q is not a recovery path of duckdb: use path=a or path=b' } },
      // The terminal words its refusals "refused: …": the line says it once.
      { type: 'request.refused', incident: incidentId, actor: 'terminal:alice', data: { command: 'cli recover duckdb path=a', reason: 'refused: refused: databox.duckdb is held by plan x' } },
    ]);
    expect(verifyLines(text).problem).toBeUndefined();
    const timeline = section(build(text).markdown, 'Timeline (UTC)');
    expect(timeline).toContain(`**U0OPERATOR** typed \`${restore}\` in Slack (channel C0INCIDENT): refused: backup=/nope/databox.duckdb: /nope/databox.duckdb does not exist\n`);
    expect(timeline).toContain(`**U0OPERATOR** typed \`${unlock}\` in Slack (channel C0INCIDENT): refused: plan ${incidentId}/2 is succeeded: it holds nothing\n`);
    expect(timeline).toContain(`**U0OPERATOR** typed \`${unknownPath}\`: refused: path=q is not a recovery path of duckdb: use path=a or path=b`);
    expect(timeline).toContain('**terminal:alice** typed `cli recover duckdb path=a`: refused: databox.duckdb is held by plan x');
    expect(timeline).not.toMatch(/U0OPERATOR\*\* ran/);
    expect(timeline).not.toContain('request.refused');
    expect(timeline).not.toContain('/databox status');
  });
});

describe('a clock that went back', () => {
  it("is said in the Record row, as journal verify says it: the line, both times and by how much; the chain still verifies", () => {
    // The host's clock stepped back an hour at the approval of path B: every line from there on an hour early.
    const step = records.findIndex((r) => r.type === 'run.approved' && String((r.data as any).runId).endsWith('/5'));
    let prev = records[0]?.prev as string;
    const text = records
      .map((r, i) => {
        const at = i >= step ? new Date(Date.parse(r.at) - 3_600_000).toISOString() : r.at;
        const { line, record } = serialize({ seq: r.seq, at, type: r.type, incident: r.incident, actor: r.actor, data: r.data, prev });
        prev = record.hash;
        return line;
      })
      .join('');
    expect(verifyLines(text).problem).toBeUndefined();
    const before = records[step - 1] as JournalRecord;
    const back = Date.parse(before.at) - (Date.parse((records[step] as JournalRecord).at) - 3_600_000);
    const row = build(text).markdown.split('\n').find((line) => line.startsWith('| Record |'));
    expect(row).toContain(
      `hash chain verified; **the clock went back**: line ${step + 1} (run.approved of ${incidentId}) is timed ${new Date(Date.parse((records[step] as JournalRecord).at) - 3_600_000).toISOString()}, ` +
        `${formatDuration(back)} before line ${step} above it (${before.at}) (not damage, but the times around it do not read in order) |`,
    );
    // A step under a second (lines of several writers) is not one.
    expect(build(journalText).markdown).not.toContain('the clock went back');
  });
});

describe('a tampered journal', () => {
  it('still yields a postmortem that names the failed line at the top and stops the timeline there', () => {
    const { text, line } = tamper(
      (r) => r.type === 'run.approved' && String((r.data as any).runId).endsWith('/5'),
      (r) => {
        r.actor = 'terminal:mallory';
      },
    );
    const verify = verifyLines(text);
    expect(verify.problem).toEqual({ line, reason: 'its content does not match its hash (the line was edited)' });
    const { markdown, found } = build(text);
    expect(found).toBe(true);
    const top = markdown.split('\n').slice(0, 5).join('\n');
    expect(top).toContain(`**Warning: the journal failed verification at line ${line}**: its content does not match its hash (the line was edited).`);
    expect(top).toContain(`Only lines 1–${line - 1} verify`);
    const timeline = section(markdown, 'Timeline (UTC)');
    expect(timeline.trimEnd()).toMatch(new RegExp(`\\*\\*The timeline stops here:\\*\\* line ${line} of the journal failed verification`));
    expect(markdown).not.toContain('mallory');
    // Nothing from the edited line on: path B was proposed before it, never seen approved or run.
    const before = records[line - 2] as JournalRecord;
    expect(timeline).toContain(`\`${before.at.slice(11, 19)}\``);
    expect(timeline).not.toMatch(/Path B step/);
    expect(section(markdown, 'Recovery')).toMatch(/### Path B: Restore from a file backup \(`[^`]+\/5`\): pending[\s\S]*Still waiting for an approval/);
    expect(markdown).toContain(`| Outcome | not recovered: Path B: Restore from a file backup is waiting for an approval (as of line ${line - 1}; unknown after it) |`);
  });

  it("says a step that started and whose result line is gone may have run, never that it did not (a repaired journal)", () => {
    const finished = records.findIndex((r) => r.type === 'step.finished' && (r.data as any).result.stepId === 'full_refresh');
    const removed = [...lines];
    removed.splice(finished, 1);
    const { markdown } = build(`${removed.join('\n')}\n`);
    expect(section(markdown, 'Recovery')).toMatch(/\| Rehydrate raw catalogs and rebuild every mart[^|]*\| started, no result on record: it may have run, check \|/);
    expect(section(markdown, 'Recovery')).not.toMatch(/\| Rehydrate raw catalogs and rebuild every mart[^|]*\| not run \|/);
  });

  it('names a removed line too', () => {
    const removed = [...lines];
    removed.splice(20, 1);
    const { markdown } = build(`${removed.join('\n')}\n`);
    expect(markdown.split('\n').slice(0, 4).join('\n')).toContain('failed verification at line 21**: sequence number 22 where 21 was expected');
    expect(section(markdown, 'Timeline (UTC)')).not.toContain(`\`${records[21]?.at.slice(11, 19)}\``);
  });
});

describe('a journal repaired after damage', () => {
  /** The journal as given, its head as the bot left it, accepted by bob with `journal repair`; then its postmortem. */
  function repairedPostmortem(text: string): string {
    const stateDir = tempDir();
    const file = path.join(stateDir, 'journal.jsonl');
    fs.writeFileSync(file, text);
    writeHead(file, JSON.parse(lines.at(-1) as string));
    let said = '';
    const io = { env: { DATABOX_STATE_DIR: stateDir }, stdout: { write: (t: string) => (said += t) }, stderr: { write: (t: string) => (said += t) } };
    expect(journalCommand(['journal', 'repair'], io, { approver: 'bob' }), said).toBe(0);
    return writePostmortem({ stateDir, runbooks, root: fixtureRoot, incidentId }).markdown;
  }
  const row = (markdown: string, name: string) => markdown.split('\n').find((line) => line.startsWith(`| ${name} |`)) ?? '';
  const time = (markdown: string, name: string) => markdown.split('\n').find((line) => line.startsWith(`- **Time to ${name}:**`)) ?? '';
  const marks = (markdown: string) => section(markdown, 'Timeline (UTC)').split('\n').filter((line) => line.includes('_(unverified: a journal line accepted'));
  const builtFrom = (line: number) => `_(unverified: built from journal line ${line}, accepted after it failed verification)_`;

  it('marks only the edited line, not every line after it, and the summary rows and times built from it', () => {
    // Path B's copy of the backup, edited by hand (its hash left as it was): line 77 of 89.
    const { text, line } = tamper((r) => r.type === 'step.finished' && (r.data as any).result.stepId === 'copy_backup', (r) => {
      (r.data as any).result.summary = 'copied (edited by hand)';
    });
    expect(line).toBe(77);
    const markdown = repairedPostmortem(text);
    expect(markdown).toContain(
      '> **The journal was damaged at line 77** (its content does not match its hash (the line was edited)), and **terminal:bob** accepted it at line 90: ' +
        'line 77 is shown as it reads, unverified; the rest of lines 77–89 verify line by line, each followed by the next.',
    );
    expect(marks(markdown)).toHaveLength(1);
    expect(marks(markdown)[0]).toContain('Path B step 5/6');
    expect(row(markdown, 'Record')).toContain('hash chain verified, but for the damaged line 77, accepted |');
    // Path B's status and the outcome rest on it; the validation, the rollback, the verdict and the opening do not.
    for (const name of ['Recovery', 'Outcome']) expect(row(markdown, name)).toContain(builtFrom(77));
    for (const name of ['Opened', 'Verdict', 'Validation', 'Rollbacks']) expect(row(markdown, name)).not.toContain('unverified');
    expect(time(markdown, 'recover')).toContain(builtFrom(77));
    expect(time(markdown, 'approve')).not.toContain('unverified');
    expect(time(markdown, 'diagnose')).not.toContain('unverified');
  });

  it('marks a line changed and hashed again and the line after it, which does not follow it: either may be the changed one', () => {
    // Path B's approval given another name, its hash made again: it verifies alone, and line 67 no longer follows it.
    const index = records.findIndex((r) => r.type === 'run.approved' && String((r.data as any).runId).endsWith('/5'));
    const edited = { ...(records[index] as JournalRecord), actor: 'U0MALLORY' };
    const rehashed = [...lines];
    rehashed[index] = serialize(edited).line.trimEnd();
    const markdown = repairedPostmortem(`${rehashed.join('\n')}\n`);
    expect(markdown).toContain(
      '> **The journal was damaged at line 66** (line 67 does not link to line 66: one of the two was changed), and **terminal:bob** accepted it at line 90: ' +
        'lines 66 and 67 are shown as they read, unverified; the rest of lines 66–89 verify line by line, each followed by the next.',
    );
    expect(marks(markdown)).toEqual([expect.stringContaining('**U0MALLORY** **approved** Path B'), expect.stringContaining('Path B: Restore from a file backup (`dbx-20260420-bec8/5`) started')]);
    expect(time(markdown, 'approve')).toContain(builtFrom(66));
    expect(row(markdown, 'Recovery')).toContain('_(unverified: built from journal lines 66 and 67, accepted after they failed verification)_');
    expect(row(markdown, 'Validation')).not.toContain('unverified');
  });

  it('says lines were lost where one was removed, and marks none', () => {
    const removed = [...lines];
    removed.splice(69, 1);
    const markdown = repairedPostmortem(`${removed.join('\n')}\n`);
    expect(markdown).toContain('accepted it at line 89: lines 70–88 verify line by line, each followed by the next; lines were lost before line 70: what they held cannot be shown.');
    expect(marks(markdown)).toEqual([]);
    expect(markdown).not.toContain('_(unverified');
    expect(row(markdown, 'Record')).toContain('hash chain verified, but for lines lost before line 70, accepted |');
  });
});

describe('writing a postmortem to the state directory', () => {
  it('writes <state dir>/postmortems/<id>.md, the same document', () => {
    const stateDir = tempDir();
    fs.writeFileSync(path.join(stateDir, 'journal.jsonl'), journalText);
    writeHead(path.join(stateDir, 'journal.jsonl'), JSON.parse(lines.at(-1) as string));
    const written = writePostmortem({ stateDir, runbooks, root: fixtureRoot, incidentId });
    expect(written.file).toBe(path.join(stateDir, 'postmortems', `${incidentId}.md`));
    expect(fs.readFileSync(written.file, 'utf8')).toBe(written.markdown);
    // Written where DATABOX_ROOT is not set (a terminal, a state dir copied away from its checkout): what the plans kept
    // on disk is not looked at, and not said gone.
    const elsewhere = writePostmortem({ stateDir, runbooks, root: fixtureRoot, checkoutHere: null, incidentId });
    expect(fs.existsSync(`${fixtureRoot}/data/databox.duckdb.broken`)).toBe(false);
    const unchecked = 'not checked: the checkout is not on this machine (DATABOX_ROOT is not set where this was written)';
    expect(elsewhere.markdown).toMatch(/\n\| Kept on disk \| `[^\n]*`; not checked: the checkout is not on this machine \(see \*Kept on disk\*\) \|\n/);
    expect(section(elsewhere.markdown, 'Kept on disk').split('\n').filter((line) => line.startsWith('- ')).every((line) => line.endsWith(`; ${unchecked}`))).toBe(true);
    expect(elsewhere.markdown).not.toContain('gone when');
    // Written over the one that looked: where it was written is no difference to keep the earlier one aside for.
    expect(elsewhere.keptAside).toBeUndefined();
    expect(fs.readdirSync(path.dirname(written.file))).toEqual([`${incidentId}.md`]);
    // Where it is looked at and gone, it is said so.
    const allGone = buildPostmortem({ incidentId, verify: verifyLines(journalText), runbooks, root: fixtureRoot, journalFile: fixtureStateJournal, writtenAt, keptNow: () => 'gone' });
    expect(allGone.markdown).toMatch(/\n\| Kept on disk \| nothing still there: 4 gone when this was written \(see \*Kept on disk\*\) \|\n/);
    expect(section(allGone.markdown, 'Kept on disk').split('\n').filter((line) => line.startsWith('- ')).every((line) => line.endsWith('; **gone when this postmortem was written** (moved or removed since, not by the bot)'))).toBe(true);
  });

  it('leaves the postmortem written before as it was, and no empty file, when the disk refuses the new one, saying why', () => {
    const stateDir = tempDir();
    fs.writeFileSync(path.join(stateDir, 'journal.jsonl'), journalText);
    writeHead(path.join(stateDir, 'journal.jsonl'), JSON.parse(lines.at(-1) as string));
    const dir = path.join(stateDir, 'postmortems');
    fs.mkdirSync(dir);
    const earlier = path.join(dir, `${incidentId}.md`);
    fs.writeFileSync(earlier, '# Root cause: filled in by a person');
    // The file the new one is written to first cannot be written (as a full disk or a read-only mount refuses it).
    fs.mkdirSync(path.join(dir, `.${incidentId}.md.writing`));
    const written = writePostmortem({ stateDir, runbooks, root: fixtureRoot, incidentId });
    expect(written.unwritten).toMatch(/^EISDIR: .* \(writing under .*postmortems\); the postmortem written before, if any, is left as it was$/);
    expect(written.markdown).toContain(`# Postmortem`);
    expect(fs.readFileSync(earlier, 'utf8')).toBe('# Root cause: filled in by a person');
    expect(fs.readdirSync(dir).sort()).toEqual([`.${incidentId}.md.writing`, `${incidentId}.md`]);
  });

  it('says a journal with lines and no head file cannot be verified to its end, instead of "hash chain verified"', () => {
    const stateDir = tempDir();
    const file = path.join(stateDir, 'journal.jsonl');
    // Its last lines cut and its head deleted: nothing else shows the cut.
    fs.writeFileSync(file, `${lines.slice(0, -3).join('\n')}\n`);
    const { markdown } = writePostmortem({ stateDir, runbooks, root: fixtureRoot, incidentId });
    const end = lines.length - 3;
    expect(markdown).toContain(`failed verification at line ${end + 1}**: its head file ${file}.head is missing or unreadable`);
    expect(markdown).not.toContain('hash chain verified');
    expect(markdown).toContain(`verified up to line ${end}`);
  });

  it('says where its summary\'s facts stop on a journal cut short, instead of a made-up present', () => {
    const stateDir = tempDir();
    const file = path.join(stateDir, 'journal.jsonl');
    // Cut just before the recovery started; the head still names the last line written.
    const cut = lines.findIndex((line) => line.includes('"type":"run.started"') && !line.includes('/1"'));
    fs.writeFileSync(file, `${lines.slice(0, cut).join('\n')}\n`);
    writeHead(file, JSON.parse(lines.at(-1) as string));
    const { markdown } = writePostmortem({ stateDir, runbooks, root: fixtureRoot, incidentId });
    const row = (name: string) => markdown.split('\n').find((line) => line.startsWith(`| ${name} |`));
    expect(row('Recovery')).toBe(`| Recovery | none ran (as of line ${cut}; unknown after it) |`);
    expect(row('Validation')).toBe(`| Validation | none ran (as of line ${cut}; unknown after it) |`);
    expect(row('Outcome')).toMatch(new RegExp(`\\(as of line ${cut}; unknown after it\\) \\|$`));
  });

  it('refuses what is not an incident id, and an incident the journal does not know, writing nothing', () => {
    const stateDir = tempDir();
    fs.writeFileSync(path.join(stateDir, 'journal.jsonl'), journalText);
    expect(() => writePostmortem({ stateDir, runbooks, root: fixtureRoot, incidentId: '../../etc/passwd' })).toThrow(/not an incident id/);
    expect(() => writePostmortem({ stateDir, runbooks, root: fixtureRoot, incidentId: 'dbx-20260101-abcd' })).toThrow(/no incident dbx-20260101-abcd/);
    expect(fs.existsSync(path.join(stateDir, 'postmortems'))).toBe(false);
  });

  it('writes one for an incident that only appears after a tampered line, each line from it on marked unverified', () => {
    const stateDir = tempDir();
    const { text, line } = tamper((r) => r.seq === 1, (r) => {
      r.actor = 'terminal:mallory';
    });
    expect(line).toBe(1);
    fs.writeFileSync(path.join(stateDir, 'journal.jsonl'), text);
    const written = writePostmortem({ stateDir, runbooks, root: fixtureRoot, incidentId });
    expect(written.markdown).toContain('failed verification at line 1**');
    expect(written.markdown).not.toContain('nothing to tell');
    expect(written.markdown).toContain(`> No line verifies; lines 1–${lines.length} are shown as they read`);
    const entries = section(written.markdown, 'Timeline (UTC)').split('\n').filter((entry) => entry.startsWith('- `'));
    expect(entries.length).toBeGreaterThan(10);
    for (const entry of entries) expect(entry).toContain('_(unverified: read as it is, as the journal fails verification at line 1)_');
  });
});
