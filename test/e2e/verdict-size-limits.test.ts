// A verdict offering many paths with long descriptions (an operator's own runbook): held to the block text Slack takes
// in all, with every path's button and typed command whole, its longest descriptions cut first.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { Checkout } from '../helpers/databox-checkout.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns } from '../helpers/stand-ins.js';
import { blockNetwork } from '../helpers/no-network.js';
import { projectRoot, useTempDirs } from '../support/fixtures.js';
import { bundled } from '../support/planted-runbook.js';

const operator = 'U0OPERATOR';
const tempDir = useTempDirs('verdict-size-limits-');
const missingVerdict = 'Missing — there is no database file';

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness;

blockNetwork();

beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
});
afterEach(() => closeStandIns(harness, slack, checkout));

/** A long description, one path's words repeated, ending with a word the test looks for when it is shown whole. */
const longDescription = (id: string, sentences: number) => `${Array.from({ length: sentences }, (_, i) => `Path ${id} sentence ${i} says at length what this path does to the database.`).join(' ')} End of path ${id}.`;

/**
 * The shipped runbooks, with duckdb.yml's "Missing" verdict offering five paths (and saying `advice`, when given), paths A and B and three copies of
 * path A, each described at length (path E briefly): their descriptions together pass Slack's ~12,000 characters.
 */
function runbooksWithManyLongPaths(advice?: string): string {
  const dir = tempDir();
  fs.cpSync(path.join(projectRoot, 'runbooks'), dir, { recursive: true });
  const doc = bundled('duckdb.yml');
  const pathA = doc.recovery.find((p: { id: string }) => p.id === 'a');
  doc.recovery.push(...['c', 'd', 'e'].map((id) => ({ ...structuredClone(pathA), id, title: `Rebuild, copy ${id}` })));
  for (const recovery of doc.recovery) recovery.description = longDescription(recovery.id, recovery.id === 'e' ? 2 : 40);
  const missing = doc.diagnosis.verdicts.find((v: { title: string }) => v.title === missingVerdict);
  missing.paths = ['a', 'b', 'c', 'd', 'e'];
  if (advice) missing.advice = advice;
  fs.writeFileSync(path.join(dir, 'duckdb.yml'), stringify(doc));
  return dir;
}

/** Characters of text in a message's blocks, as Slack counts them for msg_blocks_too_long. */
function blockTextChars(blocks: any[]): number {
  return blocks.reduce((sum, block) => sum + (block.text?.text?.length ?? 0) + (block.elements ?? []).reduce((inner: number, element: any) => inner + (typeof element.text === 'string' ? element.text.length : (element.text?.text?.length ?? 0)), 0), 0);
}

describe('a verdict offering five paths with long descriptions', () => {
  it("is held to the block text Slack takes in all: every path's button and typed command whole, the longest descriptions cut", async () => {
    harness = await startBot(checkout, slack, { DATABOX_RUNBOOKS_DIR: runbooksWithManyLongPaths() });
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    const verdict = slack.callsTo('chat.postMessage').find((p) => String(p.text).startsWith('Verdict'));
    expect(String(verdict?.text)).toContain(missingVerdict);
    const blocks = JSON.parse(String(verdict?.blocks)) as any[];
    expect(blockTextChars(blocks)).toBeLessThanOrEqual(11_000);
    for (const id of ['a', 'b', 'c', 'd', 'e']) expect(slack.buttons(`choose_path_${id}`), `path ${id}'s button`).toHaveLength(1);
    const pathTexts = blocks.filter((b) => b.type === 'context').map((b) => String(b.elements[0].text));
    for (const id of ['a', 'b', 'c', 'd', 'e']) {
      const said = pathTexts.find((text) => text.startsWith(`*Path ${id.toUpperCase()}*`)) ?? '';
      expect(said, `path ${id}'s typed command, whole`).toMatch(new RegExp(`Or type \`/databox recover duckdb path=${id}( [^\`]*)? incident=dbx-\\d{8}-[0-9a-f]{4}\`$`));
    }
    expect(pathTexts.find((text) => text.startsWith('*Path A*'))).not.toContain('End of path a.');
    expect(pathTexts.find((text) => text.startsWith('*Path E*'))).toContain('End of path e.');
  }, 120_000);

  it('with advice too long to show whole, names the file attached to the thread that holds the whole verdict', async () => {
    const advice = `${'The file is not where the stack reads it, and this sentence says so at length. '.repeat(45)}End of the advice.`;
    harness = await startBot(checkout, slack, { DATABOX_RUNBOOKS_DIR: runbooksWithManyLongPaths(advice) });
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    const verdict = slack.callsTo('chat.postMessage').find((p) => String(p.text).startsWith('Verdict'));
    const blocks = JSON.parse(String(verdict?.blocks)) as any[];
    expect(String(blocks[0].text.text)).not.toContain('at length. '.repeat(45));
    const fileName = String(slack.callsTo('files.getUploadURLExternal').find((c) => String(c.filename).endsWith('-verdict.txt'))?.filename);
    expect(String(blocks[1].text.text)).toContain(`go to the thread as a file, ${fileName}, once Slack takes it`);
    const whole = slack.uploads.map((u) => u.bytes.toString('utf8')).find((text) => text.includes('End of the advice.'));
    expect(whole).toContain(advice);
    expect(whole).toContain('Evidence:');
  }, 120_000);
});
