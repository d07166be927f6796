// Malformed /databox commands: each gets a clear ephemeral reply naming what was wrong; nothing runs, nothing throws.
import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Checkout, writeGarbage } from '../helpers/databox-checkout.js';
import { botToken, startBot, type Harness } from '../helpers/bot-harness.js';
import { blockNetwork } from '../helpers/no-network.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';
import { escapeRegExp } from '../support/escape-regexp.js';

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness;

blockNetwork();

beforeAll(async () => {
  slack = new SlackStandIn();
  await slack.start();
  checkout = new Checkout();
  writeGarbage(checkout.databasePath);
  fs.writeFileSync(checkout.path('notes.txt'), 'not a database');
  harness = await startBot(checkout, slack);
});
afterAll(async () => {
  await harness.stop();
  await slack.stop();
  checkout.remove();
});

let responsesBefore = 0;
beforeEach(() => {
  responsesBefore = slack.responses.length;
});
afterEach(async () => {
  await harness.settle();
  // Nothing ran and no incident was opened: no stand-in tool call, no message posted, files untouched.
  expect(checkout.calls()).toEqual([]);
  expect(slack.callsTo('chat.postMessage')).toEqual([]);
  expect(checkout.listData()).toEqual(['databox.duckdb']);
  const journal = fs.readFileSync(`${checkout.stateDir}/journal.jsonl`, 'utf8');
  expect(journal).not.toContain('"incident.opened"');
});

/** The ephemeral answer: in the ack's body when parsing failed, or posted to response_url after a later check. */
async function answerTo(text: string): Promise<string> {
  const response = await harness.command(text);
  expect(response.status).toBe(200);
  if (response.json?.text) {
    expect(response.json.response_type).toBe('ephemeral');
    return String(response.json.text);
  }
  await slack.waitFor('an ephemeral reply', () => slack.responses.length > responsesBefore);
  const reply = slack.responses.at(-1)?.body;
  expect(reply?.response_type).toBe('ephemeral');
  return String(reply?.text);
}

const cases: [string, string, RegExp][] = [
  ['an unknown verb', 'restart duckdb', /unknown command "restart"/],
  ['a missing scenario', 'diagnose', /which scenario\? One of: backfill, duckdb, motherduck/],
  ['an unknown scenario', 'diagnose postgres', /unknown scenario "postgres": known scenarios are backfill, duckdb, motherduck/],
  ['path=c', 'recover duckdb path=c', /path=c is not a recovery path of duckdb: use path=a, path=b or path=w/],
  ['a word that is not key=value', 'recover duckdb now', /"now" is not a key=value parameter/],
  ['an unknown parameter', 'diagnose duckdb force=yes', /unknown parameter "force": this command takes incident(\n|$)/],
  // A mistyped name: every parameter the command takes is listed (incident= and a recovery's path= too), the close one named.
  ['a mistyped incident=', 'diagnose duckdb incidnet=dbx-20261204-42f9', /unknown parameter "incidnet" \(did you mean "incident"\?\): this command takes incident(\n|$)/],
  ['a mistyped parameter of the runbook', 'diagnose backfill sorce=ebird', /unknown parameter "sorce" \(did you mean "source"\?\): this command takes source, from, to, incident(\n|$)/],
  ['a mistyped parameter of a recovery path', 'recover duckdb path=b bakup=/tmp/x.duckdb', /unknown parameter "bakup" \(did you mean "backup"\?\): this command takes path, backup, incident\n/],
  // A parameter of the same scenario given to the wrong command (a phone's capitals too): where it belongs is said.
  ['a window given to the diagnosis that takes none', 'DIAGNOSE SCHEDULE FROM=2026-04-18', /unknown parameter "from": this command takes incident \(from= is for recover schedule path=a or path=b and validate schedule\)/],
  ['path=b without a backup', 'recover duckdb path=b', /missing backup=&lt;path&gt;: a backup copy of the database file that opens read-only/],
  ['no path and no incident whose verdict could choose one', 'recover duckdb', /which recovery path of duckdb\? no incident=&lt;id&gt; was given whose diagnosis could choose one: add path=a \(.+\) or path=b \(.+\) to the command; nothing was proposed/],
  ['a missed window not given and no incident to take it from', 'recover schedule path=b', /missing from=YYYY-MM-DD[\s\S]*missing to=YYYY-MM-DD[\s\S]*\(give it, or add incident=&lt;id&gt; of an incident whose diagnosis found it\)/],
  // The window's description is the recovery's: the diagnosis' own note (neither from= nor to=: the last 30 days) is not quoted.
  ['a window not given to a recovery of a source', 'recover backfill path=a source=ebird', /^:warning: missing from=YYYY-MM-DD: first day of the bad window \(YYYY-MM-DD\)\nmissing to=YYYY-MM-DD: last day of the bad window \(YYYY-MM-DD\) \(give it, or add incident=&lt;id&gt; of an incident whose diagnosis found it\)/],
  // A validation left without what it needs is answered as a recover is: give it, or name the incident that has it.
  ['a validation given nothing and no incident to take it from', 'validate backfill', /^:warning: missing source=ebird\|noaa\|usgs: .+\nmissing from=YYYY-MM-DD: first day of the bad window \(YYYY-MM-DD\)\nmissing to=YYYY-MM-DD: last day of the bad window \(YYYY-MM-DD\) \(give it, or add incident=&lt;id&gt; of an incident whose diagnosis found it\)/],
  ['a backup that is a directory', 'recover duckdb path=b backup=data', /is a directory, expected a file/],
  ['a backup that is not DuckDB', 'recover duckdb path=b backup=notes.txt', /does not open read-only as a DuckDB database/],
  ['the database itself as the backup', 'recover duckdb path=b backup=data/databox.duckdb', /backup=data\/databox.duckdb is the database file itself/],
  ['a backup that does not exist', 'recover duckdb path=b backup=/nope/databox.duckdb', /\/nope\/databox.duckdb does not exist/],
  ['command substitution', 'recover duckdb path=b backup=$(rm -rf /)', /backup=\$\(rm contains shell metacharacters/],
  ['shell operators, as Slack escapes them', 'recover duckdb path=b backup=x;rm&amp;&amp;ls&gt;out', /backup=x;rm&amp;&amp;ls&gt;out contains shell metacharacters/],
  ['an unclosed quote', 'recover duckdb path=b backup="/tmp/a b', /a double quote is not closed/],
  ['10 kB of text', `diagnose duckdb ${'x'.repeat(10_000)}`, /at most 1000 are accepted/],
  ['a parameter given twice', 'recover duckdb path=a PATH=b', /path is given twice \(path=a, PATH=b\): keep one/],
  ['status with extra words', 'status please', /"status" takes nothing after it/],
  // Answered in the ack with the way on; the bot's journal path is the terminal's business, not the channel's.
  ['an incident id nobody recorded', 'diagnose duckdb incident=dbx-20261205-abcd', /^:warning: no incident `dbx-20261205-abcd` is on record here: leave out incident= to open a new incident, or find the id with \/databox status \(each incident's first message shows it too\)$/],
  ['the help\'s placeholder copied as it is', 'recover duckdb path=b backup=&lt;path&gt;', /^:warning: backup=&lt;path&gt; is the help's placeholder: put the path itself in its place, without the &lt; &gt;\n/],
];

describe('malformed slash commands', () => {
  it.each(cases)('answers %s with what was wrong and the usage', async (_name, text, expected) => {
    const answer = await answerTo(text);
    expect(answer).toMatch(expected);
    expect(answer).not.toMatch(/\bat .+\.(ts|js):\d+/);
    expect(answer).toMatch(/^:warning:/);
  });

  it("answers a postmortem of an unknown incident naming the bot's journal, and whether it is empty, as for a plan, without the server's path", async () => {
    const answer = await answerTo('postmortem dbx-20990101-dead');
    const empty = escapeRegExp(', which is empty (nothing was recorded in this state dir before: is DATABOX_STATE_DIR the one the bot uses?)');
    expect(answer).toMatch(new RegExp(`^:warning: no incident \`dbx-20990101-dead\` in the bot's journal(${empty})?; incident ids are on each incident's first message$`));
    expect(answer).not.toContain(checkout.stateDir);
  });

  it('shows the right usage after a grammar error', async () => {
    const answer = await answerTo('recover duckdb path=c');
    expect(answer).toContain('/databox recover backfill|duckdb|motherduck|schedule [path=&lt;id&gt;] [key=value …] [incident=&lt;id&gt;]');
  });

  it('says which part of the help the words after help concern, above the whole help', async () => {
    const verb = await answerTo('help diagnose');
    expect(verb).toMatch(/^`\/databox diagnose backfill\|duckdb\|motherduck\|schedule \[key=value …\] \[incident=&lt;id&gt;\]`: the whole help follows\.\n\n\*databox-bot\* runs/);
    const scenario = await answerTo('help duckdb');
    expect(scenario).toMatch(/^\*Blown DuckDB file \(local backend\)\*: `diagnose duckdb`; `recover duckdb path=a \[incident=&lt;id&gt;\]` \(Rebuild from raw dlt state\); .*; `validate duckdb \[incident=&lt;id&gt;\]`\. The whole help follows\.\n\n\*databox-bot\* runs/);
    const neither = await answerTo('help me');
    expect(neither).toMatch(/^There is no help on "me": help takes a command \(diagnose, recover, …\) or a scenario\. The whole help follows\.\n\n\*databox-bot\* runs/);
  });

  it('answers help with the grammar and the scenarios', async () => {
    const answer = await answerTo('help');
    expect(answer).toContain('/databox diagnose backfill|duckdb');
    expect(answer).toContain('Blown DuckDB file');
    expect(answer).toContain('Partial backfill of a single source');
    expect(answer).toContain('recover duckdb path=b backup=&lt;path&gt;');
    // A window is one pair, given together or not at all; what a recover or validate needs unless incident= gives it is said.
    expect(answer).toContain('`diagnose backfill source=ebird|noaa|usgs [from=YYYY-MM-DD to=YYYY-MM-DD]`');
    expect(answer).toContain('`recover backfill path=a source=ebird|noaa|usgs from=YYYY-MM-DD to=YYYY-MM-DD [incident=&lt;id&gt;]` (Replace the window and restate it; needs source=, from= and to= unless incident=&lt;id&gt; gives them)');
    expect(answer).toContain('`recover schedule path=b from=YYYY-MM-DD to=YYYY-MM-DD schedules=&lt;name,name…&gt; [incident=&lt;id&gt;]` (Start the paused schedules and backfill the missed window; needs from=, to= and schedules= unless incident=&lt;id&gt; gives them)');
    // Each scenario's validation too.
    expect(answer).toContain('`validate backfill source=ebird|noaa|usgs from=YYYY-MM-DD to=YYYY-MM-DD [incident=&lt;id&gt;]` (needs source=, from= and to= unless incident=&lt;id&gt; gives them)');
    expect(answer).toContain('`validate schedule [from=YYYY-MM-DD to=YYYY-MM-DD] [schedules=&lt;name,name…&gt;] [incident=&lt;id&gt;]`');
    expect(answer).toContain('`validate duckdb [incident=&lt;id&gt;]`');
    expect(answer).not.toMatch(/\[from=YYYY-MM-DD\] \[to=YYYY-MM-DD\]/);
    // Every line escaped, the last one too: Slack reads a bare <…> as a link or a mention.
    expect(answer).toContain('`unlock &lt;run-id&gt;` frees a database');
    expect(answer).not.toMatch(/<run-id>/);
  });

  it('refuses the database file under another name as its backup: a hard link, a symbolic link, a path through ..', async () => {
    fs.mkdirSync(checkout.path('backups'), { recursive: true });
    fs.linkSync(checkout.databasePath, checkout.path('backups/hard.duckdb'));
    fs.symlinkSync(checkout.databasePath, checkout.path('backups/soft.duckdb'));
    try {
      for (const backup of ['backups/hard.duckdb', checkout.path('backups/hard.duckdb'), 'backups/soft.duckdb', 'data/../data/databox.duckdb']) {
        responsesBefore = slack.responses.length;
        expect(await answerTo(`recover duckdb path=b backup=${backup}`)).toContain(`backup=${backup} is the database file itself (${checkout.databasePath}); give a copy kept elsewhere`);
      }
    } finally {
      fs.rmSync(checkout.path('backups'), { recursive: true });
    }
  });

  it('never posts a secret: not a file the backup names (only that it holds text), not one typed as a value', async () => {
    fs.writeFileSync(checkout.path('tokens.txt'), `SLACK_BOT_TOKEN=${botToken}\n`);
    const fromFile = await answerTo('recover duckdb path=b backup=tokens.txt');
    expect(fromFile).toContain('it looks like a text file (it starts with text, not shown here');
    expect(fromFile).not.toContain('SLACK_BOT_TOKEN');
    responsesBefore = slack.responses.length;
    const typed = await answerTo(`diagnose backfill source=${botToken}`);
    expect(typed).toContain('is not one of');
    expect(typed).not.toContain(botToken);
    expect(typed).toContain('[REDACTED]');
    fs.rmSync(checkout.path('tokens.txt'));
  });

  it('records every command in the journal, bad ones included', async () => {
    await answerTo('frobnicate');
    await harness.settle();
    const journal = fs.readFileSync(`${checkout.stateDir}/journal.jsonl`, 'utf8');
    expect(journal).toContain('"/databox frobnicate"');
  });
});
