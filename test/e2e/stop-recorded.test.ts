// A bot stopped by a signal journals its clean stop; the next start journals how the previous process ended (stopped
// cleanly, or died with its last sign of life) and for how long the bot was not running, which the log and the
// postmortem's timeline say: a kill -9 no longer reads as a clean stop, nor a long outage as one line.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { restartEntry } from '../../src/postmortem/restarts.js';
import type { JournalRecord } from '../../src/journal/record.js';
import { lastChecksFileName } from '../../src/watchers/watch-service.js';
import { botProcessEnv, startBot, type Harness } from '../helpers/bot-harness.js';
import type { Checkout } from '../helpers/databox-checkout.js';
import { freePort, mainArgs, waitForHealthz } from '../helpers/main-process.js';
import { blockNetwork } from '../helpers/no-network.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns } from '../helpers/stand-ins.js';

blockNetwork();

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness | undefined;

beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
  harness = undefined;
});
afterEach(() => closeStandIns(harness, slack, checkout));

/** The built bot as its own process, up and answering (wrapped: a process is a promise of its end, which an async function would wait for). */
async function botProcess() {
  const port = await freePort();
  // A clean stop may take the bot's whole stop budget (8.5 s) on a loaded host: not cut short by execa's SIGKILL 5 s after a SIGTERM.
  const bot = execa(process.execPath, mainArgs, { cwd: checkout.root, env: botProcessEnv(checkout, slack, port), extendEnv: false, reject: false, forceKillAfterDelay: 60_000 });
  expect(await waitForHealthz(port)).toBe(200);
  return { bot };
}

const records = (): JournalRecord[] =>
  fs
    .readFileSync(path.join(checkout.stateDir, 'journal.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as JournalRecord);

it('journals a stop by SIGTERM, and at the next start says the previous process stopped cleanly, or died, and since when', async () => {
  const { bot: first } = await botProcess();
  first.kill('SIGTERM');
  expect((await first).exitCode).toBe(0);
  const stopped = records().at(-1);
  expect(stopped).toMatchObject({ type: 'bot.stopped', incident: null, actor: 'databox-bot', data: { pid: first.pid, signal: 'SIGTERM' } });

  const { bot: second } = await botProcess();
  const restarted = records().filter((r) => r.type === 'bot.started').at(-1) as JournalRecord;
  expect(restarted.data).toMatchObject({ pid: second.pid, previous: { lastSeen: stopped?.at, stoppedCleanly: true, signal: 'SIGTERM' } });
  expect(restartEntry(restarted)).toMatch(/\*\*The bot restarted\*\* at \d\d:\d\d:\d\d UTC \(PID \d+ on host [^)]+\): it had stopped cleanly \(SIGTERM\) at \d\d:\d\d:\d\d UTC and was not running for [\d.]+ (ms|s|min)/);

  // Killed: no stop on the record. Its last sign of life is the last line it wrote (its own start, or the database
  // watcher's finding on the checkout's missing file) or the watchers' last check it kept, whichever is later: how far
  // its watchers got before the kill depends on the host's load.
  second.kill('SIGKILL');
  await second;
  expect(records().filter((r) => r.seq > restarted.seq && !r.type.startsWith('watch.'))).toEqual([]);
  const checksFile = path.join(checkout.stateDir, lastChecksFileName);
  const keptChecks = fs.existsSync(checksFile) ? Object.values((JSON.parse(fs.readFileSync(checksFile, 'utf8')) as { checks: Record<string, { at: string }> }).checks) : [];
  const lastSignOfLife = [(records().at(-1) as JournalRecord).at, ...keptChecks.map((check) => check.at)].sort().at(-1);
  harness = await startBot(checkout, slack);
  const afterKill = records().filter((r) => r.type === 'bot.started').at(-1) as JournalRecord;
  expect(afterKill.data).toMatchObject({ previous: { lastSeen: lastSignOfLife, stoppedCleanly: false } });
  expect(afterKill.data).not.toHaveProperty('previous.signal');
  expect(restartEntry(afterKill)).toMatch(
    /: its previous process did not stop cleanly \(killed, crashed, or its machine went down\): last seen at \d\d:\d\d:\d\d UTC, it was not running for up to [\d.]+ (ms|s|min)( \d+ s)?; what it had in flight was picked up from the journal$/,
  );
}, 180_000);
