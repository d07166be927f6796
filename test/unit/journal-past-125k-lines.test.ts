// A journal of more lines than a function call takes arguments (about 125,000 here) still verifies: its records were
// once added with push(...records), which threw "Maximum call stack size exceeded", so such a bot could not start.
import { expect, it } from 'vitest';
import { verifyJournal } from '../../src/journal/accepted-damage.js';
import { genesisHash, serialize } from '../../src/journal/record.js';

it('verifies a journal of 150,000 lines', () => {
  const lines: string[] = [];
  let prev = genesisHash;
  for (let seq = 1; seq <= 150_000; seq += 1) {
    const { line, record } = serialize({ seq, at: '2026-12-01T00:00:00.000Z', type: 'command.received', incident: null, actor: 'U0OPERATOR', data: {}, prev });
    lines.push(line);
    prev = record.hash;
  }
  const verified = verifyJournal(lines.join(''));
  expect(verified.problem).toBeUndefined();
  expect(verified.records).toHaveLength(150_000);
}, 60_000);
