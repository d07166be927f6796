// Scenario 3 from the terminal against the MotherDuck stand-in: diagnosis, path A with its second approval, path B,
// the named snapshot before every destructive statement, rollbacks, a swap that fails half-way, bad `at` values.
// Real rows change in the stand-in's DuckDB files; the exact SQL sent is asserted in order.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestCheckout } from '../helpers/demo-checkout.js';
import { localTarget } from '../../src/database/local-target.js';
import { writeHead } from '../../src/journal/head.js';
import { genesisHash, serialize, verifyLines } from '../../src/journal/record.js';
import { runCli } from '../../src/terminal/console.js';
import { MotherDuckStandIn } from '../helpers/motherduck-stand-in.js';
import { escapeRegExp } from '../support/escape-regexp.js';
import { promptedHash, scriptedTerminal } from '../helpers/scripted-terminal.js';

const projectRoot = path.resolve(import.meta.dirname, '..', '..');
const temps: string[] = [];
const originalPath = process.env.PATH;
afterAll(() => {
  process.env.PATH = originalPath;
  temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
});

const at = (text: string) => new Date(`${text.replace(' ', 'T')}Z`);
const now = at('2026-04-21 09:00:00');
const marts = ['ebird.fct_daily_bird_observations', 'noaa.fct_daily_weather', 'usgs.fct_daily_streamflow', 'analytics.fct_species_environment_daily'];
const token = 'md-secret-token-4242-should-never-show';
const count = 'SELECT count(*) FROM analytics.fct_species_environment_daily';

/**
 * A checkout for the commands, and "MotherDuck" with databox: 100 rows per mart, then a bad write that kept 30.
 * `database` is the name the bot is given (DATABOX_MOTHERDUCK_DATABASE), MotherDuck's own spelling by default.
 */
async function setUp(database = 'databox', times = { created: at('2026-04-19 08:00:00'), damaged: at('2026-04-20 15:00:00') }, ticking = false) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-motherduck-'));
  temps.push(dir);
  const checkout = await buildTestCheckout(path.join(dir, 'checkout'));
  process.env.PATH = checkout.env.PATH;
  // ticking: MotherDuck's clock moves on a second a reading too, so that a write is after the snapshot before it.
  let mdTicks = 0;
  const md = new MotherDuckStandIn(path.join(dir, 'md'), { clock: ticking ? () => new Date(now.getTime() + 1000 * mdTicks++) : () => now, database });
  const create = marts.map((t) => `CREATE SCHEMA IF NOT EXISTS ${t.split('.')[0]}; CREATE TABLE ${t} AS SELECT range AS id, DATE '2026-04-19' - CAST(range % 10 AS INTEGER) AS day_date FROM range(100);`).join(' ');
  await md.createDatabase('databox', create, times.created);
  await md.write('databox', marts.map((t) => `DELETE FROM ${t} WHERE id < 70;`).join(' '), times.damaged);
  const env = { ...checkout.env, USER: 'alice', DATABOX_RUNBOOKS_DIR: path.join(projectRoot, 'runbooks'), MOTHERDUCK_TOKEN: token };
  // DATABOX_BACKEND=motherduck: scenario 2's SQL, previews and lock are MotherDuck's too.
  const targets = { local: localTarget(checkout.databasePath), motherduck: md, backend: md };
  // The bot's clock moves on (a second a reading), as an operator's does between commands.
  let ticks = 0;
  const clock = () => new Date(now.getTime() + 1000 * ticks++);
  const cli = async (argv: string[], answer: (prompt: string) => string | null = promptedHash) => {
    const terminal = scriptedTerminal(env, answer);
    const code = await runCli(argv, terminal.io, { clock, targets });
    return { code, stdout: terminal.stdout(), stderr: terminal.stderr() };
  };
  const journal = () => fs.readFileSync(path.join(checkout.stateDir, 'journal.jsonl'), 'utf8');
  return { md, cli, checkout, journal };
}

const incidentOf = (text: string) => /dbx-\d{8}-[0-9a-f]{4}/.exec(text)?.[0] as string;
/** The swap's plan (path S) as a terminal prints it: its run id and the hash an approval names. */
const swapPlanOf = (text: string) => /Plan (\S+) · Path S: Swap[^\n]*· hash ([0-9a-f]{8})/.exec(text) as RegExpExecArray;

describe('scenario 3 from the terminal', () => {
  it('diagnoses: snapshots, retention, counts now and then from a scratch clone that is dropped', async () => {
    const { md, cli } = await setUp();
    const result = await cli(['diagnose', 'motherduck', 'at=2026-04-20 12:00:00']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('A restorable moment');
    expect(result.stdout).toContain('2026-04-20 12:00:00 UTC (read as UTC, as every moment given to the bot is) can be restored: SNAPSHOT_TIME picks the snapshot of 2026-04-19 08:00:00 UTC');
    expect(result.stdout).toContain('analytics.fct_species_environment_daily 30 now, 100 at 2026-04-20 12:00:00 UTC');
    // A restorable moment is good news: shown as a pass, not a cross.
    expect(result.stdout).toMatch(/✔ restorable/);
    expect(result.stdout).not.toMatch(/✘ restorable/);
    // The suggested command pastes as it is: a value with a space is quoted.
    expect(result.stdout).toContain('recover motherduck path=a at="2026-04-20 12:00:00" incident=');
    const incident = incidentOf(result.stdout).replace(/-/g, '_');
    expect(md.sql().filter((sql) => /botscratch/.test(sql) && !sql.startsWith('SELECT'))).toEqual([
      `DROP DATABASE IF EXISTS "databox_botscratch_${incident}"`,
      `CREATE DATABASE "databox_botscratch_${incident}" FROM "databox" (SNAPSHOT_TIME '2026-04-20 12:00:00')`,
      `DROP DATABASE "databox_botscratch_${incident}"`,
    ]);
    expect(md.liveDatabases()).toEqual(['databox']);
  });

  it('path A: clone and counts, then the swap as a second plan approved by a teammate, with a named snapshot first; rollback', async () => {
    const { md, cli, journal } = await setUp();
    const diagnosis = await cli(['diagnose', 'motherduck', 'at=2026-04-20 12:00:00']);
    const id = incidentOf(diagnosis.stdout);
    const slug = id.replace(/-/g, '_');
    md.sent.length = 0;

    const clone = await cli(['recover', 'motherduck', 'path=a', 'at=2026-04-20 12:00:00', `incident=${id}`, '--approver', 'bob']);
    expect(clone.code).toBe(0);
    expect(clone.stdout).toContain(`"databox_restored_${slug}": ebird.fct_daily_bird_observations 100`.replace(/"/g, ''));
    // Nothing the stack reads has changed yet: the swap waits for its own approval.
    expect(await md.value('databox', count)).toBe('30');
    const swap = /Plan (\S+) · Path S: Swap the restored clone in[^\n]*· hash ([0-9a-f]{8})/.exec(clone.stdout);
    expect(swap, clone.stdout).not.toBeNull();
    const [, runId, hash] = swap as RegExpExecArray;
    // The swap waits for its own approval: the command that gives it is printed, as with any plan left waiting.
    expect(clone.stdout).toContain(`approve it with \`npm run --silent cli -- approve ${runId} ${hash} --approver "$USER"\`, run by someone other than`);
    // Typed without its hash, the approval says which hash, the plan being known, rather than the usage alone.
    const noHash = await cli(['approve', runId as string, '--approver', 'carol']);
    expect(noHash.code).not.toBe(0);
    expect(noHash.stderr).toContain(`plan ${runId}'s hash is ${hash} (shown with the plan, and by \`npm run --silent cli -- status\`): \`npm run --silent cli -- approve ${runId} ${hash} --approver carol\``);

    const approved = await cli(['approve', runId as string, hash as string, '--approver', 'carol']);
    expect(approved.code, `${approved.stdout}${approved.stderr}`).toBe(0);
    expect(await md.value('databox', count)).toBe('100');
    const snapshot = md.namedSnapshots()[0] as string;
    expect(snapshot).toMatch(new RegExp(`^databox_bot_${slug}_swap_20260421T09\\d{4}Z$`));
    expect(md.sql().filter((sql) => !sql.startsWith('SELECT'))).toEqual([
      `CREATE DATABASE "databox_restored_${slug}" FROM "databox" (SNAPSHOT_TIME '2026-04-20 12:00:00')`,
      `CREATE SNAPSHOT '${snapshot}' OF "databox"`,
      `CREATE DATABASE IF NOT EXISTS "databox_broken_${slug}" FROM "databox"`,
      `COPY FROM DATABASE "databox_restored_${slug}" (OVERWRITE) TO "databox"`,
    ]);
    // The broken state stays inspectable; the clones are listed, not dropped.
    expect(await md.value(`databox_broken_${slug}`, count)).toBe('30');
    expect(approved.stdout).toMatch(new RegExp(`left on MotherDuck: databox_broken_${slug}, databox_restored_${slug}`));
    // What a Slack thread offers as a button, the terminal prints as the command that proposes the same cleanup.
    expect(approved.stdout).toContain(`Plan cleanup of 2 leftover clones and 1 named snapshot: npm run --silent cli -- recover motherduck path=c incident=${id}`);
    expect(approved.stdout).toContain('task verify');
    expect(journal()).toContain(snapshot);

    md.sent.length = 0;
    const recoveryRun = runId as string;
    const rollback = await cli(['rollback', recoveryRun, '--approver', 'carol']);
    expect(rollback.code, `${rollback.stdout}${rollback.stderr}`).toBe(0);
    expect(await md.value('databox', count)).toBe('30');
    const undoSnapshot = md.namedSnapshots()[1] as string;
    expect(md.sql().filter((sql) => !sql.startsWith('SELECT'))).toEqual([
      `CREATE SNAPSHOT '${undoSnapshot}' OF "databox"`,
      `ALTER DATABASE "databox" SET SNAPSHOT TO (SNAPSHOT_NAME '${snapshot}')`,
    ]);
    expect(verifyLines(journal()).problem).toBeUndefined();
    expect(journal()).not.toContain(token);

    // Validated now, the database holds the bad write's state again: fewer rows than at the moment restored, not "passed".
    const validation = await cli(['validate', 'motherduck', `incident=${id}`]);
    expect(validation.code).not.toBe(0);
    expect(validation.stdout).toContain('NOT as restored: ebird.fct_daily_bird_observations has 30 rows, fewer than the 100 it had at 2026-04-20 12:00:00 UTC');
    expect(validation.stdout).not.toContain('Validation passed');
    // The postmortem says what that validation came after: the rollback, not the swap.
    const postmortem = await cli(['postmortem', id]);
    expect(postmortem.stdout).toMatch(/Requested by \S+ at [\d:]+, after Rollback of path S: [^\n]*\(`dbx-\d{8}-[0-9a-f]{4}\/\d+`, succeeded\)/);
  });

  it('a rollback left waiting while the cleanup ran is refused at its approval, saying to ask again; asked again, the refusal says why', async () => {
    const { cli } = await setUp();
    const clone = await cli(['recover', 'motherduck', 'path=a', 'at=2026-04-20 12:00:00', '--approver', 'bob']);
    const id = incidentOf(clone.stdout);
    const [, swapRun, hash] = swapPlanOf(clone.stdout);
    await cli(['approve', swapRun as string, hash as string, '--approver', 'carol']);
    // A clone beside the database (path A) and the swap (with its rollback) need no warning; the cleanup's drop does.
    expect(clone.stdout).not.toContain('This path has no rollback');
    // Asked for, and left waiting (nobody answers the prompt).
    const asked = await cli(['rollback', swapRun as string], () => null);
    const [, rollbackRun, rollbackHash] = /Plan (\S+) · Rollback of path S[^\n]*· hash ([0-9a-f]{8})/.exec(asked.stdout) as RegExpExecArray;
    const cleanup = await cli(['recover', 'motherduck', 'path=c', `incident=${id}`, '--approver', 'carol']);
    expect(cleanup.stdout).toContain('This path has no rollback: once it ran, nothing the bot offers undoes what it changes');
    expect(cleanup.code, `${cleanup.stdout}${cleanup.stderr}`).toBe(0);
    const approved = await cli(['approve', rollbackRun as string, rollbackHash as string, '--approver', 'carol']);
    expect(approved.code).not.toBe(0);
    expect(`${approved.stdout}${approved.stderr}`).toContain('has changed since this plan was made');
    expect(`${approved.stdout}${approved.stderr}`).toContain('Ask for the rollback again: it is checked against the database as it is now.');
    // The plan left waiting can no longer be approved: asked again, the rollback is checked, not sent to that plan.
    const again = await cli(['rollback', swapRun as string, '--approver', 'bob']);
    expect(again.stderr).not.toContain('already waiting for approval');
    expect(again.stderr).toContain('is no longer a named snapshot of databox: the cleanup');
  });

  it("refuses the swap's rollback once its snapshot's name was removed by hand, with the command that diagnoses the moment the swap started, as the terminal types it", async () => {
    const { md, cli, journal } = await setUp();
    const clone = await cli(['recover', 'motherduck', 'path=a', 'at=2026-04-20 12:00:00', '--approver', 'bob']);
    const id = incidentOf(clone.stdout);
    const [, swapRun, hash] = swapPlanOf(clone.stdout);
    await cli(['approve', swapRun as string, hash as string, '--approver', 'carol']);
    md.renameSnapshot('databox', md.namedSnapshots()[0] as string, '');
    const started = journal().split('\n').filter(Boolean).map((line) => JSON.parse(line)).find((r) => r.type === 'run.started' && r.data.runId === swapRun)?.at as string;
    const moment = started.slice(0, 19).replace('T', ' ');
    const rollback = await cli(['rollback', swapRun as string, '--approver', 'bob']);
    expect(rollback.code).toBe(2);
    expect(rollback.stderr).toContain(`${swapRun} started at ${moment} UTC (its journal)`);
    expect(rollback.stderr).toContain(`diagnose it, \`npm run --silent cli -- diagnose motherduck at="${moment}" incident=${id}\``);
  });

  it("refuses the swap's rollback up front once the cleanup removed its snapshot's name: names the cleanup, the snapshot's id, and path B at its time", async () => {
    const { md, cli } = await setUp();
    const clone = await cli(['recover', 'motherduck', 'path=a', 'at=2026-04-20 12:00:00', '--approver', 'bob']);
    const id = incidentOf(clone.stdout);
    const [, swapRun, hash] = swapPlanOf(clone.stdout);
    const swapped = await cli(['approve', swapRun as string, hash as string, '--approver', 'carol']);
    expect(swapped.stdout).toContain('named snapshots the bot took of databox for this incident');
    const snapshot = md.namedSnapshots()[0] as string;
    const cleanup = await cli(['recover', 'motherduck', 'path=c', `incident=${id}`, '--approver', 'carol']);
    expect(cleanup.code, `${cleanup.stdout}${cleanup.stderr}`).toBe(0);
    const cleanupRun = /Plan (\S+) · Path C/.exec(cleanup.stdout)?.[1] as string;
    const [, snapshotId, taken] = new RegExp(`removed the names of '${snapshot}' \\(id (\\S+), taken ([\\d-]+ [\\d:]+) UTC\\)`).exec(cleanup.stdout) as RegExpExecArray;

    md.sent.length = 0;
    const rollback = await cli(['rollback', swapRun as string, '--approver', 'bob']);
    expect(rollback.code).toBe(2);
    expect(rollback.stderr).toContain('refused, nothing was run: the check "The named snapshot taken before the swap still has its name');
    expect(rollback.stderr).toContain(`'${snapshot}' is no longer a named snapshot of databox: the cleanup ${cleanupRun} removed its name`);
    expect(rollback.stderr).toContain(`restorable by its id, ALTER DATABASE "databox" SET SNAPSHOT TO (SNAPSHOT_ID '${snapshotId}'), or by its time, at="${taken}"`);
    expect(rollback.stderr).toContain('then diagnose at= its time and take path B');
    // Nothing proposed, nothing sent but reads: no snapshot of its own, no ALTER DATABASE.
    expect(md.sql().filter((sql) => !sql.startsWith('SELECT'))).toEqual([]);
    expect(md.namedSnapshots()).toEqual([]);
    expect(await md.value('databox', count)).toBe('100');

    // What the refusal offers works: path B at the snapshot's time (diagnosed first) puts back the state from before the swap.
    const diagnosis = await cli(['diagnose', 'motherduck', `at=${taken}`, `incident=${id}`]);
    expect(diagnosis.stdout).toContain('Verdict: A restorable moment');
    const pathB = await cli(['recover', 'motherduck', 'path=b', `at=${taken}`, `incident=${id}`, '--approver', 'bob']);
    expect(pathB.code, `${pathB.stdout}${pathB.stderr}`).toBe(0);
    expect(await md.value('databox', count)).toBe('30');
  });

  it('a swap stops when rows were written after its plan was made; proposed again, its plan says they stay only in the broken clone, and the cleanup plan says so of that clone', async () => {
    const { md, cli } = await setUp();
    const diagnosis = await cli(['diagnose', 'motherduck', 'at=2026-04-20 12:00:00']);
    const id = incidentOf(diagnosis.stdout);
    const slug = id.replace(/-/g, '_');
    const clone = await cli(['recover', 'motherduck', 'path=a', 'at=2026-04-20 12:00:00', `incident=${id}`, '--approver', 'bob']);
    const [, runId, hash] = swapPlanOf(clone.stdout);
    // Nothing was written since the diagnosis when the swap was proposed: its plan warns of nothing of the kind.
    expect(clone.stdout.slice(clone.stdout.indexOf('Path S: Swap'))).not.toContain('changed since the diagnosis counted them');

    // A load writes 50 rows to the live database between the clone and the approval of the swap.
    await md.write('databox', 'INSERT INTO analytics.fct_species_environment_daily SELECT range + 1000, DATE \'2026-04-20\' FROM range(50)', now);
    md.sent.length = 0;
    const refused = await cli(['approve', runId as string, hash as string, '--approver', 'carol']);
    expect(refused.code).not.toBe(0);
    expect(refused.stdout).toContain(
      `databox changed after this plan was made: analytics.fct_species_environment_daily +50 (80 now, 30 when this plan was made). What was written since would be left only in databox_broken_${slug}, and the approval did not see it: nothing after this check ran.`,
    );
    // The live database keeps its rows: no broken clone kept, nothing copied over it.
    expect(md.sql().filter((sql) => !sql.startsWith('SELECT'))).toEqual([]);
    expect(await md.value('databox', count)).toBe('80');
    // How to propose it again, as it is typed.
    expect(refused.stdout).toContain(`Propose the swap again once that is dealt with: \`npm run --silent cli -- recover motherduck path=s incident=${id}\``);

    // Proposed again, the plan says how many rows the swap leaves behind, and where.
    const swapped = await cli(['recover', 'motherduck', 'path=s', `incident=${id}`, '--approver', 'carol']);
    expect(swapped.code, `${swapped.stdout}${swapped.stderr}`).toBe(0);
    expect(swapped.stdout).toContain(
      `databox's tables changed since the diagnosis counted them: analytics.fct_species_environment_daily +50 (80 now, 30 when the diagnosis counted). The 50 rows written since are not in what this plan puts in place: after it they are only in databox_broken_${slug} (kept), not in databox.`,
    );
    expect(await md.value('databox', count)).toBe('100');
    expect(await md.value(`databox_broken_${slug}`, count)).toBe('80');
    // The validation's list of clones, and the cleanup's plan, say the broken clone holds a state nobody counted elsewhere.
    expect(swapped.stdout).toContain(`databox_broken_${slug} counts as neither databox now nor any state the diagnosis counted (`);
    const cleanup = await cli(['recover', 'motherduck', 'path=c', `incident=${id}`, '--approver', 'bob']);
    expect(cleanup.stdout).toContain(
      `databox_broken_${slug} counts as neither databox now nor any state the diagnosis counted (analytics.fct_species_environment_daily 80 there, 100 in databox, 30 when the diagnosis counted, 100 at 2026-04-20 12:00:00 UTC as the diagnosis counted): it may hold the only copy of rows written before a swap`,
    );
    // The restored clone is the database's state now: not named.
    expect(cleanup.stdout).not.toContain(`databox_restored_${slug} counts as neither`);
    // The postmortem says the first swap was stopped by its guard, not that it failed.
    const postmortem = await cli(['postmortem', id]);
    expect(postmortem.stdout).toMatch(/\| Recovery \|[^\n]*Path S: Swap the restored clone in \(second approval\): stopped by its guard, nothing changed; /);
    expect(postmortem.stdout).toMatch(new RegExp(`### Path S: Swap the restored clone in \\(second approval\\) \\(\`${runId}\`\\): stopped by its guard, nothing changed`));
  });

  it('a swap stops when the database was written to after its plan was made, even by a write that leaves the marts counting as they did', async () => {
    const { md, cli } = await setUp();
    const diagnosis = await cli(['diagnose', 'motherduck', 'at=2026-04-20 12:00:00']);
    const id = incidentOf(diagnosis.stdout);
    const slug = id.replace(/-/g, '_');
    const clone = await cli(['recover', 'motherduck', 'path=a', 'at=2026-04-20 12:00:00', `incident=${id}`, '--approver', 'bob']);
    const [, runId, hash] = swapPlanOf(clone.stdout);
    // The plan shows the newest write it holds itself to.
    expect(clone.stdout.slice(clone.stdout.indexOf('Path S: Swap'))).toContain("$2 = '2026-04-20 15:00:00' (the newest write when this plan was made): any write since stops it before anything changes");

    // Written to before a teammate approves: every mart counts as it did, so only the writes tell.
    await md.write('databox', 'UPDATE ebird.fct_daily_bird_observations SET day_date = day_date - 1; CREATE TABLE main.late_load AS SELECT 1 x;');
    md.sent.length = 0;
    const refused = await cli(['approve', runId as string, hash as string, '--approver', 'carol']);
    expect(refused.code).not.toBe(0);
    expect(refused.stdout).toContain(
      'databox changed after this plan was made: 1 write (automatic snapshot) since 2026-04-20 15:00:00 UTC, the newest it counted. The plan would put another state in place of it, and the approval did not see it: nothing after this check ran.',
    );
    expect(refused.stdout).toContain(`Propose the swap again once that is dealt with: \`npm run --silent cli -- recover motherduck path=s incident=${id}\``);
    // Nothing changed: no broken clone kept, no snapshot taken, nothing copied over the write.
    expect(md.sql().filter((sql) => !sql.startsWith('SELECT'))).toEqual([]);
    expect(md.namedSnapshots()).toEqual([]);
    expect(await md.value('databox', 'SELECT count(*) FROM main.late_load')).toBe('1');

    // Proposed again, the plan holds itself to that write, and goes through.
    const swapped = await cli(['recover', 'motherduck', 'path=s', `incident=${id}`, '--approver', 'carol']);
    expect(swapped.code, `${swapped.stdout}${swapped.stderr}`).toBe(0);
    expect(swapped.stdout).toContain("(the newest write when this plan was made): any write since stops it before anything changes");
    expect(await md.value(`databox_broken_${slug}`, 'SELECT count(*) FROM main.late_load')).toBe('1');
  });

  it("the swap's rollback says in its plan how many writes going back undoes, and stops before any change when one is made after its plan", async () => {
    const { md, cli } = await setUp(undefined, undefined, true);
    const clone = await cli(['recover', 'motherduck', 'path=a', 'at=2026-04-20 12:00:00', '--approver', 'bob']);
    const [, swapRun, hash] = swapPlanOf(clone.stdout);
    const swapped = await cli(['approve', swapRun as string, hash as string, '--approver', 'carol']);
    expect(swapped.code, `${swapped.stdout}${swapped.stderr}`).toBe(0);
    const snapshot = md.namedSnapshots()[0] as string;
    // Asked for and left waiting: the plan counts the writes since the swap's snapshot, the swap's own.
    const asked = await cli(['rollback', swapRun as string], () => null);
    // Before: "undoes 1 write … since", with no word that it is the swap's own.
    expect(asked.stdout).toContain(`Going back to snapshot '${snapshot}' undoes 1 write (automatic snapshot) made to databox since, good or bad: the first is the bot's own step "swap", which the snapshot was taken right before, so none came after it; counted as this plan was made.`);
    const [, rollbackRun, rollbackHash] = /Plan (\S+) · Rollback of path S[^\n]*· hash ([0-9a-f]{8})/.exec(asked.stdout) as RegExpExecArray;

    // A load writes 7 rows after the plan was made, before a teammate approves it.
    await md.write('databox', "INSERT INTO analytics.fct_species_environment_daily SELECT range + 1000, DATE '2026-04-20' FROM range(7)");
    md.sent.length = 0;
    const refused = await cli(['approve', rollbackRun as string, rollbackHash as string, '--approver', 'carol']);
    expect(refused.code).not.toBe(0);
    expect(refused.stdout).toMatch(/databox changed after this plan was made: 1 write \(automatic snapshot\) since [\d-]+ [\d:.]+ UTC, the newest it counted\. Going back would undo it too, and the approval did not see it: nothing after this check ran\./);
    expect(refused.stdout).toContain(`npm run --silent cli -- rollback ${swapRun}`);
    // Nothing changed: no snapshot of its own, no ALTER DATABASE; the 7 rows are in the database.
    expect(md.sql().filter((sql) => !sql.startsWith('SELECT'))).toEqual([]);
    expect(await md.value('databox', count)).toBe('107');

    // Asked again, the plan counts both writes; approved, it goes back.
    const again = await cli(['rollback', swapRun as string, '--approver', 'bob']);
    expect(again.stdout).toContain(`Going back to snapshot '${snapshot}' undoes 2 writes (automatic snapshots) made to databox since, good or bad: the first is the bot's own step "swap", which the snapshot was taken right before, so 1 write came after it; counted as this plan was made.`);
    expect(again.code, `${again.stdout}${again.stderr}`).toBe(0);
    expect(await md.value('databox', count)).toBe('30');
    // The writes going back undid are in the named snapshot the rollback took first: said after it, by name.
    const undoSnapshot = md.namedSnapshots().find((name) => name.includes('_undo_swap_'));
    expect(again.stdout).toContain(`What it replaced is kept, not undone: databox as it was, with any writes made since the recovery, in the named snapshot '${undoSnapshot}' taken right before it went back.`);

    // The 7 rows are now only in the snapshot the rollback took before going back: the cleanup's plan says so of it.
    const undo = md.namedSnapshots().find((name) => name !== snapshot) as string;
    const cleanup = await cli(['recover', 'motherduck', 'path=c', `incident=${incidentOf(clone.stdout)}`], () => null);
    expect(cleanup.stdout).toMatch(
      new RegExp(`'${undo}' was taken by the rollback \\S+ right before it went back: it holds databox as that rollback found it, the 2 writes \\(automatic snapshots\\) made to databox since ${swapRun}'s snapshot, ${swapRun}'s own among them, all of which the rollback undid\\. Rows written after ${swapRun} may be in it and nowhere else`),
    );
  });

  it("says in path B's plan how many writes going back undoes, whatever the counts", async () => {
    const { cli } = await setUp();
    const result = await cli(['recover', 'motherduck', 'path=b', 'at=2026-04-20 12:00:00', '--approver', 'bob']);
    expect(result.stdout).toContain('Going back to 2026-04-20 12:00:00 UTC (read as UTC, as every moment given to the bot is) undoes 1 write (automatic snapshot) made to databox since, good or bad; counted as this plan was made.');
  });

  it("says on path A's plan that the clone undoes nothing, and counts on the swap's plan, as it is made, the writes going back undoes", async () => {
    const { md, cli } = await setUp(undefined, undefined, true);
    const clone = await cli(['recover', 'motherduck', 'path=a', 'at=2026-04-20 12:00:00', '--approver', 'bob']);
    const clonePlan = clone.stdout.slice(0, clone.stdout.indexOf('Path S: Swap the restored clone in'));
    expect(clonePlan).toContain(
      'This plan changes nothing in databox: it is the plan after it, approved on its own, that puts databox back to 2026-04-20 12:00:00 UTC (read as UTC, as every moment given to the bot is), undoing 1 write (automatic snapshot) made to databox since, good or bad; counted as this plan was made, and counted again when that plan is made.',
    );
    expect(clonePlan).not.toContain('Going back to');
    const swapPlan = clone.stdout.slice(clone.stdout.indexOf('Path S: Swap the restored clone in'));
    expect(swapPlan).toContain('Going back to 2026-04-20 12:00:00 UTC (read as UTC, as every moment given to the bot is) undoes 1 write (automatic snapshot) made to databox since, good or bad; counted as this plan was made.');

    // A load between the clone and the swap typed again: the new swap plan counts it, not the clone plan's number.
    await md.write('databox', "INSERT INTO analytics.fct_species_environment_daily SELECT range + 1000, DATE '2026-04-20' FROM range(7)");
    const again = await cli(['recover', 'motherduck', 'path=s', `incident=${incidentOf(clone.stdout)}`], () => null);
    expect(again.stdout).toContain('Going back to 2026-04-20 12:00:00 UTC (read as UTC, as every moment given to the bot is) undoes 2 writes (automatic snapshots) made to databox since, good or bad; counted as this plan was made.');
    expect(again.stdout).not.toMatch(/undo(es|ing) 1 write/);
  });

  it("repeats whole, said to be as of then, a clone plan's warning an older build worded, beside the count made now", async () => {
    const { md, cli, checkout } = await setUp(undefined, undefined, true);
    const clone = await cli(['recover', 'motherduck', 'path=a', 'at=2026-04-20 12:00:00', '--approver', 'bob']);
    // The clone's plan as the build before the recount worded its count, in the journal an upgrade keeps.
    const journalFile = path.join(checkout.stateDir, 'journal.jsonl');
    const nowWorded = 'This plan changes nothing in databox: it is the plan after it, approved on its own, that puts databox back to 2026-04-20 12:00:00 UTC (read as UTC, as every moment given to the bot is), undoing 1 write (automatic snapshot) made to databox since, good or bad; counted as this plan was made, and counted again when that plan is made.';
    const olderWorded = 'Going back to 2026-04-20 12:00:00 UTC (read as UTC, as every moment given to the bot is) undoes 1 write (automatic snapshot) made to databox since, good or bad; counted as this plan was made.';
    const { records } = verifyLines(fs.readFileSync(journalFile, 'utf8'));
    expect(records.some((record) => JSON.stringify(record.data).includes(nowWorded))).toBe(true);
    let prev = genesisHash;
    const rewritten = records.map((record) => {
      const { line, record: written } = serialize({ ...record, data: JSON.parse(JSON.stringify(record.data).replaceAll(nowWorded, olderWorded)), prev });
      prev = written.hash;
      return { line, written };
    });
    fs.writeFileSync(journalFile, rewritten.map((r) => r.line).join(''));
    writeHead(journalFile, rewritten.at(-1)!.written);

    await md.write('databox', "INSERT INTO analytics.fct_species_environment_daily SELECT range + 1000, DATE '2026-04-20' FROM range(7)");
    const again = await cli(['recover', 'motherduck', 'path=s', `incident=${incidentOf(clone.stdout)}`], () => null);
    expect(again.stdout).toMatch(
      new RegExp(
        `It puts in place what plan dbx-\\d{8}-[0-9a-f]{4}/\\d+ made, proposed with this warning \\(its count of the writes as of then, not now\\): [^\\n]*${escapeRegExp(olderWorded)} ` +
          escapeRegExp('Going back to 2026-04-20 12:00:00 UTC (read as UTC, as every moment given to the bot is) undoes 2 writes (automatic snapshots) made to databox since, good or bad; counted as this plan was made.'),
      ),
    );
  });

  it("proposes the swap when the writes going back undoes cannot be counted again, saying why, with the clone plan's count as of then", async () => {
    const { md, cli } = await setUp(undefined, undefined, true);
    const clone = await cli(['recover', 'motherduck', 'path=a', 'at=2026-04-20 12:00:00', '--approver', 'bob']);
    // The swap's own guards count the database; then the count of the writes since the clone's moment fails.
    md.failWhen(/snapshot_name IS NULL AND created_ts > CAST/, 'IO Error: connection to MotherDuck was reset');
    const again = await cli(['recover', 'motherduck', 'path=s', `incident=${incidentOf(clone.stdout)}`], () => null);
    expect(swapPlanOf(again.stdout), again.stdout).not.toBeNull();
    expect(again.stdout).toMatch(
      new RegExp(
        escapeRegExp('made, proposed with this warning (its count of the writes as of then, not now): ') +
          '[^\\n]*' +
          escapeRegExp(
            'This plan changes nothing in databox: it is the plan after it, approved on its own, that puts databox back to 2026-04-20 12:00:00 UTC (read as UTC, as every moment given to the bot is), undoing 1 write (automatic snapshot) made to databox since, good or bad; counted as this plan was made, and counted again when that plan is made. ' +
              'The writes going back undoes could not be counted again as this plan was made (IO Error: connection to MotherDuck was reset).',
          ),
      ),
    );
  });

  it('path B and its rollback stop before any change when the database is written to after their plan was made', async () => {
    const { md, cli } = await setUp(undefined, undefined, true);
    // Asked for and left waiting: the plan counts the writes going back to the moment undoes.
    const asked = await cli(['recover', 'motherduck', 'path=b', 'at=2026-04-20 12:00:00'], () => null);
    expect(asked.stdout).toContain('Going back to 2026-04-20 12:00:00 UTC (read as UTC, as every moment given to the bot is) undoes 1 write (automatic snapshot) made to databox since, good or bad; counted as this plan was made.');
    const [, run, hash] = /Plan (\S+) · Path B[^\n]*· hash ([0-9a-f]{8})/.exec(asked.stdout) as RegExpExecArray;

    // A load writes 7 rows before a teammate approves: going back would undo them unseen.
    await md.write('databox', "INSERT INTO analytics.fct_species_environment_daily SELECT range + 1000, DATE '2026-04-20' FROM range(7)");
    md.sent.length = 0;
    const refused = await cli(['approve', run as string, hash as string, '--approver', 'carol']);
    expect(refused.code).not.toBe(0);
    expect(refused.stdout).toMatch(/databox changed after this plan was made: 1 write \(automatic snapshot\) since [\d-]+ [\d:.]+ UTC, the newest it counted\. Going back would undo it too, and the approval did not see it: nothing after this check ran\./);
    expect(md.sql().filter((sql) => !sql.startsWith('SELECT'))).toEqual([]);
    expect(md.namedSnapshots()).toEqual([]);
    expect(await md.value('databox', count)).toBe('37');
    expect(refused.stdout).toContain(`Written to after the plan: propose path B again once that is dealt with, \`npm run --silent cli -- recover motherduck path=b at="2026-04-20 12:00:00" incident=${incidentOf(asked.stdout)}\``);

    // Proposed again, it counts both writes; approved, it goes back.
    const again = await cli(['recover', 'motherduck', 'path=b', 'at=2026-04-20 12:00:00', '--approver', 'bob']);
    expect(again.stdout).toContain('Going back to 2026-04-20 12:00:00 UTC (read as UTC, as every moment given to the bot is) undoes 2 writes (automatic snapshots) made to databox since, good or bad; counted as this plan was made.');
    expect(again.code, `${again.stdout}${again.stderr}`).toBe(0);
    expect(await md.value('databox', count)).toBe('100');
    const restoreRun = /Plan (\S+) · Path B/.exec(again.stdout)?.[1] as string;

    // Its rollback, left waiting, then a write: refused before anything changes.
    const rollback = await cli(['rollback', restoreRun], () => null);
    const [, rollbackRun, rollbackHash] = /Plan (\S+) · Rollback of path B[^\n]*· hash ([0-9a-f]{8})/.exec(rollback.stdout) as RegExpExecArray;
    await md.write('databox', "INSERT INTO analytics.fct_species_environment_daily SELECT range + 2000, DATE '2026-04-20' FROM range(3)");
    md.sent.length = 0;
    const rollbackRefused = await cli(['approve', rollbackRun as string, rollbackHash as string, '--approver', 'carol']);
    expect(rollbackRefused.code).not.toBe(0);
    expect(rollbackRefused.stdout).toMatch(/databox changed after this plan was made: 1 write \(automatic snapshot\) since [\d-]+ [\d:.]+ UTC, the newest it counted\./);
    expect(md.sql().filter((sql) => !sql.startsWith('SELECT'))).toEqual([]);
    expect(await md.value('databox', count)).toBe('103');
  });

  it("holds the validation's counts to the diagnosis' only when the database went back to the moment the diagnosis counted", async () => {
    const { cli } = await setUp();
    const diagnosis = await cli(['diagnose', 'motherduck', 'at=2026-04-20 12:00:00']);
    const id = incidentOf(diagnosis.stdout);
    // Another moment (after the bad write) than the one diagnosed: its counts were never seen, so none are held to it.
    const restore = await cli(['recover', 'motherduck', 'path=b', 'at=2026-04-20 16:00:00', `incident=${id}`, '--approver', 'bob']);
    expect(restore.stdout).toContain("restored at 2026-04-20 16:00:00 UTC, not at 2026-04-20 12:00:00 UTC as the diagnosis counted: the counts are not held to the diagnosis'");
    expect(restore.stdout).not.toContain('NOT as restored');
    // Rolled back, the database is restored to no moment: held to what the diagnosis counted, it is not recovered.
    const recoveryRun = /Plan (\S+) · Path B/.exec(restore.stdout)?.[1] as string;
    expect((await cli(['rollback', recoveryRun, '--approver', 'bob'])).code).toBe(0);
    const validation = await cli(['validate', 'motherduck', `incident=${id}`]);
    expect(validation.stdout).toContain('NOT as restored: ebird.fct_daily_bird_observations has 30 rows, fewer than the 100 it had at 2026-04-20 12:00:00 UTC');
  });

  it("repeats the clone's warning on the swap when the clone is of a moment the diagnosis did not look at", async () => {
    const { cli } = await setUp();
    const diagnosis = await cli(['diagnose', 'motherduck', 'at=2026-04-20 12:00:00']);
    const id = incidentOf(diagnosis.stdout);
    const clone = await cli(['recover', 'motherduck', 'path=a', 'at=2026-04-19 09:00:00', `incident=${id}`, '--approver', 'carol']);
    expect(clone.stdout).toContain('this plan is for at=2026-04-19 09:00:00, which it did not look at');
    const swapShown = clone.stdout.slice(clone.stdout.indexOf('Path S: Swap the restored clone in'));
    expect(swapShown).toMatch(/It puts in place what plan dbx-\d{8}-[0-9a-f]{4}\/\d+ made\. The diagnosis looked at at=2026-04-20 12:00:00; this plan is for at=2026-04-19 09:00:00/);
  });

  it("path A's clone needs a teammate at the terminal too: the requester's own name is refused, nothing cloned", async () => {
    const { md, cli } = await setUp();
    const result = await cli(['recover', 'motherduck', 'path=a', 'at=2026-04-20 12:00:00', '--approver', 'alice']);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toContain('Its runbook asks for a teammate: someone other than the requester must approve it.');
    expect(result.stderr).toContain("refused: a plan its runbook gives to a teammate's approval must be approved by someone other than the person who requested it");
    expect(md.liveDatabases()).toEqual(['databox']);
  });

  it('DATABOX_MOTHERDUCK_DATABASE=Databox reads the snapshots of databox as MotherDuck lists it: diagnosis and path B work', async () => {
    const { md, cli } = await setUp('Databox');
    const diagnosis = await cli(['diagnose', 'motherduck', 'at=2026-04-20 12:00:00']);
    expect(diagnosis.stdout).toContain('A restorable moment');
    const restore = await cli(['recover', 'motherduck', 'path=b', 'at=2026-04-20 12:00:00', '--approver', 'bob']);
    expect(restore.code, restore.stdout).toBe(0);
    expect(await md.value('databox', count)).toBe('100');
    expect(md.sql().filter((sql) => !sql.startsWith('SELECT')).at(-1)).toBe(`ALTER DATABASE "Databox" SET SNAPSHOT TO (SNAPSHOT_TIME '2026-04-20 12:00:00')`);
  });

  it('a validation typed with nothing restored tells the stale marts without speaking of a restore', async () => {
    const { md, cli } = await setUp();
    // The loads stopped after 2026-04-15: days past every mart's SLA, with no restore in the incident to explain them.
    await md.write('databox', marts.map((t) => `DELETE FROM ${t} WHERE day_date > DATE '2026-04-15';`).join(' '), at('2026-04-21 08:00:00'));
    const result = await cli(['validate', 'motherduck']);
    expect(result.stdout).toContain("The marts past their SLA end where MotherDuck's database holds data");
    expect(result.stdout).toContain('recover schedule path=a from=2026-04-15 to=2026-04-20');
    expect(result.stdout).not.toMatch(/A restore leaves|going back|roll back/);
  });

  it('path B: a named snapshot, then the in-place restore; its rollback puts the snapshot back', async () => {
    const { md, cli } = await setUp();
    const result = await cli(['recover', 'motherduck', 'path=b', 'at=2026-04-20 12:00:00', '--approver', 'bob']);
    expect(result.code, result.stdout).toBe(0);
    expect(await md.value('databox', count)).toBe('100');
    const snapshot = md.namedSnapshots()[0] as string;
    expect(md.sql().filter((sql) => !sql.startsWith('SELECT'))).toEqual([
      `CREATE SNAPSHOT '${snapshot}' OF "databox"`,
      `ALTER DATABASE "databox" SET SNAPSHOT TO (SNAPSHOT_TIME '2026-04-20 12:00:00')`,
    ]);
    // No clone is left, but the named snapshot is: the validation says so, with the cleanup that lets it go.
    const id = incidentOf(result.stdout);
    expect(result.stdout).toContain(`Left from this incident: named snapshots the bot took of databox for this incident, kept until their names are removed: '${snapshot}'`);
    expect(result.stdout).toContain(`Plan cleanup of 1 named snapshot: npm run --silent cli -- recover motherduck path=c incident=${id}`);
    expect(result.stdout).not.toContain('Clones of this incident');
    const runId = /Plan (\S+) · Path B/.exec(result.stdout)?.[1] as string;
    const rollback = await cli(['rollback', runId, '--approver', 'bob']);
    expect(rollback.code, `${rollback.stdout}${rollback.stderr}`).toBe(0);
    expect(await md.value('databox', count)).toBe('30');
    expect(md.sql().at(-1)).toBe(`ALTER DATABASE "databox" SET SNAPSHOT TO (SNAPSHOT_NAME '${snapshot}')`);
  });

  it('a swap that fails half-way (applied, then the connection is lost) is undone by its rollback: the named snapshot taken before it', async () => {
    const { md, cli } = await setUp();
    const clone = await cli(['recover', 'motherduck', 'path=a', 'at=2026-04-20 12:00:00', '--approver', 'bob']);
    const [, runId, hash] = swapPlanOf(clone.stdout);
    md.failAfter(/^COPY FROM DATABASE/, 'IO Error: the connection to MotherDuck was lost');
    const swap = await cli(['approve', runId as string, hash as string, '--approver', 'carol']);
    expect(swap.code).toBe(1);
    expect(swap.stdout).toContain('the connection to MotherDuck was lost: the connection went while the statement ran, so it may or may not have been applied. Look at the database as it is now (diagnose again) before anything else, a rollback included');
    // Not said to have failed: nobody can tell.
    expect(swap.stdout).toMatch(/\? Recovery ended, its outcome unknown/);
    expect(swap.stdout).not.toMatch(/Recovery failed/);
    // Nor in the summary under it, the status or the postmortem: "failed" there would invite proposing the swap again.
    expect(swap.stdout).toMatch(new RegExp(`Recovery +${runId} Path S: Swap the restored clone in \\(second approval\\) · ended, its outcome unknown in `));
    const status = await cli(['status']);
    expect(status.stdout).toContain(`Left part-way: recovery ${runId} (Path S: Swap the restored clone in (second approval)) ended at "Make the stack's database equal to the restored clone", its outcome unknown;`);
    const postmortem = (await cli(['postmortem', incidentOf(clone.stdout)])).stdout;
    expect(postmortem).toContain('| Recovery | Path A: Clone the moment and check it (then swap, after a second approval): succeeded; Path S: Swap the restored clone in (second approval): ended, its outcome unknown |');
    expect(postmortem).toContain('| Outcome | not recovered: Path S: Swap the restored clone in (second approval) ended, its outcome unknown |');
    expect(postmortem).toContain(`(\`${runId}\`) **ended, its outcome unknown** in `);
    expect(postmortem).toMatch(/- Ran \S+–\S+ \([^)]+\): ended, its outcome unknown\n/);
    expect(postmortem).not.toMatch(/Swap the restored clone in \(second approval\)[^\n]*\bfailed\b/);
    // The COPY … (OVERWRITE) went through although the bot was told it failed: the database is no longer as it was.
    expect(await md.value('databox', count)).toBe('100');
    const rollback = await cli(['rollback', runId as string, '--approver', 'carol']);
    expect(rollback.code, `${rollback.stdout}${rollback.stderr}`).toBe(0);
    expect(md.sql().at(-1)).toMatch(/^ALTER DATABASE "databox" SET SNAPSHOT TO \(SNAPSHOT_NAME 'databox_bot_.*_swap_20260421T09\d{4}Z'\)$/);
    expect(await md.value('databox', count)).toBe('30');
  });

  it("a fault inside the bot or its driver as the clone runs is said as one, not as MotherDuck's answer, and the clone as maybe made", async () => {
    const { md, cli } = await setUp();
    md.faultAfter(/^CREATE DATABASE "databox_restored_/, "Cannot read properties of undefined (reading 'rows')");
    const clone = await cli(['recover', 'motherduck', 'path=a', 'at=2026-04-20 12:00:00', '--approver', 'bob']);
    expect(clone.code).toBe(1);
    expect(clone.stdout).toContain(
      "the bot failed inside (TypeError: Cannot read properties of undefined (reading 'rows')), a fault in the bot or its database driver to report, not an answer from md:databox. Whether the statement reached md:databox and was applied is not known. Look at the database as it is now (diagnose again) before anything else",
    );
    expect(clone.stdout).toMatch(/\? First stage of the recovery ended, its outcome unknown/);
    // It was: the clone is there, though the bot was not told.
    expect(md.liveDatabases()).toContain(`databox_restored_${incidentOf(clone.stdout).replace(/-/g, '_')}`);
  });

  it("a swap whose named snapshot MotherDuck refuses stops before the COPY, saying so and to propose it again", async () => {
    const { md, cli } = await setUp();
    const clone = await cli(['recover', 'motherduck', 'path=a', 'at=2026-04-20 12:00:00', '--approver', 'bob']);
    const [, runId, hash] = swapPlanOf(clone.stdout);
    md.failWhen(/^CREATE SNAPSHOT/, 'Catalog Error: snapshot quota reached');
    const failed = await cli(['approve', runId as string, hash as string, '--approver', 'carol']);
    expect(failed.code).toBe(1);
    expect(await md.value('databox', count)).toBe('30');
    expect(failed.stdout).toContain(`The named snapshot of databox before "Make the stack's database equal to the restored clone" could not be taken, or a write had landed after this plan was made, so that step and the ones after it did not run. Fix what MotherDuck answered (above), then propose this plan again.`);
  });

  it('a swap that failed is proposed again and goes through, keeping the broken state the first attempt kept; path A is not cloned over; a cleanup is called a cleanup', async () => {
    const { md, cli } = await setUp();
    const clone = await cli(['recover', 'motherduck', 'path=a', 'at=2026-04-20 12:00:00', '--approver', 'bob']);
    const id = incidentOf(clone.stdout);
    const slug = id.replace(/-/g, '_');
    const [, runId, hash] = swapPlanOf(clone.stdout);
    md.failWhen(/^COPY FROM DATABASE/, 'IO Error: MotherDuck is unavailable');
    const failed = await cli(['approve', runId as string, hash as string, '--approver', 'carol']);
    expect(failed.code).toBe(1);
    expect(await md.value(`databox_broken_${slug}`, count)).toBe('30');
    // What to do next, under the failure: look first, then the swap again or the rollback.
    expect(failed.stdout).toContain(`The swap stopped. Before anything else, look at databox as it is now (its marts against the restored clone's, counted above): unchanged, propose the swap again once the cause is fixed, \`npm run --silent cli -- recover motherduck path=s incident=${id}\``);
    // No validation ran to list the clones: the postmortem still names them.
    const postmortem = await cli(['postmortem', id]);
    expect(postmortem.stdout).toContain('## Leftover clones');
    expect(postmortem.stdout).not.toContain('No clone made for this incident was left at the last check');
    expect(postmortem.stdout).toMatch(
      new RegExp(`Made for this incident and not looked for since \\(no validation listed them\\): \`databox_restored_${slug}\` \\(made by \`${id}/\\d+\`\\), \`databox_broken_${slug}\``),
    );

    // Path A again would clone over the clone a teammate already checked: refused, naming the way on.
    const again = await cli(['recover', 'motherduck', 'path=a', 'at=2026-04-20 13:00:00', `incident=${id}`, '--approver', 'bob']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('No clone of this incident is there yet (were one left from before: swap it in with path S, or drop it with path C)');
    expect(again.stderr).toContain(`databox_restored_${slug}`);

    md.sent.length = 0;
    const retried = await cli(['recover', 'motherduck', 'path=s', `incident=${id}`, '--approver', 'carol']);
    expect(retried.code, `${retried.stdout}${retried.stderr}`).toBe(0);
    expect(await md.value('databox', count)).toBe('100');
    expect(md.sql().filter((sql) => sql.startsWith('CREATE DATABASE') || sql.startsWith('COPY'))).toEqual([
      `CREATE DATABASE IF NOT EXISTS "databox_broken_${slug}" FROM "databox"`,
      `COPY FROM DATABASE "databox_restored_${slug}" (OVERWRITE) TO "databox"`,
    ]);
    // The broken state kept is still the one from before any swap.
    expect(await md.value(`databox_broken_${slug}`, count)).toBe('30');
    // The swap's moment is path A's: it takes no at= of its own.
    const typedAt = await cli(['recover', 'motherduck', 'path=s', 'at=2026-04-20 07:00:00', `incident=${id}`, '--approver', 'carol']);
    expect(typedAt.code).toBe(2);
    expect(typedAt.stderr).toContain('unknown parameter "at"');

    const cleanup = await cli(['recover', 'motherduck', 'path=c', `incident=${id}`, '--approver', 'carol']);
    expect(cleanup.code, `${cleanup.stdout}${cleanup.stderr}`).toBe(0);
    expect(cleanup.stdout).toMatch(/✔ Cleanup passed in /);
    expect(cleanup.stdout).toMatch(/\n {2}Cleanup {5}dbx-\d{8}-[0-9a-f]{4}\/\d+ Path C: /);
    expect(cleanup.stdout).not.toMatch(/Recovery (passed|succeeded)/);
    // No clone left to swap in: said so, with what makes one.
    const noClone = await cli(['recover', 'motherduck', 'path=s', `incident=${id}`, '--approver', 'carol']);
    expect(noClone.code).toBe(2);
    expect(noClone.stderr).toContain(`the check "The restored clone is there (path A or path N makes it: propose that first) and its marts count" did not pass: databox_restored_${slug} does not exist`);
  });

  it('with a retention of 0 says no moment can be restored by time, names the named snapshots and how to diagnose one, which offers path N', async () => {
    const { md, cli } = await setUp();
    md.takeSnapshot(md.live('databox'), 'before_load', at('2026-04-20 14:00:00'));
    md.setRetentionDays('databox', 0);
    const result = await cli(['diagnose', 'motherduck', 'at=2026-04-20 12:00:00']);
    expect(result.stdout).toContain('Verdict: No point-in-time history (retention 0) — only named snapshots');
    expect(result.stdout).toContain(
      "2026-04-20 12:00:00 UTC (read as UTC, as every moment given to the bot is) cannot be restored: databox's snapshot retention is 0 days, so MotherDuck keeps no point-in-time history: each automatic snapshot goes as soon as a newer one replaces it, and the newest (2026-04-20 15:00:00 UTC) is the database as it is now. No moment can be restored by time, only a named snapshot as a whole: 'before_load' (2026-04-20 14:00:00 UTC). Diagnose again with one of them to compare the marts now and in it, and to be offered path N (clone it, check it, then swap): `npm run --silent cli -- diagnose motherduck snapshot=\"<its name>\"`",
    );
    expect(result.stdout).not.toMatch(/restorable from|can be restored \(|kept 0 days|older than the retention|by hand/);
    expect(result.stdout).not.toContain('recover motherduck path=');
    expect(md.sql().filter((sql) => !sql.startsWith('SELECT'))).toEqual([]);

    // A name typed wrong: the names there, and the way when there are none, said with the command to type.
    const mistyped = await cli(['diagnose', 'motherduck', 'snapshot=before_lod']);
    expect(mistyped.stdout).toContain('Verdict: No named snapshot of that name');
    expect(mistyped.stdout).toContain(`Diagnose again with one of the names listed there, written exactly (case and spaces count): \`npm run --silent cli -- diagnose motherduck snapshot="<its name>"\`; with none listed, a moment within the retention is the way`);

    const named = await cli(['diagnose', 'motherduck', 'snapshot=before_load']);
    // This snapshot holds the marts as they are now: said so, a warning, and path N still offered.
    expect(named.stdout).toContain('Verdict: No mart differs between now and the named snapshot');
    expect(named.stdout).toContain("analytics.fct_species_environment_daily 30 now, 30 in snapshot 'before_load'");
    expect(named.stdout).toContain('recover motherduck path=n snapshot=before_load incident=');
    const incident = incidentOf(named.stdout).replace(/-/g, '_');
    expect(md.sql().filter((sql) => !sql.startsWith('SELECT'))).toEqual([
      `DROP DATABASE IF EXISTS "databox_botscratch_${incident}"`,
      `CREATE DATABASE "databox_botscratch_${incident}" FROM "databox" (SNAPSHOT_NAME 'before_load')`,
      `DROP DATABASE "databox_botscratch_${incident}"`,
    ]);
  });

  it('says no state from before the damage can be reached by time when only the damaged state is kept, whatever `at`', async () => {
    // A quiet database: made 42 days ago, damaged 20 days ago, nothing written since; retention 7 days.
    const { md, cli } = await setUp('databox', { created: at('2026-03-10 08:00:00'), damaged: at('2026-04-01 08:00:00') });
    for (const moment of ['2026-03-22 09:00:00', '2026-04-02 09:00:00']) {
      const result = await cli(['diagnose', 'motherduck', `at=${moment}`]);
      expect(result.stdout).toContain('Verdict: No state from before the damage can be restored from MotherDuck — only the database as it is now is kept');
      expect(result.stdout).toContain(
        `${moment} UTC (read as UTC, as every moment given to the bot is) cannot be restored to any state but the database as it is now: the only automatic snapshot databox still keeps is of 2026-04-01 08:00:00 UTC, its newest write`,
      );
      expect(result.stdout).toContain('No state from before the damage can be reached by time, whatever `at`; databox has no named snapshot either');
      // Neither a later nor an earlier moment is advised: both would land on the damage again.
      expect(result.stdout).not.toMatch(/Diagnose again with a later moment|diagnose again with an earlier one|recover motherduck path=/);
    }
    // With a named snapshot from before the damage, that is what is left, and how to diagnose it is said.
    md.takeSnapshot(md.live('databox'), 'before_import', at('2026-03-31 08:00:00'));
    const named = await cli(['diagnose', 'motherduck', 'at=2026-04-02 09:00:00']);
    expect(named.stdout).toContain('Verdict: No state from before the damage is kept by time — only the database as it is now (and named snapshots)');
    expect(named.stdout).toContain("Named snapshots, kept whatever the retention: 'before_import' (2026-03-31 08:00:00 UTC)");
    expect(named.stdout).toContain('diagnose motherduck snapshot="<its name>"');
  });

  it('exits 1 when MotherDuck cannot be reached (no token), naming the variable', async () => {
    const { checkout } = await setUp();
    const terminal = scriptedTerminal({ ...checkout.env, USER: 'alice', DATABOX_RUNBOOKS_DIR: path.join(projectRoot, 'runbooks') }, promptedHash);
    const code = await runCli(['diagnose', 'motherduck'], terminal.io, { clock: () => now });
    expect(terminal.stdout()).toContain('MotherDuck cannot be reached');
    expect(terminal.stdout()).toContain('MOTHERDUCK_TOKEN is not set');
    expect(code).toBe(1);
  });

  it.each([
    // With no named snapshot to go back to, only a later moment is left: said, and no named snapshot is pointed to.
    [
      'older than the retention',
      'at=2026-04-10 12:00:00',
      1,
      /2026-04-10 12:00:00 UTC \(read as UTC, as every moment given to the bot is\) is older than the retention \(7 days\): the oldest moment still restorable is 2026-04-19 08:00:00 UTC, so no path can reach it\. databox has no named snapshot to go back to instead\. Diagnose again with a later moment/,
    ],
    ['in the future', 'at=2026-04-22 12:00:00', 2, /at="2026-04-22 12:00:00" is in the future/],
    ['malformed', 'at=yesterday', 2, /at=yesterday is not a timestamp/],
  ])('refuses an `at` %s', async (_name, given, code, message) => {
    const { md, cli } = await setUp();
    const result = await cli(['diagnose', 'motherduck', given]);
    expect(result.code).toBe(code);
    expect(`${result.stdout}${result.stderr}`).toMatch(message);
    expect(md.sql().filter((sql) => !sql.startsWith('SELECT'))).toEqual([]);
  });
});

describe('scenario 2 with DATABOX_BACKEND=motherduck', () => {
  it('keeps the rows, takes a named snapshot before the DELETE, and deletes on MotherDuck', async () => {
    const { md, cli } = await setUp();
    await md.write(
      'databox',
      `CREATE SCHEMA raw_ebird;
       CREATE TABLE raw_ebird.observations AS
         SELECT range AS id, DATE '2026-04-01' + CAST(range % 20 AS INTEGER) AS observation_date FROM range(400);`,
      at('2026-04-20 16:00:00'),
    );
    const result = await cli(['recover', 'backfill', 'path=a', 'source=ebird', 'from=2026-04-18', 'to=2026-04-19', '--approver', 'bob']);
    expect(result.stdout, result.stderr).toContain('Raw rows the DELETE will remove');
    // The terminal's plan marks the restate destructive, as the DELETE: SQLMesh cannot undo it.
    expect(result.stdout).toMatch(/^ +\d+\. DESTRUCTIVE Restate the affected SQLMesh models for the window only$/m);
    const snapshot = md.namedSnapshots()[0] as string;
    expect(snapshot).toMatch(/^databox_bot_dbx_\d{8}_[0-9a-f]{4}_delete_raw_\d{8}T\d{6}Z$/);
    const changes = md.sql().filter((sql) => !/^\s*(SELECT|DESCRIBE)\b/i.test(sql) && !/^(BEGIN|COMMIT|ROLLBACK)/.test(sql));
    // The marts' rows of the window are kept first (the restate replaces them), then the raw rows the DELETE removes.
    expect(changes[0]).toMatch(/^COPY \(SELECT \* FROM "ebird"\."fct_daily_bird_observations" WHERE/);
    expect(changes[1]).toMatch(/^COPY \(SELECT \* FROM "analytics"\."fct_species_environment_daily" WHERE/);
    expect(changes[2]).toMatch(/^COPY \(SELECT \* FROM "raw_ebird"\."observations" WHERE/);
    expect(changes[3]).toBe(`CREATE SNAPSHOT '${snapshot}' OF "databox"`);
    expect(changes[4]).toMatch(/^DELETE FROM "raw_ebird"\."observations"/);
    expect(await md.value('databox', `SELECT count(*) FROM raw_ebird.observations WHERE observation_date BETWEEN DATE '2026-04-18' AND DATE '2026-04-19'`)).toBe('0');
    expect(await md.value('databox', 'SELECT count(*) FROM raw_ebird.observations')).toBe('360');
  });
});
