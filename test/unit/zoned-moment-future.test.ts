// A moment typed with a time zone is refused with the same moment in UTC; when that moment is after now (notFuture), the
// same reply says so, rather than suggesting a value that is then refused as in the future.
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { parseRunbook } from '../../src/runbook/load.js';
import { validateParameters } from '../../src/runbook/params.js';

const file = path.resolve(import.meta.dirname, '..', '..', 'runbooks', 'motherduck.yml');
const rb = parseRunbook(fs.readFileSync(file, 'utf8'), 'motherduck.yml');
const ctx = { root: '/srv', now: new Date('2026-12-05T11:00:00Z') };

async function refusal(at: string): Promise<string> {
  const error = await validateParameters(rb, ['at'], { at }, ctx).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  return (error as UserError).message;
}

it('says in the same reply that the moment in UTC is in the future', async () => {
  expect(await refusal('2026-12-05 07:50:11-05:00')).toBe(
    'at=2026-12-05 07:50:11-05:00 carries a time zone (-05:00): moments are given in UTC, without one; in UTC that is at="2026-12-05 12:50:11", which is in the future (it is 2026-12-05 11:00:00 UTC now): check the zone, or give an earlier moment',
  );
});

it('says nothing of the future for a moment in UTC that is past', async () => {
  expect(await refusal('2026-12-05 05:50:11-05:00')).toBe('at=2026-12-05 05:50:11-05:00 carries a time zone (-05:00): moments are given in UTC, without one; in UTC that is at="2026-12-05 10:50:11"');
});
