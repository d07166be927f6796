// A thread message Slack refused for good that has nothing left to show (its run gone from the journal), through the
// real Bolt app over signed HTTP against the Slack stand-in: a restarted bot stops keeping it, journaled as such,
// rather than trying it every 5 minutes and saying in /databox status for ever that Slack refuses it.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal } from '../../src/journal/journal.js';
import { writePostmortem } from '../../src/postmortem/write-postmortem.js';
import { loadRunbooks } from '../../src/runbook/load.js';
import { botActor } from '../../src/incidents/state.js';
import { startBot } from '../helpers/bot-harness.js';
import { writeGarbage } from '../helpers/databox-checkout.js';
import { blockNetwork } from '../helpers/no-network.js';
import { journalRecordsOf, useStandIns } from '../helpers/stand-ins.js';

blockNetwork();

const stage = useStandIns();
const journal = () => journalRecordsOf(stage.checkout);

describe('a kept thread message with nothing left to show', () => {
  it('is no longer kept after a restart: journaled slack.no-longer-kept, /databox status no longer lists it, the postmortem says why', async () => {
    const { slack, checkout } = stage;
    writeGarbage(checkout.databasePath);
    stage.harness = await startBot(checkout, slack);
    await stage.harness.command('diagnose duckdb');
    await stage.harness.settle();
    const incident = String(journal().find((r) => r.type === 'incident.opened')?.incident);
    await stage.harness.stop();
    stage.harness = undefined;
    // The journal keeps a rollback offer Slack refused for good, of a recovery the journal has no run for.
    const gone = `${incident}/9`;
    const written = new Journal(checkout.stateDir);
    written.load();
    written.append({ type: 'slack.not-delivered', incident, actor: botActor, data: { label: `rollback offer ${gone}`, code: 'is_archived', kept: true, what: 'rollback-offer', runId: gone } });
    await written.flushed();

    stage.harness = await startBot(checkout, slack, {}, undefined, undefined, { slackKeptRetryMs: 1_000 });
    await stage.harness.settle();
    expect(journal().filter((r) => r.type === 'slack.no-longer-kept').map((r) => r.data)).toEqual([{ what: 'rollback-offer', runId: gone, code: 'is_archived', refusedAt: expect.any(String), reason: 'nothing left to show' }]);
    const said = String((await stage.harness.command('status', 'U0OPERATOR', 'C0OTHER')).json?.text);
    expect(said).not.toContain(gone);
    const postmortem = writePostmortem({ stateDir: checkout.stateDir, runbooks: loadRunbooks(path.resolve(import.meta.dirname, '..', '..', 'runbooks')), root: checkout.root, incidentId: incident }).markdown;
    expect(postmortem).toContain(`The rollback offer of \`${gone}\`, refused by Slack for good (\`is_archived\`), is no longer kept to show in the thread: nothing was left to show for it`);
  }, 120_000);
});
