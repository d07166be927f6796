// Tests refuseReadIfLocked and refuseIfLocked (src/incidents/database-lock.ts): what a diagnosis or a second plan is told
// while a plan holds its database, with the holder's process alive here, gone, or on another host.
import os from 'node:os';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { refuseIfLocked, refuseReadIfLocked } from '../../src/incidents/database-lock.js';
import type { Incident, Run } from '../../src/incidents/state.js';
import { identityOf, type ProcessIdentity } from '../../src/process/identity.js';

const lockKey = '/srv/databox/data/databox.duckdb';

/** The holder's incident has a Slack thread unless `thread` is false (opened at a terminal, never posted to Slack). */
function holdersOf(status: Run['status'], runner?: ProcessIdentity, thread = true) {
  const run = { id: 'dbx-20261201-0b0b/2', incidentId: 'dbx-20261201-0b0b', title: 'Path A: Rebuild from raw dlt state', status, requestedBy: 'U0OPERATOR', decidedBy: 'U0TEAMMATE', runner } as Run;
  const incident = { id: run.incidentId, refs: thread ? { slack: { channel: 'C0INCIDENT', ts: '1764547200.000100' } } : {} } as unknown as Incident;
  return { lockHolder: (key: string) => (key === lockKey ? run : undefined), incidents: new Map([[incident.id, incident]]) };
}

function refusal(action: () => void): string {
  try {
    action();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('not refused');
}

/** The identity of a process that has exited: same host and boot, its PID gone. */
async function goneProcess(): Promise<ProcessIdentity> {
  const child = execa(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
  const identity = identityOf(child.pid as number);
  child.kill();
  await child.catch(() => undefined);
  return identity;
}

describe('a diagnosis refused while a plan changes its database', () => {
  it('is told to wait for the plan, where its progress shows, and not to unlock a plan whose process runs', () => {
    const text = refusal(() => refuseReadIfLocked(holdersOf('running', identityOf()), lockKey, 'diagnose'));
    expect(text).toBe(
      'refused: nothing was read from databox.duckdb, because a recovery is changing it right now: diagnose again once plan dbx-20261201-0b0b/2 (Path A: Rebuild from raw dlt state) has finished (its progress shows in the incident\'s Slack thread, or `/databox status`).',
    );
    expect(text).not.toMatch(/unlock|One mutating plan/);
  });

  it('is sent to `/databox status` alone when the plan\'s incident has no Slack thread (opened at a terminal)', () => {
    expect(refusal(() => refuseReadIfLocked(holdersOf('running', identityOf(), false), lockKey, 'diagnose'))).toMatch(
      /has finished \(its progress shows in `\/databox status`\)\.$/,
    );
  });

  it('is told the plan is about to start when it is approved and not yet running', () => {
    expect(refusal(() => refuseReadIfLocked(holdersOf('approved'), lockKey, 'validate'))).toMatch(
      /because a recovery approved a moment ago is about to change it: validate again once plan dbx-20261201-0b0b\/2 .* has finished/,
    );
  });

  it('is told how to unlock only when the plan\'s process is gone', async () => {
    const text = refusal(() => refuseReadIfLocked(holdersOf('running', undefined), lockKey, 'diagnose'));
    expect(text).not.toContain('unlock');
    const gone = await goneProcess();
    expect(refusal(() => refuseReadIfLocked(holdersOf('running', gone), lockKey, 'diagnose'))).toBe(
      `refused: databox.duckdb is held by plan dbx-20261201-0b0b/2 (Path A: Rebuild from raw dlt state), left running: its process (PID ${gone.pid}) is gone: \`/databox unlock dbx-20261201-0b0b/2\` clears it, with a second person's approval. Then diagnose again.`,
    );
  });

  it('names the host a plan run elsewhere was started on, and the unlock, when this one cannot see its processes (a recreated container)', () => {
    const elsewhere = { ...identityOf(), host: 'databox-bot-7f9c4' };
    expect(refusal(() => refuseReadIfLocked(holdersOf('running', elsewhere), lockKey, 'diagnose'))).toBe(
      `refused: databox.duckdb is held by plan dbx-20261201-0b0b/2 (Path A: Rebuild from raw dlt state), left running: it was started on host databox-bot-7f9c4, whose processes this one (${os.hostname()}) cannot see: if nothing there runs it any more (a container since recreated), \`/databox unlock dbx-20261201-0b0b/2\` clears it, with a second person's approval. Then diagnose again.`,
    );
  });

  it('lets the read go ahead when nothing holds the database', () => {
    expect(() => refuseReadIfLocked(holdersOf('running'), '/elsewhere.duckdb', 'diagnose')).not.toThrow();
  });
});

describe('a second plan refused while one changes the database', () => {
  it('still names the rule and the unlock for a plan stuck for good', () => {
    expect(refusal(() => refuseIfLocked(holdersOf('running', identityOf()), lockKey))).toMatch(/which is running\. One mutating plan per database at a time\. If the process running it is gone for good, `\/databox unlock dbx-20261201-0b0b\/2` clears it/);
  });

  it('says the plan\'s process is gone, and the unlock that clears it, when this host can tell', async () => {
    const gone = await goneProcess();
    expect(refusal(() => refuseIfLocked(holdersOf('running', gone), lockKey))).toBe(
      `refused: databox.duckdb is held by plan dbx-20261201-0b0b/2 (Path A: Rebuild from raw dlt state), requested by U0OPERATOR and approved by U0TEAMMATE, which is running on the record, but its process (PID ${gone.pid}) is gone: \`/databox unlock dbx-20261201-0b0b/2\` clears it, with a second person's approval. One mutating plan per database at a time.`,
    );
  });
});
