// Tests that a runbook author's usual slips are refused saying what to write (src/runbook/schema-messages.ts, unset-outputs.ts, read-yaml.ts, command-argv-rules.ts), as a tester planted them in a new runbook written from the README.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRunbooks } from '../../src/runbook/load.js';
import { useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('databox-author-load-messages-');

/** Scenario 5's diagnosis (a tester's soda.yml, cut down): a Soda scan and the failing checks its results table records. */
const soda = `id: soda
title: Soda checks failing
section: 5
summary: Soda checks on the raw tables fail.
symptoms: [soda scan fails]
parameters:
  source: { type: enum, description: the source, values: { ebird: {}, noaa: {} } }
diagnosis:
  parameters: [source]
  steps:
    - { id: open, kind: database-open, title: Open the database read-only }
    - id: scan
      kind: command
      title: Run the Soda scan of the raw contracts
      argv: [uv, run, soda, scan, -d, databox, -c, soda/configuration.yml, soda/checks.yml]
      classify:
        - { exit: 2, status: checks-failed }
      acceptStatuses: [checks-failed]
    - id: results
      kind: sql
      title: Failing checks recorded in the Soda results table
      sql: "SELECT count(*) AS n FROM soda.check_results WHERE outcome = 'fail' AND source = ?"
      params: ["{{source}}"]
      outputs: [n]
      classify:
        - { status: failing, output: n, atLeast: 1 }
      onlyIf: { step: open, status: ok }
  verdicts:
    - id: checks-failing
      title: Soda checks failing
      severity: critical
      when: { step: results, status: failing }
      advice: "{{steps.results.n}} Soda checks fail for {{source}}."
    - id: healthy
      title: Every Soda check passes
      severity: ok
      advice: No Soda check fails for {{source}}.
recovery:
  - { id: a, title: Re-run the load, description: re-runs the load, steps: [{ id: reload, kind: command, title: Re-run the load, argv: [uv, run, dagster, asset, materialize, --select, ebird_dlt_assets], mutates: true }] }
validation:
  steps:
    - { id: open, kind: database-open, title: Open the database read-only }
`;

/** The problems of a folder holding only soda.yml with `from` written as `to` (once), and the line where `to` starts. */
function planted(from: string, to: string): { problems: string[]; at: string } {
  expect(soda).toContain(from);
  const text = soda.replace(from, to);
  const dir = tempDir();
  const file = path.join(dir, 'soda.yml');
  fs.writeFileSync(file, text);
  const line = text.slice(0, text.indexOf(to)).split('\n').length;
  return { problems: checkRunbooks(dir).problems, at: `${file}:${line}` };
}

describe("an author's slip is refused saying what to write", () => {
  it('loads as written', () => {
    expect(planted('advice: No Soda', 'advice: No Soda').problems).toEqual([]);
  });

  it('says to write an exit code given in quotes without them, as for any number', () => {
    const { problems, at } = planted('{ exit: 2,', '{ exit: "2",');
    expect(problems).toEqual([`${at}: at diagnosis.steps[1].classify[0].exit: "2" is text where a number goes: write 2, without quotes`]);
  });

  it('says an exit code written as a word is a number, or one of the words an exit takes', () => {
    const { problems, at } = planted('{ exit: 2,', '{ exit: two,');
    expect(problems).toEqual([`${at}: at diagnosis.steps[1].classify[0].exit: "two" is text where a number goes: write a number, without quotes, or one of zero, nonzero`]);
  });

  it('names a misspelt step once, offering no condition that keeps the typo for the outputs its verdict reads', () => {
    const { problems, at } = planted('when: { step: results,', 'when: { step: resluts,');
    expect(problems).toEqual([`${at}: at diagnosis.verdicts[0].when.step: no step "resluts" in the diagnosis (did you mean "results"?)`]);
  });

  it('says a changing command in a diagnosis belongs in a recovery path, and says so again once it is marked mutates', () => {
    const changing = 'argv: [uv, run, dagster, asset, materialize, --select, ebird_dlt_assets]';
    const unmarked = planted('argv: [uv, run, soda, scan, -d, databox, -c, soda/configuration.yml, soda/checks.yml]', changing);
    expect(unmarked.problems).toEqual([
      `${unmarked.at.replace(/\d+$/, (line) => String(Number(line) - 3))}: at diagnosis.steps[1].mutates: dagster asset materialize changes what Dagster runs or has stored: it belongs among the steps of a recovery path or a rollback, with mutates: true, where it runs only in a plan someone approves; no diagnosis, validation or guard may run it: move it out of one into a recovery path`,
    ]);
    const marked = planted('argv: [uv, run, soda, scan, -d, databox, -c, soda/configuration.yml, soda/checks.yml]', `${changing}\n      mutates: true`);
    expect(marked.problems).toEqual([
      `${marked.at.replace(/\d+$/, (line) => String(Number(line) - 3))}: at diagnosis.steps[1]: diagnosis steps must be read-only: one that changes data belongs among the steps of a recovery path, with mutates: true, where it runs only in a plan someone approves: move it there`,
    ]);
  });

  it('says to quote a value that holds ": " where YAML reads a mapping', () => {
    const { problems, at } = planted('advice: No Soda check fails for {{source}}.', 'advice: No Soda check fails for {{source}}: all good.');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${at.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: not valid YAML: Nested mappings are not allowed in compact mappings`));
    expect(problems[0]).toContain('\nthe value holds ": ", which YAML reads as the start of a mapping when the value is not quoted: quote the whole value ("No Soda check fails for {{source}}: all good."), or a > folded block');
  });
});
