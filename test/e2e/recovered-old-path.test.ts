// An old verdict's path, clicked or its form sent after a recovery of the incident passed validation: said recovered, not "changed since".
import { describe, expect, it } from 'vitest';
import { createHealthyDatabase, writeGarbage } from '../helpers/databox-checkout.js';
import { startBot } from '../helpers/bot-harness.js';
import { journalRecordsOf, useStandIns } from '../helpers/stand-ins.js';
import { blockNetwork } from '../helpers/no-network.js';

const operator = 'U0OPERATOR';
const teammate = 'U0TEAMMATE';

blockNetwork();
const stage = useStandIns();

describe("an old verdict's path after the incident's recovery passed validation", () => {
  it('says the incident was recovered and by what, on the button and on the form it opened before', async () => {
    const { slack, checkout } = stage;
    writeGarbage(checkout.databasePath);
    const harness = (stage.harness = await startBot(checkout, slack));
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    const incident = journalRecordsOf(checkout).find((r) => r.type === 'incident.opened')?.incident as string;
    // Path B's form, opened before path A ran and sent after.
    await harness.click(slack.buttons('choose_path_b')[0]!, operator);
    await harness.settle();
    const form = slack.lastForm();
    await harness.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness.settle();
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(slack.allText()).toContain('Validation passed');
    const recovered = new RegExp(
      `^This incident is recovered: plan ${incident}/2 \\(Path A: [^)]*\\) ran, and its validation passed at \\d\\d:\\d\\d UTC\\. Nothing is needed unless the problem is back: then diagnose again \\(\`/databox diagnose duckdb incident=${incident}\`\\) and choose a path from the new verdict\\. Nothing was proposed\\.$`,
    );
    await harness.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness.settle();
    expect(slack.ephemerals(operator).at(-1)?.replace(/^:[a-z_]+: /, '')).toMatch(recovered);
    const backup = checkout.path('good backup.duckdb');
    await createHealthyDatabase(backup, 1_000);
    const told = slack.ephemerals(operator).length;
    const sent = await harness.submitModal(operator, form, { backup });
    await harness.settle();
    // Refused on the form itself, which stays open; the whole reason beside it, as a field shows only its start.
    expect(sent.json?.response_action).toBe('errors');
    expect(sent.json?.errors?.backup).toMatch(new RegExp(`^This incident is recovered: plan ${incident}/2 `));
    expect(slack.ephemerals(operator).slice(told).at(-1)?.replace(/^:[a-z_]+: /, '')).toMatch(recovered);
    expect(journalRecordsOf(checkout).filter((r) => r.type === 'run.proposed' && r.data.run.pathId === 'b')).toEqual([]);
  }, 120_000);
});
