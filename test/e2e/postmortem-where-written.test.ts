// A postmortem the bot wrote (from Slack), written again at a terminal from a copy of its state dir (README's laptop
// flow, DATABOX_ROOT unset) or on the bot's host with and without DATABOX_ROOT: the same commands, the kept files not
// called gone where they cannot be looked at, and the earlier file replaced in place rather than set aside as differing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Checkout, writeGarbage } from '../helpers/databox-checkout.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, journalRecordsOf, openStandIns } from '../helpers/stand-ins.js';
import { cliEnv, runCliProcess } from '../helpers/cli-process.js';
import { blockNetwork } from '../helpers/no-network.js';

const operator = 'U0OPERATOR';
const teammate = 'U0TEAMMATE';

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness | undefined;
const temps: string[] = [];

blockNetwork();

beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
});
afterEach(() => closeStandIns(harness, slack, checkout));
afterAll(() => temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** Scenario 1 through Slack: a corrupt file rebuilt by path A (which moves three things aside), then *Write postmortem*. */
async function incidentWrittenUpInSlack(): Promise<{ incident: string; written: string }> {
  writeGarbage(checkout.databasePath);
  harness = await startBot(checkout, slack);
  await harness.command('diagnose duckdb', operator);
  await harness.settle();
  await harness.click(slack.buttons('choose_path_a')[0]!, operator);
  await harness.settle();
  await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
  await harness.settle();
  expect(slack.allText()).toContain('Validation passed');
  await harness.click(slack.buttons('write_postmortem')[0]!, operator);
  await harness.settle();
  await harness.stop();
  harness = undefined;
  const incident = journalRecordsOf(checkout).find((r) => r.type === 'incident.opened')?.incident as string;
  return { incident, written: fs.readFileSync(path.join(checkout.stateDir, 'postmortems', `${incident}.md`), 'utf8') };
}

const postmortemAt = (stateDir: string, incident: string, env: Record<string, string> = {}) =>
  runCliProcess(['postmortem', incident], { env: cliEnv({ DATABOX_STATE_DIR: stateDir, HOME: stateDir, ...env }), stdin: 'ignore' });

/** The files of the *Kept on disk* section, a line each. */
function keptLines(markdown: string): string[] {
  const section = markdown.split('\n## Kept on disk\n')[1]?.split('\n## ')[0] ?? '';
  return section.split('\n').filter((line) => line.startsWith('- `'));
}

describe('a postmortem written again elsewhere than the bot wrote it', () => {
  it('from a copied state dir with DATABOX_ROOT unset: same commands, kept files not checked, the bot\'s file replaced in place', async () => {
    const { incident, written } = await incidentWrittenUpInSlack();
    const laptop = fs.mkdtempSync(path.join(os.tmpdir(), 'laptop-'));
    temps.push(laptop);
    fs.cpSync(checkout.stateDir, laptop, { recursive: true, preserveTimestamps: true });

    const again = await postmortemAt(laptop, incident);
    const file = path.join(laptop, 'postmortems', `${incident}.md`);
    expect({ code: again.code, stderr: again.stderr }).toEqual({ code: 0, stderr: `postmortem written to ${file}\n` });
    expect(fs.readdirSync(path.join(laptop, 'postmortems'))).toEqual([`${incident}.md`]);
    expect(fs.readFileSync(file, 'utf8')).toBe(again.stdout);

    // The files are still on the bot's host: they are not said gone, but not looked at.
    expect(again.stdout).not.toContain('gone when');
    expect(again.stdout.split('\n').find((line) => line.startsWith('| Kept on disk |'))).toMatch(/^\| Kept on disk \| `[^|]*databox\.duckdb\.broken`[^|]*; not checked: the checkout is not on this machine \(see \*Kept on disk\*\) \|$/);
    const kept = keptLines(again.stdout);
    expect(kept).toHaveLength(3);
    for (const line of kept) expect(line).toMatch(/; not checked: the checkout is not on this machine \(DATABOX_ROOT is not set where this was written\)$/);

    // Every command reads as in the bot's own postmortem: relative to the checkout it ran in, not absolute.
    expect(again.stdout).toContain('  mv data/databox.duckdb data/databox.duckdb.broken  (a taken name gets a timestamp suffix; never overwrites)\n');
    const mine = again.stdout.split('\n');
    const differing = written.split('\n').flatMap((line, i) => (line === mine[i] ? [] : [line]));
    expect(written.split('\n')).toHaveLength(mine.length);
    expect(differing.filter((line) => !line.startsWith('| Record |') && !line.startsWith('| Kept on disk |') && !keptLines(written).includes(line))).toEqual([]);
  });

  it('on the bot\'s host, with DATABOX_ROOT and without it: one postmortem, nothing set aside', async () => {
    const { incident } = await incidentWrittenUpInSlack();
    const withRoot = await postmortemAt(checkout.stateDir, incident, { DATABOX_ROOT: checkout.root });
    const file = path.join(checkout.stateDir, 'postmortems', `${incident}.md`);
    expect({ code: withRoot.code, stderr: withRoot.stderr }).toEqual({ code: 0, stderr: `postmortem written to ${file}\n` });
    // Looked at there: still there, said with no word.
    expect(keptLines(withRoot.stdout).filter((line) => line.includes('; '))).toEqual([]);
    const withoutRoot = await postmortemAt(checkout.stateDir, incident);
    expect({ code: withoutRoot.code, stderr: withoutRoot.stderr }).toEqual({ code: 0, stderr: `postmortem written to ${file}\n` });
    const withRootAgain = await postmortemAt(checkout.stateDir, incident, { DATABOX_ROOT: checkout.root });
    expect(withRootAgain.stderr).toBe(`postmortem written to ${file}\n`);
    expect(fs.readdirSync(path.join(checkout.stateDir, 'postmortems'))).toEqual([`${incident}.md`]);
  });
});
