// A bot's start is journaled, a first one too, with the runbook versions it loaded; a restart while an incident is open
// is shown in that incident's timeline, naming the runbooks that changed since the previous start; a start that failed
// before the bot ran is shown as that, not as a restart.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { type Checkout, writeGarbage } from '../helpers/databox-checkout.js';
import { blockNetwork } from '../helpers/no-network.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns } from '../helpers/stand-ins.js';
import { cliEnv, projectRoot, runCliProcess } from '../helpers/cli-process.js';
import { execa } from 'execa';
import { botProcessEnv } from '../helpers/bot-harness.js';
import { freePort, mainArgs } from '../helpers/main-process.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness | undefined;
blockNetwork();
beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
  harness = undefined;
});
afterEach(() => closeStandIns(harness, slack, checkout));

it('journals a first start with its runbook versions, and shows "The bot restarted" in the timeline of an incident with a plan waiting at the restart, naming the runbook edited in between', async () => {
  const runbooksDir = checkout.path('runbooks-copy');
  fs.cpSync(path.join(projectRoot, 'runbooks'), runbooksDir, { recursive: true });
  const file = path.join(runbooksDir, 'duckdb.yml');
  const bundled = fs.readFileSync(file, 'utf8');
  const env = { DATABOX_RUNBOOKS_DIR: runbooksDir };
  writeGarbage(checkout.databasePath);
  harness = await startBot(checkout, slack, env);
  await harness.command('diagnose duckdb', 'U0OPERATOR');
  await harness.settle();
  await harness.click(slack.buttons('choose_path_a')[0]!, 'U0OPERATOR');
  await harness.settle();
  await harness.stop();
  const journal = `${checkout.stateDir}/journal.jsonl`;
  const startLines = () => fs.readFileSync(journal, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line)).filter((record) => record.type === 'bot.started');
  // A first start on an empty journal is no restart, but records which runbooks it loaded: the next start compares with them.
  const [first] = startLines();
  expect(first, 'the first start is journaled').toMatchObject({ incident: null, actor: 'databox-bot', data: { pid: process.pid } });
  expect(first.data.runbooks?.duckdb).toBe(sha256(bundled));
  expect(first.data).not.toHaveProperty('previous');
  expect(first.data).not.toHaveProperty('runbooksChanged');

  const edited = bundled.replace('title: Back up the broken file for forensics', 'title: Back up the broken file (edited)');
  expect(edited).not.toBe(bundled);
  fs.writeFileSync(file, edited);
  harness = await startBot(checkout, slack, env);
  await harness.settle();
  await harness.stop();
  harness = undefined;
  const started = startLines();
  expect(started).toHaveLength(2);
  expect(started[1]).toMatchObject({ incident: null, actor: 'databox-bot', data: { pid: process.pid } });
  expect(started[1].data.runbooks.duckdb).toBe(sha256(edited));
  expect(started[1].data.runbooksChanged).toEqual([{ file: 'duckdb.yml', from: sha256(bundled), to: sha256(edited) }]);

  const incident = /"type":"incident.opened","incident":"(dbx-[^"]+)"/.exec(fs.readFileSync(journal, 'utf8'))![1] as string;
  const cli = cliEnv({ DATABOX_STATE_DIR: checkout.stateDir, DATABOX_RUNBOOKS_DIR: runbooksDir });
  expect((await runCliProcess(['journal', 'verify'], { env: cli, stdin: 'ignore' })).code).toBe(0);
  const postmortem = await runCliProcess(['postmortem', incident], { env: cli, stdin: 'ignore' });
  const clock = (started[1].at as string).slice(11, 19);
  const restart = postmortem.stdout.split('\n').find((line) => line.includes('**The bot restarted**'));
  expect(restart).toContain(`- \`${clock}\` **The bot restarted** at ${clock} UTC (PID ${process.pid} on host `);
  expect(restart).toMatch(new RegExp(`what it had in flight was picked up from the journal; its runbooks had changed since its previous start: duckdb\\.yml sha256:${sha256(bundled).slice(0, 12)} → sha256:${sha256(edited).slice(0, 12)}$`));
  expect(postmortem.stdout.match(/\*\*The bot restarted\*\*/g), 'the first start is no restart in the timeline').toHaveLength(1);
}, 120_000);

it('shows a start that failed before the bot ran as "A start failed", with why, not as a restart', async () => {
  writeGarbage(checkout.databasePath);
  harness = await startBot(checkout, slack);
  await harness.command('diagnose duckdb', 'U0OPERATOR');
  await harness.settle();
  await harness.click(slack.buttons('choose_path_a')[0]!, 'U0OPERATOR');
  await harness.settle();
  await harness.stop();
  harness = undefined;
  // The stand-in's base without /api/: it answers 404 there, as Slack's own host does, and the start fails.
  const env = botProcessEnv(checkout, slack, await freePort());
  const failing = execa(process.execPath, mainArgs, { cwd: checkout.root, env: { ...env, SLACK_API_URL: `${slack.url}/` }, extendEnv: false, reject: false });
  expect((await failing).exitCode).toBe(1);
  harness = await startBot(checkout, slack);
  await harness.settle();
  await harness.stop();
  harness = undefined;

  const journal = fs.readFileSync(`${checkout.stateDir}/journal.jsonl`, 'utf8');
  const failedAt = journal
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line))
    .find((record) => record.type === 'bot.stopped' && typeof record.data.failedToStart === 'string');
  expect(failedAt, 'the failed start is journaled').toBeDefined();
  const incident = /"type":"incident.opened","incident":"(dbx-[^"]+)"/.exec(journal)![1] as string;
  const postmortem = await runCliProcess(['postmortem', incident], { env: cliEnv({ DATABOX_STATE_DIR: checkout.stateDir }), stdin: 'ignore' });
  expect(postmortem.code).toBe(0);
  const clock = (failedAt.at as string).slice(11, 19);
  const failedLine = postmortem.stdout.split('\n').find((line) => line.includes('**A start failed**'));
  expect(failedLine).toMatch(new RegExp(`^- \`${clock}\` \\*\\*A start failed\\*\\* at ${clock} UTC \\(PID ${failing.pid} on host [^)]+\\): cannot check the bot token: .*HTTP 404.*; the bot did not run$`));
  // Only the start after it restarted the bot, and says its previous start failed.
  const restarts = postmortem.stdout.split('\n').filter((line) => line.includes('**The bot restarted**'));
  expect(restarts).toHaveLength(1);
  expect(restarts[0]).toContain(`(PID ${process.pid} on host `);
  expect(restarts[0]).toContain(`: its previous start failed at ${clock} UTC (cannot check the bot token: `);
}, 180_000);
