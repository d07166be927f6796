// Who may act, through the real Bolt app: guests and other workspaces cannot approve (users.info, cached, refused when it
// fails), sister workspaces of an Enterprise Grid org may, DATABOX_REQUESTERS (people and user groups) restricts who may start recoveries while diagnoses stay open,
// DATABOX_APPROVERS (people and user groups) who may approve.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writePostmortem } from '../../src/postmortem/write-postmortem.js';
import { loadRunbooks } from '../../src/runbook/load.js';
import { Checkout, writeGarbage } from '../helpers/databox-checkout.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns, journalRecordsOf } from '../helpers/stand-ins.js';
import { blockNetwork } from '../helpers/no-network.js';
import { postSigned, slashCommandBody } from '../helpers/signed-request.js';

const operator = 'U0OPERATOR';
const teammate = 'U0TEAMMATE';

let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness;

blockNetwork();

beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
});
afterEach(() => closeStandIns(harness, slack, checkout));

function journalRecords(): Record<string, any>[] {
  return journalRecordsOf(checkout);
}

async function planWaitingForApproval(env: Record<string, string> = {}) {
  writeGarbage(checkout.databasePath);
  harness = await startBot(checkout, slack, env);
  await harness.command('diagnose duckdb', operator);
  await harness.settle();
  await harness.click(slack.buttons('choose_path_a')[0]!, operator);
  await harness.settle();
  const approve = slack.buttons('approve_plan').at(-1);
  expect(approve, 'the plan was posted with an Approve button').toBeDefined();
  return approve!;
}

function nothingRan(): void {
  expect(checkout.calls(), 'no command ran').toEqual([]);
  expect(checkout.listData()).toEqual(['databox.duckdb']);
}

describe('who may approve', () => {
  it.each([
    ['a multi-channel guest', { is_restricted: true }, /guests \(multi-channel\) may not approve/],
    ['a single-channel guest', { is_restricted: true, is_ultra_restricted: true }, /guests \(single-channel\) may not approve/],
    ['a Slack Connect partner users.info places in another team', { team_id: 'T0PARTNER' }, /not a member of the workspace the bot is installed in \(you are from T0PARTNER/],
    ['a deactivated account', { deleted: true }, /deactivated/],
    ['a bot or app account', { is_bot: true }, /is a bot or app account, which may not approve or reject plans; a person must/],
  ])('refuses %s, tells them why, journals it, and runs nothing', async (_who, user, reason) => {
    const approve = await planWaitingForApproval();
    slack.users.set(teammate, user);
    await harness.click(approve, teammate);
    await harness.settle();
    expect(slack.ephemerals(teammate).at(-1)).toMatch(reason);
    nothingRan();
    const refused = journalRecords().filter((r) => r.type === 'approval.refused');
    expect(refused.map((r) => r.actor)).toEqual([teammate]);
    expect(refused[0]?.data.reason).toMatch(reason);
    // What was tried is on the record: the postmortem says "tried to approve", not "approve or reject".
    expect(refused[0]?.data.decision).toBe('approve');
    expect(journalRecords().some((r) => r.type === 'run.approved')).toBe(false);
    // The requester was asked about once, when they proposed the plan; the clicker once, when they clicked.
    expect(slack.callsTo('users.info').map((a) => a.user)).toEqual([operator, teammate]);
  });

  it('refuses a click whose payload comes from another workspace or Enterprise org, without asking users.info', async () => {
    const approve = await planWaitingForApproval();
    await harness.click(approve, teammate, { userTeamId: 'T0PARTNER', team: { id: 'T0PARTNER', domain: 'partner' } });
    await harness.settle();
    // Another workspace is turned away before any listener (handlers/refuse-foreign.ts), through the click's response_url.
    expect(String(slack.responses.at(-1)?.body.text)).toMatch(/another Slack workspace \(T0PARTNER\)/);
    expect(journalRecords().filter((r) => r.type === 'request.refused').map((r) => r.actor)).toEqual([teammate]);
    await harness.click(approve, teammate, { enterprise: { id: 'E0OTHERORG', name: 'Other' } });
    await harness.settle();
    expect(String(slack.responses.at(-1)?.body.text)).toMatch(/another Slack Enterprise org \(E0OTHERORG\)/);
    expect(slack.callsTo('users.info').filter((a) => a.user === teammate)).toEqual([]);
    nothingRan();
  });

  it('journals a click from another workspace under the incident its button names, with both teams, and its postmortem shows it', async () => {
    const approve = await planWaitingForApproval();
    const incident = approve.value && (JSON.parse(approve.value).run as string).split('/')[0];
    // Slack Connect: the payload's team is the installed one, the clicker's home team is not.
    await harness.click(approve, 'U0EXT', { userTeamId: 'T0OTHER' });
    await harness.settle();
    expect(String(slack.responses.at(-1)?.body.text)).toMatch(/another Slack workspace \(T0OTHER\)/);
    const refused = journalRecords().filter((r) => r.type === 'request.refused');
    expect(refused).toHaveLength(1);
    expect(refused[0]?.data).toMatchObject({ incident, team: 'T0DATABOX', userTeam: 'T0OTHER', action: 'approve_plan', clicked: approve.text });
    const postmortem = writePostmortem({ stateDir: checkout.stateDir, runbooks: loadRunbooks(path.resolve(import.meta.dirname, '..', '..', 'runbooks')), root: checkout.root, incidentId: incident! }).markdown;
    expect(postmortem).toMatch(new RegExp(`\\*\\*U0EXT\\*\\* clicked \`${approve.text}\`: refused: this request comes from another Slack workspace \\(T0OTHER\\)`));
    nothingRan();
  });

  it('tells a refused clicker through the click\'s response URL in a public channel the bot has not joined', async () => {
    const approve = await planWaitingForApproval();
    // chat:write.public lets the bot post there; Slack refuses it ephemeral notes (not_in_channel).
    slack.notJoined.add(approve.channel);
    slack.users.set(teammate, { is_restricted: true });
    await harness.click(approve, teammate);
    await harness.settle();
    expect(slack.responses.at(-1)?.body).toEqual({ response_type: 'ephemeral', replace_original: false, text: expect.stringMatching(/guests \(multi-channel\) may not approve/) });
    await harness.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness.settle();
    expect(slack.responses.at(-1)?.body).toEqual({ response_type: 'ephemeral', replace_original: false, text: expect.stringMatching(/The same plan already waits for approval/) });
    expect(harness.logs.filter((line) => /could not tell a clicker/.test(String(line.msg)))).toEqual([]);
    nothingRan();
  });

  it('refuses when users.info fails, and lets the same person approve once Slack answers again', async () => {
    const approve = await planWaitingForApproval();
    slack.failures.set('users.info', 'ratelimited');
    await harness.click(approve, teammate);
    await harness.settle();
    expect(slack.ephemerals(teammate).at(-1)).toMatch(/Slack could not tell the bot who you are \(users.info: ratelimited\)/);
    nothingRan();
    slack.failures.delete('users.info');
    await harness.click(approve, teammate);
    await harness.settle();
    expect(checkout.calls().map((c) => c.command)[0]).toBe('task full-refresh');
    expect(journalRecords().filter((r) => r.type === 'run.approved').map((r) => r.actor)).toEqual([teammate]);
  });

  it('asks users.info once per person while its answer is fresh', async () => {
    const approve = await planWaitingForApproval();
    slack.users.set(teammate, { is_restricted: true });
    for (let i = 0; i < 3; i += 1) {
      await harness.click(approve, teammate);
      await harness.settle();
    }
    expect(slack.ephemerals(teammate)).toHaveLength(3);
    expect(slack.callsTo('users.info').filter((a) => a.user === teammate)).toHaveLength(1);
  });

  it('a guest may not reject someone else\'s plan either; the requester may always withdraw their own', async () => {
    await planWaitingForApproval();
    slack.users.set(teammate, { is_restricted: true });
    const reject = slack.buttons('reject_plan').at(-1)!;
    await harness.click(reject, teammate);
    await harness.settle();
    expect(slack.ephemerals(teammate).at(-1)).toMatch(/guests \(multi-channel\) may not approve or reject/);
    expect(journalRecords().some((r) => r.type === 'run.rejected')).toBe(false);
    slack.users.set(operator, { is_restricted: true });
    await harness.click(reject, operator);
    await harness.settle();
    expect(journalRecords().filter((r) => r.type === 'run.rejected').map((r) => r.actor)).toEqual([operator]);
  });

  it('lets guests and other workspaces approve when DATABOX_ALLOW_GUEST_APPROVAL and DATABOX_ALLOW_EXTERNAL_APPROVAL are true', async () => {
    const approve = await planWaitingForApproval({ DATABOX_ALLOW_GUEST_APPROVAL: 'true', DATABOX_ALLOW_EXTERNAL_APPROVAL: 'true' });
    slack.users.set(teammate, { is_restricted: true, team_id: 'T0PARTNER' });
    // A Slack Connect partner's click names their workspace in team.id too: the flag lets it past the door as well.
    await harness.click(approve, teammate, { userTeamId: 'T0PARTNER', team: { id: 'T0PARTNER', domain: 'partner' } });
    await harness.settle();
    expect(checkout.calls().map((c) => c.command)[0]).toBe('task full-refresh');
    // The flag is about approvals: the partner's commands stay refused at the door.
    const command = await postSigned(harness.url, slashCommandBody('diagnose duckdb', { user_id: teammate, team_id: 'T0PARTNER', response_url: slack.responseUrl() }));
    expect(command.status).toBe(200);
    expect(command.text).toContain('this request comes from another Slack workspace (T0PARTNER)');
  });
});

describe('Enterprise Grid', () => {
  const sister = { team: { id: 'T0SISTER', domain: 'sister', enterprise_id: 'E0ORG' }, userTeamId: 'T0SISTER' };

  it('takes commands and approvals from a sister workspace of the same org, and refuses another org', async () => {
    slack.enterpriseId = 'E0ORG';
    writeGarbage(checkout.databasePath);
    harness = await startBot(checkout, slack);
    const fromSister = await postSigned(
      harness.url,
      slashCommandBody('diagnose duckdb', { user_id: operator, team_id: 'T0SISTER', enterprise_id: 'E0ORG', is_enterprise_install: 'false', response_url: slack.responseUrl() }),
    );
    expect(fromSister.status).toBe(200);
    await harness.settle();
    expect(journalRecords().filter((r) => r.type === 'request.refused')).toEqual([]);
    await harness.click(slack.buttons('choose_path_a')[0]!, operator, sister);
    await harness.settle();
    const approve = slack.buttons('approve_plan').at(-1)!;
    expect(approve, 'the sister workspace\'s click proposed the plan').toBeDefined();
    await harness.click(approve, teammate, { ...sister, team: { id: 'T0OTHER', enterprise_id: 'E0OTHERORG' } });
    await harness.settle();
    expect(String(slack.responses.at(-1)?.body.text)).toMatch(/another Slack Enterprise org \(E0OTHERORG\)/);
    nothingRan();
    slack.users.set(teammate, { team_id: 'T0SISTER', enterprise_user: { enterprise_id: 'E0ORG' } });
    await harness.click(approve, teammate, sister);
    await harness.settle();
    expect(journalRecords().filter((r) => r.type === 'run.approved').map((r) => r.actor)).toEqual([teammate]);
  });
});

describe('who may start a recovery', () => {
  const partner = 'U0PARTNER';

  it('refuses a Slack Connect partner whose command carries the channel\'s workspace, keeps diagnoses open to them, and lets DATABOX_REQUESTERS name them', async () => {
    writeGarbage(checkout.databasePath);
    // In a shared channel the payload can name the host's workspace: only users.info tells the partner's.
    slack.users.set(partner, { team_id: 'T0PARTNER', is_stranger: true });
    harness = await startBot(checkout, slack);
    await harness.command('diagnose duckdb', partner);
    await harness.settle();
    expect(slack.allText()).toContain('Verdict: File corrupt');

    await harness.click(slack.buttons('choose_path_a')[0]!, partner);
    await harness.settle();
    expect(slack.ephemerals(partner).at(-1)).toMatch(/not a member of the workspace the bot is installed in \(you are from T0PARTNER; the bot belongs to T0DATABOX\): recoveries and rollbacks are started by its own members only/);
    await harness.command('recover duckdb path=a', partner);
    await harness.settle();
    expect(slack.responses.at(-1)?.body.text).toMatch(/recoveries and rollbacks are started by its own members only/);
    expect(slack.buttons('approve_plan')).toEqual([]);
    expect(journalRecords().filter((r) => r.type === 'request.refused' || r.type === 'command.refused').map((r) => r.actor)).toContain(partner);
    nothingRan();

    await harness.stop();
    harness = await startBot(checkout, slack, { DATABOX_REQUESTERS: partner });
    await harness.click(slack.buttons('choose_path_a')[0]!, partner);
    await harness.settle();
    expect(slack.buttons('approve_plan')).toHaveLength(1);
  });

  it('opens a path\'s form at once while users.info waits out a Retry-After (a trigger lasts 3 s), and checks on submission', async () => {
    writeGarbage(checkout.databasePath);
    slack.users.set(partner, { team_id: 'T0PARTNER', is_stranger: true });
    harness = await startBot(checkout, slack);
    await harness.command('diagnose duckdb', partner);
    await harness.settle();
    slack.troubled = /^users\.info$/;
    slack.trouble = [{ status: 429, retryAfter: 4 }];
    const clicked = Date.now();
    await harness.click(slack.buttons('choose_path_b')[0]!, partner);
    await slack.waitFor('the form to open', () => slack.callsTo('views.open').length === 1, 60_000);
    // Within the trigger's 3 s (the limit Slack sets), so before the 4 s Retry-After ends: it did not wait for users.info.
    expect(slack.calls.find((c) => c.method === 'views.open')!.at - clicked).toBeLessThan(3_000);
    await harness.settle();
    // Filled in and sent, it is refused: a partner proposes nothing.
    await harness.submitModal(partner, slack.lastForm(), { backup: '/backups/databox.duckdb' });
    await harness.settle();
    expect(slack.buttons('approve_plan')).toEqual([]);
    nothingRan();
  });

  it('refuses while Slack cannot say who asked, and proposes once it answers', async () => {
    writeGarbage(checkout.databasePath);
    harness = await startBot(checkout, slack);
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    slack.failures.set('users.info', 'ratelimited');
    await harness.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness.settle();
    expect(slack.ephemerals(operator).at(-1)).toMatch(/Slack could not tell the bot who you are \(users.info: ratelimited\), so the request was refused; nothing was proposed/);
    expect(slack.buttons('approve_plan')).toEqual([]);
    slack.failures.delete('users.info');
    await harness.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness.settle();
    expect(slack.buttons('approve_plan')).toHaveLength(1);
  });
});

describe('DATABOX_REQUESTERS', () => {
  const env = { DATABOX_REQUESTERS: 'U0LEAD,S0ONCALL' };

  it('lets a member of a listed user group start a recovery, refuses anyone else, and keeps diagnoses open to all', async () => {
    writeGarbage(checkout.databasePath);
    slack.userGroups.set('S0ONCALL', [operator]);
    harness = await startBot(checkout, slack, env);

    await harness.command('diagnose duckdb', 'U0VISITOR');
    await harness.settle();
    expect(slack.allText()).toContain('Verdict: File corrupt');

    await harness.click(slack.buttons('choose_path_a')[0]!, 'U0VISITOR');
    await harness.settle();
    expect(slack.ephemerals('U0VISITOR').at(-1)).toMatch(/only these people and groups may start recoveries and rollbacks: <@U0LEAD>, the user group S0ONCALL/);
    expect(slack.buttons('approve_plan')).toEqual([]);

    await harness.command('recover duckdb path=a', 'U0VISITOR');
    await harness.settle();
    expect(slack.responses.at(-1)?.body.text).toMatch(/only these people and groups may start recoveries/);
    expect(slack.buttons('approve_plan')).toEqual([]);

    await harness.click(slack.buttons('choose_path_a')[0]!, operator);
    await harness.settle();
    expect(slack.buttons('approve_plan')).toHaveLength(1);
    expect(slack.callsTo('usergroups.users.list').map((a) => a.usergroup)).toContain('S0ONCALL');
  });

  it('says a workspace whose plan has no user groups needs user IDs in DATABOX_REQUESTERS', async () => {
    slack.failures.set('usergroups.users.list', 'plan_upgrade_required');
    writeGarbage(checkout.databasePath);
    harness = await startBot(checkout, slack, env);
    const advice = "this workspace's plan has no user groups: list user IDs in DATABOX_REQUESTERS";
    expect(harness.logs.filter((l) => l.level === 50).map((l) => l.msg)).toContainEqual(expect.stringContaining(`(plan_upgrade_required): ${advice}.`));
    await harness.command('recover duckdb path=a', operator);
    await harness.settle();
    expect(slack.responses.at(-1)?.body.text).toContain(`Trying again will not help: ${advice}`);
    expect(slack.responses.at(-1)?.body.text).not.toMatch(/Try again in a moment/);
  });

  it('refuses when the group cannot be read, naming it', async () => {
    writeGarbage(checkout.databasePath);
    harness = await startBot(checkout, slack, env);
    await harness.command('recover duckdb path=a', operator);
    await harness.settle();
    expect(slack.responses.at(-1)?.body.text).toMatch(/could not list the members of S0ONCALL: no_such_subteam/);
    expect(slack.buttons('approve_plan')).toEqual([]);
  });
});

describe('DATABOX_APPROVERS', () => {
  const env = { DATABOX_APPROVERS: 'U0LEAD,S0ONCALL' };

  it('lets a member of a listed user group approve a plan and its rollback, and refuses anyone else, naming who may', async () => {
    slack.userGroups.set('S0ONCALL', [teammate]);
    const approve = await planWaitingForApproval(env);
    await harness.click(approve, 'U0VISITOR');
    await harness.settle();
    // The group is named, not mentioned: a mention would notify everyone in it.
    expect(slack.ephemerals('U0VISITOR').at(-1)).toMatch(/only these people may approve plans: <@U0LEAD>, members of the user group S0ONCALL/);
    await harness.click(slack.buttons('reject_plan').at(-1)!, 'U0VISITOR');
    await harness.settle();
    expect(slack.ephemerals('U0VISITOR').at(-1)).toMatch(/only the requester or an approver may reject this plan/);
    nothingRan();
    expect(journalRecords().filter((r) => r.type === 'approval.refused').map((r) => [r.actor, r.data.decision])).toEqual([
      ['U0VISITOR', 'approve'],
      ['U0VISITOR', 'reject'],
    ]);

    await harness.click(approve, teammate);
    await harness.settle();
    expect(checkout.calls().map((c) => c.command)[0]).toBe('task full-refresh');
    await harness.click(slack.buttons('request_rollback').at(-1)!, operator);
    await harness.settle();
    await harness.click(slack.buttons('approve_plan').at(-1)!, teammate);
    await harness.settle();
    expect(slack.allText()).toContain('Rollback passed');
    expect(journalRecords().filter((r) => r.type === 'run.approved').map((r) => r.actor)).toEqual([teammate, teammate]);
    // One answer about the group serves every click while it is fresh, as for DATABOX_REQUESTERS.
    expect(slack.callsTo('usergroups.users.list').map((a) => a.usergroup)).toEqual(['S0ONCALL']);
  });

  it('refuses while Slack cannot list a listed group, naming it, and lets its member approve once Slack answers', async () => {
    const approve = await planWaitingForApproval(env);
    slack.failures.set('usergroups.users.list', 'ratelimited');
    await harness.click(approve, teammate);
    await harness.settle();
    expect(slack.ephemerals(teammate).at(-1)).toMatch(
      /Slack could not list the members of S0ONCALL: ratelimited \(usergroups\.users\.list\), so the bot cannot tell whether you are one of DATABOX_APPROVERS and the click was refused/,
    );
    nothingRan();
    expect(journalRecords().filter((r) => r.type === 'approval.refused')).toMatchObject([{ actor: teammate, data: { decision: 'approve', reason: expect.stringMatching(/could not list the members of S0ONCALL/) } }]);
    slack.failures.delete('usergroups.users.list');
    slack.userGroups.set('S0ONCALL', [teammate]);
    await harness.click(approve, teammate);
    await harness.settle();
    expect(journalRecords().filter((r) => r.type === 'run.approved').map((r) => r.actor)).toEqual([teammate]);
  });

  it('says a group Slack does not have is a wrong setting, not a reason to click again; its requester is told the two-person rule', async () => {
    // No S0ONCALL in the stand-in: Slack answers no_such_subteam, and will every time.
    const approve = await planWaitingForApproval(env);
    await harness.click(approve, teammate);
    await harness.settle();
    const told = slack.ephemerals(teammate).at(-1);
    expect(told).toMatch(/Slack could not list the members of S0ONCALL: no_such_subteam \(usergroups\.users\.list\).*Trying again will not help: this workspace has no such user group: correct DATABOX_APPROVERS\. Tell whoever runs databox-bot$/);
    expect(told).not.toMatch(/Try again in a moment/);
    // Said at the start already, as an error of the log: the bot started all the same.
    expect(harness.logs.filter((l) => l.level === 50).map((l) => l.msg)).toContainEqual(
      'DATABOX_APPROVERS names the user group S0ONCALL, which Slack will not list (no_such_subteam): this workspace has no such user group: correct DATABOX_APPROVERS. No member of it can approve a plan until then',
    );
    await harness.click(approve, operator);
    await harness.settle();
    expect(slack.ephemerals(operator).at(-1)).toMatch(/must be approved by someone other than the person who requested it/);
    nothingRan();
  });

  it('says a workspace whose plan has no user groups needs user IDs, at the start and at each click, not to try again', async () => {
    // A free Slack plan: usergroups.users.list answers plan_upgrade_required, and will until the plan changes.
    slack.failures.set('usergroups.users.list', 'plan_upgrade_required');
    const approve = await planWaitingForApproval(env);
    const advice = "this workspace's plan has no user groups: list user IDs in DATABOX_APPROVERS";
    expect(harness.logs.filter((l) => l.level === 50).map((l) => l.msg)).toContainEqual(
      `DATABOX_APPROVERS names the user group S0ONCALL, which Slack will not list (plan_upgrade_required): ${advice}. No member of it can approve a plan until then`,
    );
    await harness.click(approve, teammate);
    await harness.settle();
    const told = slack.ephemerals(teammate).at(-1);
    expect(told).toContain(`Slack could not list the members of S0ONCALL: plan_upgrade_required (usergroups.users.list), so the bot cannot tell whether you are one of DATABOX_APPROVERS and the click was refused; nothing was decided. Trying again will not help: ${advice}. Tell whoever runs databox-bot`);
    expect(told).not.toMatch(/Try again in a moment/);
    nothingRan();
  });

  it('lets an approver named by ID approve while the group cannot be listed', async () => {
    const approve = await planWaitingForApproval(env);
    // The start asked once, to say in its log that the group cannot be listed; the click asks nothing more.
    expect(slack.callsTo('usergroups.users.list')).toEqual([{ usergroup: 'S0ONCALL' }]);
    await harness.click(approve, 'U0LEAD');
    await harness.settle();
    expect(journalRecords().filter((r) => r.type === 'run.approved').map((r) => r.actor)).toEqual(['U0LEAD']);
    expect(slack.callsTo('usergroups.users.list')).toEqual([{ usergroup: 'S0ONCALL' }]);
  });
});
