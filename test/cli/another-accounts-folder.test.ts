// Two operators on separate OS accounts: a plan that keeps rows in a folder another account made (mode 0755) is refused
// before anything runs, when it is proposed and when it is approved, naming the folder, its owner and mode, and what to do.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execaSync } from 'execa';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Checkout } from '../../demo/checkout.js';
import { buildTestCheckout } from '../helpers/demo-checkout.js';
import { verifyLines, type JournalRecord } from '../../src/journal/record.js';
import { cliEnv, projectRoot, runCliProcess } from '../helpers/cli-process.js';

const temps: string[] = [];
afterAll(() => temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/**
 * As root the tests' CLI runs without root's powers (setpriv), so a folder of another uid holds for it as for any
 * other account; the other account is 65534 (nobody), which a test may chown to. Not as root: no other uid to give it.
 */
const asRoot = process.getuid?.() === 0;
const otherUid = 65534;

let checkout: Checkout;
let env: Record<string, string>;

beforeEach(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'another-accounts-folder-'));
  temps.push(dir);
  checkout = await buildTestCheckout(dir, { corrupt: false });
  env = cliEnv({ ...checkout.env, USER: 'alice', DATABOX_RUNBOOKS_DIR: path.join(projectRoot, 'runbooks') });
});

function journal(): JournalRecord[] {
  return verifyLines(fs.readFileSync(path.join(checkout.stateDir, 'journal.jsonl'), 'utf8')).records;
}

/** The words of the path A recovery a backfill diagnosis offers. */
async function recoveryOffered(): Promise<string[]> {
  const diagnosed = await runCliProcess(['diagnose', 'backfill', 'source=ebird'], { env, stdin: 'ignore' });
  const command = /npm run --silent cli -- (recover backfill path=a [^\n]*)/.exec(diagnosed.stdout)?.[1];
  expect(command, diagnosed.stdout).toBeDefined();
  return (command as string).split(' ');
}

/** The state dir's backups folder, made first by another OS account (mode 0755, as its umask leaves it). */
function backupsOfAnotherAccount(): string {
  const backups = path.join(checkout.stateDir, 'backups');
  fs.mkdirSync(backups, { recursive: true, mode: 0o755 });
  fs.chmodSync(backups, 0o755);
  fs.chownSync(backups, otherUid, otherUid);
  return backups;
}

const ownerName = () => execaSync('id', ['-nu', String(otherUid)]).stdout.trim();

const folderSaid = (backups: string) =>
  `the folder ${backups} (owned by ${ownerName()} (uid ${otherUid}), mode 0755) cannot be written by this process (${os.userInfo().username} (uid 0)). ` +
  `Run the CLI as the one OS user the bot runs as, so that every operator writes as that account (\`sudo -u ${ownerName()} npm run --silent cli -- …\`, if ${ownerName()}, who owns this folder, is that user)`;

describe.runIf(asRoot)('a folder a plan keeps rows in, of another OS account (run as root only: only root can give a folder to another uid)', { timeout: 180_000 }, () => {
  it('refuses the plan when it is proposed: nothing proposed, nothing run', async () => {
    const recover = await recoveryOffered();
    const backups = backupsOfAnotherAccount();
    const refused = await runCliProcess([...recover, '--approver', 'bob'], { env, stdin: 'ignore', withoutRootPowers: true });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('refused, nothing was proposed: the step "');
    expect(refused.stderr).toContain(folderSaid(backups));
    expect(journal().some((r) => r.type === 'run.proposed' && (r.data as any).run.kind === 'recovery')).toBe(false);
  });

  it('refuses it when it is approved by another account than the one that proposed it: not started, nothing changed', async () => {
    const recover = await recoveryOffered();
    const proposed = await runCliProcess(recover, { env, stdin: 'ignore' });
    const approve = /`npm run --silent cli -- approve (\S+) ([0-9a-f]{8})/.exec(proposed.stderr);
    expect(approve, proposed.stderr).not.toBeNull();
    const backups = backupsOfAnotherAccount();
    const refused = await runCliProcess(['approve', approve?.[1] as string, approve?.[2] as string, '--approver', 'bob'], { env, stdin: 'ignore', withoutRootPowers: true });
    // Said once, as the plan's end: not again on standard error.
    expect(refused.code).toBe(2);
    expect(refused.stdout).toContain(`✘ Recovery not started: plan ${approve?.[1]} was not started, nothing was changed: the step "`);
    expect(refused.stdout).toContain(folderSaid(backups));
    expect(refused.stderr).not.toContain(folderSaid(backups));
    expect(refused.stdout).not.toContain('Left part-way');
    expect(journal().some((r) => (r.type === 'run.started' || r.type === 'step.started') && (r.data as any).runId === approve?.[1])).toBe(false);
    expect(fs.readdirSync(backups)).toEqual([]);
  });
});
