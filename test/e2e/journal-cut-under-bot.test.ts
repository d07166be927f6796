// A journal cut from its end while the bot runs, then appended to by it: the bot journals the cut before its next line,
// so `journal verify` says the end was cut and lines followed, not that lines were lost in the middle.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import type { Checkout } from '../helpers/databox-checkout.js';
import { cliEnv, runCliProcess } from '../helpers/cli-process.js';
import { blockNetwork } from '../helpers/no-network.js';
import type { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, journalRecordsOf, openStandIns } from '../helpers/stand-ins.js';

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness | undefined;

blockNetwork();
beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
  harness = undefined;
});
afterEach(() => closeStandIns(harness, slack, checkout));

describe('a journal cut under the running bot', () => {
  it('is journaled by the bot before its next line: verification says lines were removed from the end, then new lines followed', async () => {
    harness = await startBot(checkout, slack);
    for (const text of ['help', 'status', 'help']) await harness.command(text, 'U0OPERATOR');
    await harness.settle();
    const journalFile = path.join(checkout.stateDir, 'journal.jsonl');
    const text = fs.readFileSync(journalFile, 'utf8');
    const lines = text.trimEnd().split('\n');
    const kept = `${lines.slice(0, -2).join('\n')}\n`;
    // Cut in place, as `truncate` does, while the bot holds the file.
    fs.truncateSync(journalFile, Buffer.byteLength(kept));
    const cutAt = lines.length - 1;

    await harness.command('help', 'U0OPERATOR');
    await harness.settle();
    const records = journalRecordsOf(checkout);
    expect(records[cutAt - 1]).toMatchObject({ type: 'journal.end-cut', data: { lastSeq: cutAt - 1, headSeq: cutAt + 1, lost: 2, bytesLost: Buffer.byteLength(text) - Buffer.byteLength(kept) } });
    // The command typed after the cut comes after its record; the database watcher's line about the checkout's missing
    // database file lands when its first check ends, which may be between them.
    const commandsAfterCut = records.slice(cutAt).filter((r) => r.type === 'command.received');
    expect(commandsAfterCut).toEqual([expect.objectContaining({ data: expect.objectContaining({ text: '/databox help' }) })]);
    // Someone tailing the log reads it as it happens, as a warning naming what was lost.
    const warned = harness.logs.filter((entry) => entry.level === 40 && String(entry.msg).startsWith("lines were cut from the journal's end"));
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({ seq: cutAt + 2, lastSeq: cutAt - 1, headSeq: cutAt + 1, lost: 2 });
    expect(warned[0]?.msg).toMatch(/2 lines were removed from the journal's end .* while a process writing to it ran .*journal repair/);

    const env = cliEnv({ DATABOX_STATE_DIR: checkout.stateDir });
    const verified = await runCliProcess(['journal', 'verify'], { env, stdin: 'ignore' });
    expect(verified.code).toBe(1);
    expect(verified.stderr).toMatch(
      new RegExp(
        `^journal FAILED at line ${cutAt} of .*: as the record at this line says, 2 lines were removed from the journal's end \\(records ${cutAt}–${cutAt + 1}, \\d+ bytes\\) ` +
          `while a process writing to it ran \\(PID ${process.pid}; .*\\): the file was cut under it, and it recorded this before its next line \\(the check found: sequence number ${cutAt + 2} where ${cutAt} was expected\\)`,
      ),
    );
    // Accepted, it is listed as lines lost from the end, not in the middle.
    const repaired = await runCliProcess(['journal', 'repair', '--approver', 'bob'], { env, stdin: 'ignore' });
    expect(repaired.code, repaired.stderr).toBe(0);
    expect((await runCliProcess(['journal', 'verify'], { env, stdin: 'ignore' })).stdout).toContain(`lines were lost from its end before line ${cutAt}`);
    // A later start reads the cut's record with the rest of the journal: it is not said again as news.
    await harness.stop();
    harness = await startBot(checkout, slack);
    await harness.command('status', 'U0OPERATOR');
    await harness.settle();
    expect(harness.logs.filter((entry) => String(entry.msg).startsWith("lines were cut from the journal's end"))).toEqual([]);
  }, 120_000);
});
