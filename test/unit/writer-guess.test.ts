// Tests how the busy verdict names a process that holds the database for writing (src/engine/steps/duckdb-open-step.ts).
import { describe, expect, it } from 'vitest';
import { writerGuess } from '../../src/engine/steps/duckdb-open-step.js';

describe('writerGuess', () => {
  it.each([
    [undefined, 'most likely a running Dagster job'],
    ['/opt/venv/bin/dagster', 'a Dagster process (/opt/venv/bin/dagster)'],
    ['/usr/bin/python3.12', '/usr/bin/python3.12, a Python process: most likely a running Dagster job or dlt load'],
    ['/usr/local/bin/duckdb', '/usr/local/bin/duckdb, which is not Dagster (its jobs run in Python): a script or a tool that holds it open'],
  ])('names %s as %j', (holder, words) => {
    expect(writerGuess(holder)).toBe(words);
  });
});
