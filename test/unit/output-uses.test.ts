// Tests the load-time checks of how a runbook uses a step's outputs: a list or a map filled in where one value goes, and
// an output named in a verdict, follow-up or rollback whenFailed for a status that leaves it unset; each on a small
// runbook the test writes.
import { describe, expect, it } from 'vitest';
import { refusalOf, type Doc } from '../support/planted-runbook.js';
import { useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('databox-output-uses-');

/** A runbook that loads: a diagnosis of a file and a table's days, one path that moves the file aside, and its rollback. */
function probe(): Doc {
  return {
    id: 'probe',
    title: 'A probe',
    section: 9,
    summary: 'Checks a file and a table',
    symptoms: ['rows missing'],
    diagnosis: {
      steps: [
        { id: 'open', kind: 'duckdb-open', title: 'Open the file', path: '{{database_path}}' },
        { id: 'scan', kind: 'duckdb-scan', title: 'Read every table', path: '{{database_path}}' },
        { id: 'counts', kind: 'day-counts', title: 'Rows per day', table: 'raw.events', dateColumn: 'loaded_at' },
      ],
      verdicts: [
        { id: 'damaged', title: 'Damaged', when: { step: 'scan', status: 'damaged' }, advice: 'Damaged: {{steps.scan.summary}}', paths: ['a'], severity: 'critical' },
        { id: 'gaps', title: 'Days missing', when: { step: 'counts', status: 'anomalies' }, advice: 'Reload {{steps.counts.proposedFrom}} … {{steps.counts.proposedTo}}', severity: 'warning' },
        { id: 'healthy', title: 'Healthy', advice: 'All well: {{steps.scan.tablesRead}} tables read', severity: 'ok' },
      ],
    },
    recovery: [
      {
        id: 'a',
        title: 'Move the file aside',
        description: 'Moves the file aside',
        steps: [
          { id: 'move_db', kind: 'move', title: 'Move the file aside', from: '{{database_path}}', to: '{{database_path}}.broken', mutates: true, destructive: true },
          { id: 'move_wal', kind: 'move', title: 'Move its log aside', from: '{{database_path}}.wal', to: '{{database_path}}.broken.wal', ifMissing: 'skip', mutates: true, destructive: true },
          { id: 'rebuild', kind: 'command', title: 'Rebuild', argv: ['task', 'rebuild'], mutates: true },
        ],
        rollback: {
          title: 'Put the file back',
          steps: [
            { id: 'restore_db', kind: 'move', title: 'Put the file back', from: '{{recovery.move_db.to}}', to: '{{database_path}}', ifTaken: 'fail', onlyIfRan: 'move_db', mutates: true, destructive: true },
          ],
        },
      },
    ],
    validation: {
      steps: [{ id: 'scan', kind: 'duckdb-scan', title: 'Read every table', path: '{{database_path}}' }],
      followUps: [],
    },
  };
}

/** The refusal of `doc` loaded alone, each line after "probe.yml:<line>: "; [] when it loads. */
const refusal = (doc: Doc) => refusalOf(tempDir(), 'probe.yml', doc);

const verdict = (doc: Doc, id: string): Doc => doc.diagnosis.verdicts.find((v: Doc) => v.id === id);

it('the runbook the cases below edit loads as it is', () => {
  expect(refusal(probe())).toEqual([]);
});

describe('a list or a map filled in where one value goes is refused at load', () => {
  it("a list in a verdict's advice, naming the step's text outputs instead", () => {
    const doc = probe();
    verdict(doc, 'damaged').advice = 'Damaged: {{steps.scan.failedTables}}';
    expect(refusal(doc)).toEqual([
      "at diagnosis.verdicts[0].advice: {{steps.scan.failedTables}}: steps.scan.failedTables is a list, not one value, so it does not fill in text: use it in a command's forEach, which repeats over a list, or name one of scan's text outputs: tablesRead, tables, viewsNotJudged, noRows, status, summary",
    ]);
  });

  it("a map in a verdict's suggestion, and a list in a recovery command's argument and in a preview's SQL", () => {
    const doc = probe();
    doc.parameters = { from: { type: 'date', required: false, description: 'first day' } };
    doc.diagnosis.parameters = ['from'];
    doc.recovery[0].parameters = ['from'];
    // A parameter nothing of its path reads is refused: the rebuild reads it.
    doc.recovery[0].steps[2].whenFailed = 'Rebuild from {{from?}} by hand';
    Object.assign(verdict(doc, 'gaps'), { suggest: { from: '{{steps.counts.countsOutside}}' } });
    doc.recovery[0].steps[2].argv = ['task', 'rebuild', '{{diagnosis.counts.badDays}}'];
    doc.recovery[0].previews = [{ id: 'rows', title: 'Rows', sql: 'SELECT count(*) FROM {{diagnosis.scan.failedTables}}' }];
    expect(refusal(doc)).toEqual([
      "at recovery[0].steps[2].argv[2]: {{diagnosis.counts.badDays}}: diagnosis.counts.badDays is a list, not one value, so it does not fill in text: use it in a command's forEach, which repeats over a list, or name one of counts's text outputs: table, from, to, windowProposed, baselineMedian, judgedBy, proposedFrom, proposedTo, firstDay, lastDay, removedAround, badBeforeSaid, beforeWindow, beforeWindowHere, comparison, unionFrom, unionTo, normalBetween, duplicatesInBuilt, problem, status, summary",
      "at recovery[0].previews[0].sql: {{diagnosis.scan.failedTables}}: diagnosis.scan.failedTables is a list, not one value, so it does not fill in SQL: use it in a command's forEach, which repeats over a list, or name one of scan's text outputs: tablesRead, tables, viewsNotJudged, noRows, status, summary",
      'at diagnosis.verdicts[1].suggest.from: {{steps.counts.countsOutside}}: steps.counts.countsOutside is a map (a value for each name), not one value, so it does not fill in text: name one of its values ({{steps.counts.countsOutside.<name>}}; a name holding a dot, a table\'s schema.name, cannot be named so, as the dot ends it: count that one in a step of its own), or name one of counts\'s text outputs: table, from, to, windowProposed, baselineMedian, judgedBy, proposedFrom, proposedTo, firstDay, lastDay, removedAround, badBeforeSaid, beforeWindow, beforeWindowHere, comparison, unionFrom, unionTo, normalBetween, duplicatesInBuilt, problem, status, summary',
    ]);
  });

  it('a list in a forEach loads, and so does one value of a map; one value in a forEach is refused', () => {
    const doc = probe();
    doc.recovery[0].steps[2].argv = ['task', 'rebuild', { forEach: 'diagnosis.scan.failedTables', argv: ['--table', '{{item}}'] }, '--day-before={{diagnosis.counts.countsOutside.2026-04-01}}'];
    expect(refusal(doc)).toEqual([]);
    doc.recovery[0].steps[2].argv[2].forEach = 'diagnosis.scan.tablesRead';
    expect(refusal(doc)).toEqual([
      "at recovery[0].steps[2].argv[2].forEach: {{diagnosis.scan.tablesRead}}: diagnosis.scan.tablesRead is one value, not a list, and forEach repeats over a list: name one of scan's lists: failedTables",
    ]);
  });
});

describe('an output named for a status that leaves it unset is refused at load', () => {
  it('a verdict whose condition matches a status its step sets the output on none of: named, with the status', () => {
    const doc = probe();
    verdict(doc, 'gaps').when = { step: 'counts', status: ['anomalies', 'no-table'] };
    expect(refusal(doc)).toEqual([
      "at diagnosis.verdicts[1].advice: {{steps.counts.proposedFrom}}: steps.counts.proposedFrom is not set when counts's status is no-table, which verdict \"gaps\" matches: narrow its condition to the statuses that set it, or write {{steps.counts.proposedFrom?}} to say nothing then",
      "at diagnosis.verdicts[1].advice: {{steps.counts.proposedTo}}: steps.counts.proposedTo is not set when counts's status is no-table, which verdict \"gaps\" matches: narrow its condition to the statuses that set it, or write {{steps.counts.proposedTo?}} to say nothing then",
    ]);
  });

  it('loads when the placeholder may be empty ({{…?}}), or an earlier verdict takes that status first', () => {
    const optional = probe();
    verdict(optional, 'gaps').when = { step: 'counts', status: ['anomalies', 'no-table'] };
    verdict(optional, 'gaps').advice = 'Reload {{steps.counts.proposedFrom?}} … {{steps.counts.proposedTo?}}';
    expect(refusal(optional)).toEqual([]);
    const taken = probe();
    verdict(taken, 'gaps').when = { step: 'counts', status: ['anomalies', 'no-table'] };
    taken.diagnosis.verdicts.splice(1, 0, { id: 'no-table', title: 'No table', when: { step: 'counts', status: 'no-table' }, advice: 'Load the table first', severity: 'critical' });
    expect(refusal(taken)).toEqual([]);
  });

  it("a status only the engine gives (a crash's failed), which sets no output at all", () => {
    const doc = probe();
    verdict(doc, 'damaged').when = { any: [{ step: 'scan', status: 'damaged' }, { step: 'open', status: 'failed' }] };
    verdict(doc, 'damaged').advice = 'Damaged: {{steps.open.message}}';
    expect(refusal(doc)).toEqual([
      "at diagnosis.verdicts[0].advice: {{steps.open.message}}: steps.open.message is not set when open's status is failed, or when the condition holds without naming open (scan ends damaged), and then open's status may be failed, timeout or interrupted, which verdict \"damaged\" matches: narrow its condition to the statuses that set it, or write {{steps.open.message?}} to say nothing then",
    ]);
  });

  it('the catch-all verdict, given when every step passed: a status a step accepts, skipped on its condition, or left out', () => {
    const doc = probe();
    doc.parameters = { table: { type: 'identifier', required: false, description: 'a table' } };
    doc.diagnosis.parameters = ['table'];
    doc.diagnosis.steps[2].acceptStatuses = ['no-table'];
    doc.diagnosis.steps.push(
      { id: 'again', kind: 'day-counts', title: 'Rows per day, read again', table: 'raw.events', dateColumn: 'loaded_at', onlyIf: { step: 'counts', status: 'ok' } },
      { id: 'given', kind: 'day-counts', title: 'Rows per day of the table given', table: '{{table}}', dateColumn: 'loaded_at', onlyIfGiven: 'table' },
    );
    verdict(doc, 'healthy').advice = 'All well since {{steps.counts.firstDay}}, {{steps.again.firstDay}} and {{steps.given.firstDay}}';
    const catchAll = 'which the catch-all verdict "healthy" is given with (every step passed): give a verdict of its own for that';
    expect(refusal(doc)).toEqual([
      `at diagnosis.verdicts[2].advice: {{steps.counts.firstDay}}: steps.counts.firstDay is not set when counts's status is no-table, ${catchAll}, or write {{steps.counts.firstDay?}} to say nothing then`,
      `at diagnosis.verdicts[2].advice: {{steps.again.firstDay}}: steps.again.firstDay is not set when again's status is skipped, ${catchAll}, or write {{steps.again.firstDay?}} to say nothing then`,
      `at diagnosis.verdicts[2].advice: {{steps.given.firstDay}}: steps.given.firstDay is not set when given is left out (onlyIfGiven: table, not given), ${catchAll}, or write {{steps.given.firstDay?}} to say nothing then`,
    ]);
  });

  it('the catch-all verdict reads the output of a step that runs after an earlier one passed: that step ran then', () => {
    const doc = probe();
    // The catch-all is given with scan ok (it accepts nothing else), so a step on scan's ok ran; one on counts' ok may not
    // have, counts accepting no-table.
    doc.diagnosis.steps[2].acceptStatuses = ['no-table'];
    doc.diagnosis.steps.push(
      { id: 'after_scan', kind: 'day-counts', title: 'Rows per day after the scan', table: 'raw.events', dateColumn: 'loaded_at', onlyIf: { step: 'scan', status: 'ok' } },
      { id: 'after_both', kind: 'day-counts', title: 'Rows per day after both', table: 'raw.events', dateColumn: 'loaded_at', onlyIf: { all: [{ step: 'scan', status: 'ok' }, { step: 'after_scan', status: ['ok', 'anomalies'] }] } },
    );
    Object.assign(verdict(doc, 'gaps'), { when: { step: 'after_scan', status: 'anomalies' }, advice: 'Reload {{steps.after_scan.proposedFrom}} … {{steps.after_scan.proposedTo}}' });
    verdict(doc, 'healthy').advice = 'All well since {{steps.after_scan.firstDay}} and {{steps.after_both.firstDay}}';
    expect(refusal(doc)).toEqual([]);
    doc.diagnosis.steps[3].onlyIf = { step: 'counts', status: 'ok' };
    expect(refusal(doc)).toEqual([
      "at diagnosis.verdicts[2].advice: {{steps.after_scan.firstDay}}: steps.after_scan.firstDay is not set when after_scan's status is skipped, which the catch-all verdict \"healthy\" is given with (every step passed): give a verdict of its own for that, or write {{steps.after_scan.firstDay?}} to say nothing then",
      "at diagnosis.verdicts[2].advice: {{steps.after_both.firstDay}}: steps.after_both.firstDay is not set when after_both's status is skipped, which the catch-all verdict \"healthy\" is given with (every step passed): give a verdict of its own for that, or write {{steps.after_both.firstDay?}} to say nothing then",
    ]);
  });

  it('a verdict naming a step skipped together with the step its condition is on, which then held: no such case', () => {
    const doc = probe();
    doc.diagnosis.steps.push({ id: 'after_scan', kind: 'day-counts', title: 'Rows per day after the scan', table: 'raw.events', dateColumn: 'loaded_at', onlyIf: { step: 'scan', status: 'ok' } });
    verdict(doc, 'gaps').when = { all: [{ step: 'scan', status: ['ok', 'unopenable'] }, { step: 'after_scan', status: ['anomalies', 'skipped'] }] };
    verdict(doc, 'gaps').advice = 'Reload {{steps.after_scan.proposedFrom}}';
    expect(refusal(doc)).toEqual([
      "at diagnosis.verdicts[1].advice: {{steps.after_scan.proposedFrom}}: steps.after_scan.proposedFrom is not set when after_scan's status is skipped, which verdict \"gaps\" matches: narrow its condition to the statuses that set it, or write {{steps.after_scan.proposedFrom?}} to say nothing then",
    ]);
    verdict(doc, 'gaps').when = { all: [{ step: 'scan', status: 'ok' }, { step: 'after_scan', status: ['anomalies', 'skipped'] }] };
    expect(refusal(doc)).toEqual([]);
  });

  it("a branch of an any on another step, in which the step read may not have run", () => {
    const doc = probe();
    // As in duckdb.yml: the scan runs only on a file that opened.
    doc.diagnosis.steps[1].onlyIf = { step: 'open', status: 'ok' };
    verdict(doc, 'damaged').when = { any: [{ step: 'open', status: 'corrupt' }, { step: 'scan', status: 'damaged' }] };
    verdict(doc, 'damaged').advice = 'Damaged: {{steps.scan.tablesRead}} tables read';
    expect(refusal(doc)).toEqual([
      "at diagnosis.verdicts[0].advice: {{steps.scan.tablesRead}}: steps.scan.tablesRead is not set when the condition holds without naming scan (open ends corrupt), and then scan's status may be skipped, which verdict \"damaged\" matches: narrow its condition to the statuses that set it, or write {{steps.scan.tablesRead?}} to say nothing then",
    ]);
    verdict(doc, 'damaged').advice = 'Damaged: {{steps.scan.tablesRead?}} tables read';
    expect(refusal(doc)).toEqual([]);
    // Where scan ended damaged, it ran, so its condition held: open ended ok, which sets open's message.
    verdict(doc, 'damaged').advice = 'Damaged: {{steps.open.message}}';
    expect(refusal(doc)).toEqual([]);
  });

  it("a verdict reading a step it does not name, which that step's own onlyIf skips for certain on the statuses the verdict names", () => {
    const doc = probe();
    // As in duckdb.yml: the scan runs only on a file that opened.
    doc.diagnosis.steps[1].onlyIf = { step: 'open', status: 'ok' };
    doc.diagnosis.verdicts.unshift({ id: 'corrupt', title: 'Corrupt', when: { step: 'open', status: ['corrupt', 'not-duckdb'] }, advice: 'Corrupt: {{steps.scan.tablesRead}} tables read', severity: 'critical' });
    expect(refusal(doc)).toEqual([
      'at diagnosis.verdicts[0].advice: {{steps.scan.tablesRead}}: steps.scan.tablesRead is not set when open ends corrupt or open ends not-duckdb, as scan is then skipped for certain (its onlyIf cannot hold), which verdict "corrupt" matches: narrow its condition to the statuses that set it, or write {{steps.scan.tablesRead?}} to say nothing then',
    ]);
    // Its status and summary are set all the same: the engine says it skipped it.
    doc.diagnosis.verdicts[0].advice = 'Corrupt: {{steps.scan.summary}}';
    expect(refusal(doc)).toEqual([]);
    // A step skipped only for some of the verdict's statuses is refused for those.
    doc.diagnosis.verdicts[0].when = { step: 'open', status: ['ok', 'corrupt'] };
    doc.diagnosis.verdicts[0].advice = 'Corrupt: {{steps.scan.tablesRead}} tables read';
    // (The catch-all, given on none of open's statuses then, reads scan's too: said as may-be-skipped, as before.)
    verdict(doc, 'healthy').advice = 'All well: {{steps.scan.tablesRead?}} tables read';
    expect(refusal(doc)).toEqual([expect.stringContaining('steps.scan.tablesRead is not set when open ends corrupt, as scan is then skipped for certain')]);
    // One on a step its onlyIf does not name may or may not have let it run: refused too, with the condition to write.
    doc.diagnosis.verdicts[0].when = { step: 'counts', status: 'no-table' };
    expect(refusal(doc)).toEqual([
      'at diagnosis.verdicts[0].advice: {{steps.scan.tablesRead}}: steps.scan.tablesRead is not set when scan\'s status is skipped, which verdict "corrupt" may be given with, as its condition never names scan: name scan in its condition with the statuses that set it (ok, empty, damaged, unclear-blocks, timeout, interrupted, unopenable, unreadable, out-of-memory, broken-views, missing or failed): when: { all: [{ step: counts, status: no-table }, { step: scan, status: [ok, empty, damaged, unclear-blocks, timeout, interrupted, unopenable, unreadable, out-of-memory, broken-views, missing, failed] }] }, or write {{steps.scan.tablesRead?}} to say nothing then',
    ]);
  });

  it('a step skipped for certain because the step its onlyIf names was skipped, or did not run as a step the verdict names tells', () => {
    const doc = probe();
    doc.diagnosis.steps[1].onlyIf = { step: 'open', status: 'ok' };
    doc.diagnosis.steps[2].onlyIf = { step: 'scan', status: 'ok' };
    doc.diagnosis.verdicts.unshift({ id: 'corrupt', title: 'Corrupt', when: { step: 'open', status: 'corrupt' }, advice: 'Reload from {{steps.counts.proposedFrom}}', severity: 'critical' });
    expect(refusal(doc)).toEqual([expect.stringContaining('steps.counts.proposedFrom is not set when open ends corrupt, as counts is then skipped for certain')]);
    // scan ran (it ended damaged), so its onlyIf held: open ended ok, and a step run only on a corrupt file did not run.
    doc.diagnosis.verdicts.shift();
    doc.diagnosis.steps.push({ id: 'salvage', kind: 'duckdb-scan', title: 'Read what is left', path: '{{database_path}}', onlyIf: { step: 'open', status: 'corrupt' } });
    verdict(doc, 'damaged').advice = 'Read {{steps.salvage.tablesRead}} tables';
    expect(refusal(doc)).toEqual([expect.stringContaining('steps.salvage.tablesRead is not set when scan ends damaged, as salvage is then skipped for certain')]);
  });

  it('a verdict on a count whose database (MotherDuck) could not be reached: it names why, and nothing the count sets', () => {
    const doc = probe();
    doc.diagnosis.verdicts.unshift({ id: 'unreachable', title: 'Not reached', when: { step: 'counts', status: 'unreachable' }, advice: 'Not reached: {{steps.counts.problem}}', severity: 'critical' });
    expect(refusal(doc)).toEqual([]);
    doc.diagnosis.verdicts[0].advice = 'Reload {{steps.counts.proposedFrom}}';
    expect(refusal(doc)).toEqual([
      "at diagnosis.verdicts[0].advice: {{steps.counts.proposedFrom}}: steps.counts.proposedFrom is not set when counts's status is unreachable, which verdict \"unreachable\" matches: narrow its condition to the statuses that set it, or write {{steps.counts.proposedFrom?}} to say nothing then",
    ]);
  });

  it("a validation follow-up's advice and the plan it offers", () => {
    const doc = probe();
    doc.parameters = { from: { type: 'date', required: false, description: 'first day' } };
    doc.recovery[0].parameters = ['from'];
    // A parameter nothing of its path reads is refused: the rebuild reads it.
    doc.recovery[0].steps[2].whenFailed = 'Rebuild from {{from?}} by hand';
    doc.validation.steps.push({ id: 'counts', kind: 'day-counts', title: 'Rows per day', table: 'raw.events', dateColumn: 'loaded_at' });
    doc.validation.followUps = [
      {
        when: { step: 'counts', status: ['anomalies', 'damaged'] },
        advice: 'Still missing from {{steps.counts.proposedFrom}}',
        proposes: { path: 'a', label: 'Plan it', params: { from: '{{steps.counts.unionFrom}}' } },
      },
    ];
    expect(refusal(doc)).toEqual([
      "at validation.followUps[0].advice: {{steps.counts.proposedFrom}}: steps.counts.proposedFrom is not set when counts's status is damaged, which this follow-up matches: narrow its condition to the statuses that set it, or write {{steps.counts.proposedFrom?}} to say nothing then",
      "at validation.followUps[0].proposes.params.from: {{steps.counts.unionFrom}}: steps.counts.unionFrom is not set when counts's status is damaged, which this follow-up matches: narrow its condition to the statuses that set it, or write {{steps.counts.unionFrom?}} to say nothing then",
    ]);
  });

  it("a rollback step's whenFailed reading the output of the step it is bound to, which that step may have run without", () => {
    const doc = probe();
    doc.recovery[0].rollback.steps.push({ id: 'undo_rebuild', kind: 'command', title: 'Undo the rebuild', argv: ['task', 'unbuild'], onlyIfRan: 'rebuild', mutates: true, whenFailed: 'The rebuild exited {{recovery.rebuild.exitCode}}: undo it by hand' });
    expect(refusal(doc)).toEqual([
      "at recovery[0].rollback.steps[1].whenFailed: {{recovery.rebuild.exitCode}}: recovery.rebuild.exitCode is not set when rebuild's status is failed, timeout or interrupted, which its onlyIfRan: rebuild counts as run (it may have changed something), so this step is in the rollback then: name what is set then, or write {{recovery.rebuild.exitCode?}} to say nothing then",
    ]);
  });
});

describe("a rollback part reading what a step stopped part-way sets", () => {
  it("is built on a move half done, which records where the file is, but not on a drop whose outputs a failure may leave unset", () => {
    const doc = probe();
    doc.recovery[0].steps.push({ id: 'drop_clones', kind: 'leftover-clones', title: 'Drop the clones', databases: ['databox_x'], drop: true, mutates: true, destructive: true });
    doc.recovery[0].rollback.steps.push(
      { id: 'put_back', kind: 'move', title: 'Put the file back', from: '{{recovery.move_db.to}}', to: '{{database_path}}', ifTaken: 'fail', onlyIfRan: 'move_db', mutates: true, destructive: true },
      { id: 'undrop', kind: 'command', title: 'Bring the clones back', argv: ['undrop', '{{recovery.drop_clones.clones}}'], onlyIfRan: 'drop_clones', mutates: true },
    );
    expect(refusal(doc)).toEqual([
      "at recovery[0].rollback.steps[2].argv[1]: {{recovery.drop_clones.clones}}: recovery.drop_clones.clones is not set when drop_clones's status is failed or timeout, which its onlyIfRan: drop_clones counts as run (it may have changed something), so this step is in the rollback then: the rollback cannot be built when drop_clones ended so: bind this step to a step that sets it, or read what is set then",
    ]);
  });
});

describe('a name past an output that has no values by name', () => {
  it('is refused on a text or a list output', () => {
    const doc = probe();
    verdict(doc, 'damaged').advice = 'First damaged: {{steps.scan.failedTables.0}}';
    verdict(doc, 'healthy').advice = 'All well: {{steps.scan.tablesRead.text}} tables read';
    expect(refusal(doc)).toEqual([
      'at diagnosis.verdicts[0].advice: {{steps.scan.failedTables.0}}: steps.scan.failedTables is a list, which has no ".0": read {{steps.scan.failedTables}} itself (in a command\'s forEach)',
      'at diagnosis.verdicts[2].advice: {{steps.scan.tablesRead.text}}: steps.scan.tablesRead is one value, which has no ".text": read {{steps.scan.tablesRead}} itself',
    ]);
  });

  it("is refused past one value of a map, which is one value too; that value itself loads", () => {
    const doc = probe();
    verdict(doc, 'gaps').advice = 'Outside the window: {{steps.counts.countsOutside.before.rows}} rows';
    expect(refusal(doc)).toEqual([
      'at diagnosis.verdicts[1].advice: {{steps.counts.countsOutside.before.rows}}: steps.counts.countsOutside.before is one value of the map steps.counts.countsOutside, which has no ".rows": read {{steps.counts.countsOutside.before}} itself',
    ]);
    verdict(doc, 'gaps').advice = 'Outside the window: {{steps.counts.countsOutside.before}} rows';
    expect(refusal(doc)).toEqual([]);
  });
});

describe('{{previews.…}} where a path with previews does not see them', () => {
  it("a guard's and the path's whenFailed are told why, not that the path has none", () => {
    const doc = probe();
    const path = doc.recovery[0];
    path.previews = [{ id: 'rows', title: 'Rows', sql: 'SELECT count(*) FROM raw.events' }];
    path.guards = [{ id: 'opens', kind: 'duckdb-open', title: 'The file opens', path: '{{database_path}}', whenFailed: 'Rows: {{previews.rows}}' }];
    path.whenFailed = 'Rows: {{previews.rows}}';
    path.steps[2].whenFailed = 'Rows: {{previews.rows}}';
    const refused = refusal(doc);
    expect(refused).toEqual([
      expect.stringContaining('{{previews.…}} is not set in guards: they run before the previews are counted, and see none (read them in the steps after)'),
      expect.stringContaining("{{previews.…}} is not set in a path's whenFailed (or whenFailedOpens): said of the whole path, it sees no previews (a step's own whenFailed does)"),
    ]);
  });
});

describe("a rollback's argv, path or SQL reading an output its bound step (onlyIfRan) leaves unset for a status it may have run with", () => {
  it('a command that may have failed or timed out, and its preview, each named; no {{…?}} offered where the value is run', () => {
    const doc = probe();
    const rollback = doc.recovery[0].rollback;
    rollback.steps.push({ id: 'stop_rebuild', kind: 'command', title: 'Stop what the rebuild started', argv: ['kill', '{{recovery.rebuild.exitCode}}'], onlyIfRan: 'rebuild', mutates: true });
    rollback.previews = [{ id: 'rebuilt', title: 'Rows rebuilt', sql: 'SELECT ?', params: ['{{recovery.rebuild.exitCode}}'], onlyIfRan: 'rebuild' }];
    rollback.inspect = [{ id: 'rebuild_log', kind: 'command', title: 'What the rebuild left', argv: ['task', 'rebuild-log', '{{recovery.rebuild.exitCode}}'], onlyIfRan: 'rebuild' }];
    const unset = "recovery.rebuild.exitCode is not set when rebuild's status is failed, timeout or interrupted, which its onlyIfRan: rebuild counts as run (it may have changed something), so this";
    expect(refusal(doc)).toEqual([
      `at recovery[0].rollback.inspect[0].argv[2]: {{recovery.rebuild.exitCode}}: ${unset} inspect step is in the rollback then: the rollback cannot be built when rebuild ended so: bind this inspect step to a step that sets it, or read what is set then`,
      `at recovery[0].rollback.previews[0].params[0]: {{recovery.rebuild.exitCode}}: ${unset} preview is in the rollback then: the rollback cannot be built when rebuild ended so: bind this preview to a step that sets it, or read what is set then`,
      `at recovery[0].rollback.steps[1].argv[1]: {{recovery.rebuild.exitCode}}: ${unset} step is in the rollback then: the rollback cannot be built when rebuild ended so: bind this step to a step that sets it, or read what is set then`,
    ]);
  });
});

describe("a rollback's inspect step, guard, preview or whenFailed reading a recovery step's output is bound to that step (onlyIfRan) when it may have none", () => {
  it('a preview and a guard reading what a step skipped when there is nothing to move never gives', () => {
    const doc = probe();
    const rollback = doc.recovery[0].rollback;
    rollback.previews = [{ id: 'wal_rows', title: 'Rows in the log put back', sql: 'SELECT count(*) FROM read_parquet(?)', params: ['{{recovery.move_wal.to}}'] }];
    rollback.guards = [{ id: 'wal_opens', kind: 'duckdb-open', title: 'The log put back opens', path: '{{recovery.move_wal.to}}' }];
    const skipped = 'recovery step "move_wal" can end without it: it has ifMissing: skip, so it is skipped when there is nothing to move';
    expect(refusal(doc)).toEqual([
      `at recovery[0].rollback.guards[0]: rollback guard "wal_opens" reads {{recovery.move_wal.to}}, but ${skipped}. Add onlyIfRan: move_wal to "wal_opens", so the rollback leaves it out when move_wal did not run`,
      `at recovery[0].rollback.previews[0]: rollback preview "wal_rows" reads {{recovery.move_wal.to}}, but ${skipped}. Add onlyIfRan: move_wal to "wal_rows", so the rollback leaves it out when move_wal did not run`,
    ]);
    rollback.previews[0].onlyIfRan = 'move_wal';
    rollback.guards[0].onlyIfRan = 'move_wal';
    expect(refusal(doc)).toEqual([]);
  });

  it("a step or preview reading the engine's MotherDuck-only snapshot before a destructive step", () => {
    const doc = probe();
    const rollback = doc.recovery[0].rollback;
    rollback.previews = [{ id: 'snapshot_taken', title: 'The snapshot taken', sql: 'SELECT ?', params: ['{{recovery.move_db_snapshot.snapshot}}'] }];
    rollback.steps[0].whenFailed = 'Restore the snapshot {{recovery.move_db_snapshot.snapshot}} by hand';
    const why = 'recovery step "move_db_snapshot" can end without it: the engine takes it only when the plan changes MotherDuck, so a run on a local DuckDB database has none';
    expect(refusal(doc)).toEqual([
      `at recovery[0].rollback.previews[0]: rollback preview "snapshot_taken" reads {{recovery.move_db_snapshot.snapshot}}, but ${why}. Add onlyIfRan: move_db_snapshot to "snapshot_taken", so the rollback leaves it out when move_db_snapshot did not run`,
      `at recovery[0].rollback.steps[0].onlyIfRan: rollback step "restore_db" reads {{recovery.move_db_snapshot.snapshot}}, but ${why}. Its onlyIfRan: move_db (a part has one only) does not say whether move_db_snapshot ran: write {{recovery.move_db_snapshot.snapshot?}} in its whenFailed, to say nothing there when move_db_snapshot did not run`,
    ]);
    // A runbook holding the MotherDuck lock always changes MotherDuck: its plans always take the snapshot.
    expect(refusal({ ...doc, lockKey: '{{targets.motherduck.lock}}' })).toEqual([]);
    rollback.previews[0].onlyIfRan = 'move_db_snapshot';
    rollback.steps[0].whenFailed = 'Restore the snapshot {{recovery.move_db_snapshot.snapshot?}} by hand, if one was taken';
    expect(refusal(doc)).toEqual([]);
  });

  it('an inspect step, run when the rollback is asked for, reading what a step skipped when there is nothing to move never gives', () => {
    const doc = probe();
    const rollback = doc.recovery[0].rollback;
    rollback.inspect = [{ id: 'wal_kept', kind: 'duckdb-open', title: 'The log moved aside opens', path: '{{recovery.move_wal.to}}' }];
    expect(refusal(doc)).toEqual([
      'at recovery[0].rollback.inspect[0]: rollback inspect step "wal_kept" reads {{recovery.move_wal.to}}, but recovery step "move_wal" can end without it: it has ifMissing: skip, so it is skipped when there is nothing to move. Add onlyIfRan: move_wal to "wal_kept", so the rollback leaves it out when move_wal did not run',
    ]);
    rollback.inspect[0].onlyIfRan = 'move_bd';
    expect(refusal(doc)).toEqual(['at recovery[0].rollback.inspect[0].onlyIfRan: no recovery step "move_bd" in path a (did you mean "move_db"?)']);
    rollback.inspect[0].onlyIfRan = 'move_wal';
    expect(refusal(doc)).toEqual([]);
  });

  it("a guard's onlyIfRan names a step of the recovery", () => {
    const doc = probe();
    doc.recovery[0].rollback.guards = [{ id: 'opens', kind: 'duckdb-open', title: 'The file opens', path: '{{database_path}}', onlyIfRan: 'move_bd' }];
    expect(refusal(doc)).toEqual(['at recovery[0].rollback.guards[0].onlyIfRan: no recovery step "move_bd" in path a (did you mean "move_db"?)']);
  });

  it("a rollback step's whenFailed, filled in when its plan is made", () => {
    const doc = probe();
    doc.recovery[0].rollback.steps[0].whenFailed = 'Put {{recovery.move_wal.to}} back by hand too';
    expect(refusal(doc)).toEqual([
      'at recovery[0].rollback.steps[0].onlyIfRan: rollback step "restore_db" reads {{recovery.move_wal.to}}, but recovery step "move_wal" can end without it: it has ifMissing: skip, so it is skipped when there is nothing to move. Its onlyIfRan: move_db (a part has one only) does not say whether move_wal ran: write {{recovery.move_wal.to?}} in its whenFailed, to say nothing there when move_wal did not run',
    ]);
  });

  it("a rollback step bound to one step running another's output: no {{…?}} offered where the value is run", () => {
    const doc = probe();
    doc.recovery[0].rollback.steps[0].from = '{{recovery.move_wal.from}}';
    expect(refusal(doc)).toEqual([
      'at recovery[0].rollback.steps[0].onlyIfRan: rollback step "restore_db" reads {{recovery.move_wal.from}}, but recovery step "move_wal" can end without it: it has ifMissing: skip, so it is skipped when there is nothing to move. Its onlyIfRan: move_db (a part has one only) does not say whether move_wal ran, so the rollback could not be built then: read only what move_db gives here, or undo move_wal in a step of its own with onlyIfRan: move_wal',
    ]);
  });
});

describe("a path's whenFailedOpens, filled in from the diagnosis after the path ran, as a verdict's opens is from its own", () => {
  /** probe() with a diagnosis parameter for the diagnosis opened to take, path A saying what to do when its validation fails. */
  const opening = (from: string, opens = '{{steps.counts.proposedFrom}}'): Doc => {
    const doc = probe();
    doc.parameters = { from: { type: 'date', required: false, description: 'first day' } };
    doc.diagnosis.parameters = ['from'];
    verdict(doc, 'gaps').opens = { scenario: 'probe', params: { from: opens } };
    Object.assign(doc.recovery[0], { whenFailed: 'Still broken: diagnose again from the first day missing', whenFailedOpens: { scenario: 'probe', params: { from } } });
    return doc;
  };

  it('is refused reading an output a verdict offering the path leaves unset, in the shape a verdict opens is refused in', () => {
    const doc = opening('{{diagnosis.counts.proposedFrom}}');
    verdict(doc, 'damaged').paths = [];
    verdict(doc, 'gaps').when = { step: 'counts', status: ['anomalies', 'no-table'] };
    verdict(doc, 'gaps').advice = 'Days missing';
    verdict(doc, 'gaps').paths = ['a'];
    expect(refusal(doc)).toEqual([
      "at diagnosis.verdicts[1].opens.params.from: {{steps.counts.proposedFrom}}: steps.counts.proposedFrom is not set when counts's status is no-table, which verdict \"gaps\" matches: narrow its condition to the statuses that set it, or write {{steps.counts.proposedFrom?}} to say nothing then",
      "at recovery[0].whenFailedOpens.params.from: {{diagnosis.counts.proposedFrom}}: diagnosis.counts.proposedFrom is not set when counts's status is no-table, which verdict \"gaps\" matches, and it offers path a: narrow that verdict's condition to the statuses that set it, or write {{diagnosis.counts.proposedFrom?}} to say nothing then",
    ]);
  });

  it('is refused reading an output of a step the condition of a verdict offering the path never names', () => {
    const doc = opening('{{diagnosis.counts.proposedFrom}}');
    expect(refusal(doc)).toEqual([
      "at recovery[0].whenFailedOpens.params.from: {{diagnosis.counts.proposedFrom}}: diagnosis.counts.proposedFrom is not set when counts's status is no-table, bad-dates, damaged, failed, unreachable, timeout or interrupted, which verdict \"damaged\", which offers path a, may be given with, as its condition never names counts: name counts in its condition with the statuses that set it (ok, anomalies, duplicates, doubled, no-baseline, no-data, empty or not-judged): when: { all: [{ step: scan, status: damaged }, { step: counts, status: [ok, anomalies, duplicates, doubled, no-baseline, no-data, empty, not-judged] }] }, or write {{diagnosis.counts.proposedFrom?}} to say nothing then",
    ]);
  });

  it('loads reading a parameter of the path, or an output every verdict offering it leaves set', () => {
    const doc = opening('{{diagnosis.scan.summary}}');
    expect(refusal(doc)).toEqual([]);
  });
});
