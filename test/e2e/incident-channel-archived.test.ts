// An incident's channel archived after its recovery failed part-way, worked on from an open channel: the postmortem's
// refused upload is said of the incident's channel, and status and the database watcher send the operator to the
// postmortem at a terminal, not to a thread that lacks the failure.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeGarbage } from '../helpers/databox-checkout.js';
import { startBot } from '../helpers/bot-harness.js';
import { blockNetwork } from '../helpers/no-network.js';
import { journalRecordsOf, useStandIns } from '../helpers/stand-ins.js';

blockNetwork();
const stage = useStandIns();

const operator = 'U0OPERATOR';

/** Whether a Slack call goes to the incident's channel, by any of the names its methods give a channel. */
const inIncidentChannel = (args: Record<string, any>) => args.channel === 'C0INCIDENT' || args.channel_id === 'C0INCIDENT' || String(args.channels ?? '').includes('C0INCIDENT');

/** A recovery of a corrupt file that fails at its rebuild, approved as the incident's channel is archived: its incident id. */
async function failedInArchivedChannel(): Promise<string> {
  const { slack, checkout } = stage;
  writeGarbage(checkout.databasePath);
  checkout.behave({ 'task full-refresh': { stdout: 'boom\n', stderr: 'error: disk\n', exit: 1 } });
  stage.harness = await startBot(checkout, slack);
  const bot = stage.harness;
  await bot.command('diagnose duckdb', operator);
  await bot.settle();
  await bot.click(slack.buttons('choose_path_a')[0]!, operator);
  await bot.settle();
  const approve = slack.buttons('approve_plan').at(-1)!;
  // Archived as the approval comes: posts and uploads are is_archived, edits is_inactive.
  slack.refuse = (method, args) =>
    !inIncidentChannel(args) ? undefined : method === 'chat.update' ? 'is_inactive' : method === 'chat.postMessage' || method === 'files.completeUploadExternal' ? 'is_archived' : undefined;
  await bot.click(approve, 'U0TEAMMATE');
  await slack.waitFor('the recovery failed', () => journalRecordsOf(checkout).some((r) => r.type === 'run.finished' && r.data.status === 'failed'), 60_000);
  await bot.settle();
  return journalRecordsOf(checkout).find((r) => r.type === 'incident.opened')?.incident as string;
}

describe("an incident's channel archived, worked on from an open channel", () => {
  it('/databox postmortem typed elsewhere says the incident\'s channel refused the upload, that it is on the bot\'s disk, and the terminal command', async () => {
    const incident = await failedInArchivedChannel();
    const { slack, checkout } = stage;
    const before = slack.responses.length;
    await stage.harness!.command(`postmortem ${incident}`, operator, 'C0OTHER');
    await stage.harness!.settle();
    await slack.waitFor('the answer to the postmortem', () => slack.responses.length > before, 30_000);
    const told = slack.responses.slice(before).map((r) => String(r.body.text));
    expect(told).toEqual([
      `:warning: Slack refused (is_archived) in <#C0INCIDENT>, the incident's channel, not this one: the channel is archived. The postmortem was written on the bot's disk (\`postmortems/${incident}.md\` in the state dir). At the bot's host, \`npm run --silent cli -- postmortem ${incident}\` prints it.`,
    ]);
    expect(told[0]).not.toContain(checkout.stateDir);
    expect(fs.existsSync(path.join(checkout.stateDir, 'postmortems', `${incident}.md`))).toBe(true);
  }, 180_000);

  it("status and the database watcher send the operator to the postmortem at a terminal while the incident's thread lacks what Slack refused", async () => {
    const incident = await failedInArchivedChannel();
    const bot = stage.harness!;
    const readPostmortem = `read \`npm run --silent cli -- postmortem ${incident}\` (Slack has not taken all of its thread's messages)`;
    const status = async () => String((await bot.command('status', operator, 'C0OTHER')).json?.text);
    // The watchers look again once a plan that changed a database ends: asked until the database watcher has.
    let said = await status();
    for (let tries = 0; !said.includes('stopped part-way on it') && tries < 100; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      said = await status();
    }
    expect(said).toContain(`:warning: *Left part-way:* recovery ${incident}/2 (`);
    expect(said).toContain(`since: ${readPostmortem} before anything else.`);
    expect(said).not.toContain('read its thread');
    expect(said).toMatch(new RegExp(`Recovery ${incident}/2 stopped part-way on it: ${readPostmortem.replace(/[()`]/g, '\\$&')} first`));
  }, 180_000);

  it("a new incident typed in the archived channel is abandoned: status's Slack note names it apart, neither as the channel's incident nor as messages the journal holds", async () => {
    const incident = await failedInArchivedChannel();
    const { checkout } = stage;
    const bot = stage.harness!;
    const slackNote = async () => String((await bot.command('status', operator, 'C0OTHER')).json?.text).split('\n').find((line) => line.startsWith('*Slack:* <#C0INCIDENT>')) ?? '';
    const before = await slackNote();
    const notPosted = before.match(/(Slack refused the bot's messages there (once|\d+ times) \([^)]*\))/)?.[1];
    expect(notPosted).toBeDefined();
    // Typed in the archived channel: its first message is refused, so the incident is abandoned, and whoever typed it told.
    await bot.command('diagnose duckdb', operator);
    await bot.settle();
    const abandoned = journalRecordsOf(checkout).find((r) => r.type === 'incident.abandoned')?.incident as string;
    expect(abandoned).toBeDefined();
    const after = await slackNote();
    expect(after).toContain(`<#C0INCIDENT>, the channel of incident \`${incident}\`, refuses the bot's messages since`);
    expect(after).toContain(`${notPosted}; the journal and the postmortem`);
    expect(after).toContain(`A new incident opened there, \`${abandoned}\`, was abandoned (whoever opened it was told).`);
  }, 180_000);
});
