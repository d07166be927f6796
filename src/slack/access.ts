// Who may act from Slack: approvers from the installed workspace who are not guests (users.info, cached briefly), and
// the user groups of DATABOX_APPROVERS they are in, and who may start recoveries and rollbacks (DATABOX_REQUESTERS:
// user IDs, or user groups; both read with usergroups.users.list, cached briefly).
import type { WebClient } from '@slack/web-api';
import { UserError } from '../errors.js';
import { describeSlackError, groupRefusal, groupRefusalAdvice, personUnknownReason, unlistedGroupsReason, type GroupFailure, type RefusalWords } from './access-failures.js';
import { slackMention as mention } from './mentions.js';

export type Access = { ok: true } | { ok: false; reason: string };

/** May decide, and which of DATABOX_APPROVERS' user groups Slack says they are in, for the approval policy to weigh. */
export type DeciderAccess = { ok: true; memberOf: readonly string[] } | { ok: false; reason: string };

/** Where a click came from, as its payload says (block_actions: user.team_id, team.id, enterprise.id). */
export interface Clicker {
  userId: string;
  /** The clicker's home team; on an Enterprise org, the org's id (E…). */
  userTeamId?: string;
  /** The workspace the click came from. */
  teamId?: string;
  enterpriseId?: string;
}

/** The workspace (and Enterprise org) the bot is installed in, from auth.test. */
export interface InstalledWorkspace {
  teamId?: string;
  enterpriseId?: string;
  /** https://<workspace>.slack.com/, for links to threads. */
  url?: string;
}

export interface AccessOptions {
  allowGuestApproval: boolean;
  allowExternalApproval: boolean;
  /** Slack user IDs (U…, W…) and user-group IDs (S…) who may start recoveries and rollbacks; empty: any member. */
  requesters: readonly string[];
  /** Slack user IDs and user-group IDs who may approve plans; empty: anyone the other checks let. */
  approvers: readonly string[];
  /** How long a users.info or usergroups.users.list answer is trusted. */
  cacheMs?: number;
  /** How long the Web API client waits for Slack's answer (its timeout), to say so when Slack did not answer. */
  answerWithinMs: number;
  now?: () => number;
}

interface SlackUser {
  id?: string;
  team_id?: string;
  deleted?: boolean;
  is_bot?: boolean;
  is_restricted?: boolean;
  is_ultra_restricted?: boolean;
  is_stranger?: boolean;
  enterprise_user?: { enterprise_id?: string };
}

const defaultCacheMs = 60_000;

export class SlackAccess {
  private installed?: InstalledWorkspace;
  private readonly users = new Map<string, { at: number; user: SlackUser }>();
  private readonly groups = new Map<string, { at: number; members: readonly string[] }>();

  constructor(
    private readonly client: WebClient,
    private readonly options: AccessOptions,
  ) {}

  private get now(): number {
    return (this.options.now ?? Date.now)();
  }

  private get cacheMs(): number {
    return this.options.cacheMs ?? defaultCacheMs;
  }

  /** How long the bot waits for each of Slack's answers about someone, to tell a person kept waiting. */
  get answerWithinMs(): number {
    return this.options.answerWithinMs;
  }

  /** A link to a message (a thread's root) in the installed workspace, when auth.test gave its URL. */
  messageLink(channel: string, ts: string): string | undefined {
    const url = this.installed?.url;
    if (!url || !/^https:\/\/[^\s|<>]+\/$/.test(url)) return undefined;
    return `${url}archives/${channel}/p${ts.replace('.', '')}`;
  }

  /** Called at start with auth.test's answer. */
  setInstalled(workspace: InstalledWorkspace): void {
    this.installed = workspace;
  }

  /**
   * Whether a click may approve (or reject someone else's) plan: the payload first, then Slack's word on the user, then
   * on the groups of DATABOX_APPROVERS they are in.
   */
  async mayApprove(clicker: Clicker): Promise<DeciderAccess> {
    const member = await this.mayDecideAsMember(clicker);
    return member.ok ? this.approverGroupsOf(clicker.userId) : member;
  }

  /** Whether the clicker is someone who may decide at all: of the bot's own workspace, no guest (unless allowed). */
  private async mayDecideAsMember(clicker: Clicker): Promise<Access> {
    const { allowGuestApproval, allowExternalApproval } = this.options;
    if (allowGuestApproval && allowExternalApproval) return { ok: true };
    if (!allowExternalApproval) {
      if (!this.installed) return { ok: false, reason: 'the bot does not know yet which workspace it is installed in; try again in a moment' };
      const from = this.foreignOrigin(clicker);
      if (from !== undefined) return { ok: false, reason: this.foreignReason(from) };
    }
    const person = await this.person(clicker.userId, { refused: 'the click was refused', nothing: 'nothing was approved', deed: 'approve or reject plans' });
    if ('reason' in person) return { ok: false, reason: person.reason };
    const { user } = person;
    if (!allowGuestApproval && (user.is_restricted || user.is_ultra_restricted)) {
      return {
        ok: false,
        reason: `guests (${user.is_ultra_restricted ? 'single-channel' : 'multi-channel'}) may not approve or reject plans; ask a full member of the workspace`,
      };
    }
    if (!allowExternalApproval && this.isForeign(user)) return { ok: false, reason: this.foreignReason(user.team_id ?? 'another workspace') };
    return { ok: true };
  }

  /**
   * The user group of DATABOX_APPROVERS Slack says the user is in (none asked about when the list is empty or names
   * them); none found leaves the policy to refuse them, naming who may. A group Slack cannot list refuses the click
   * unless another listed group has them, as for requesters: nobody approves on a membership the bot could not read.
   */
  private async approverGroupsOf(userId: string): Promise<DeciderAccess> {
    const { approvers } = this.options;
    if (approvers.length === 0 || approvers.includes(userId)) return { ok: true, memberOf: [] };
    const found = await this.listedGroupWith(userId, approvers);
    if ('group' in found) return { ok: true, memberOf: [found.group] };
    if (found.failures.length > 0) {
      return { ok: false, reason: unlistedGroupsReason('DATABOX_APPROVERS', found.failures, 'the bot cannot tell whether you are one of DATABOX_APPROVERS and the click was refused; nothing was decided') };
    }
    return { ok: true, memberOf: [] };
  }

  /**
   * Slack's word on a person about to act (users.info, cached): the user, or why they may not — Slack could not say, the
   * account is deactivated, or it is a bot's (Slack's own buttons and commands are never an app's, so such a request
   * was made up).
   */
  private async person(userId: string, words: RefusalWords & { deed: string }): Promise<{ user: SlackUser } | { reason: string }> {
    let user: SlackUser;
    try {
      user = await this.userInfo(userId);
    } catch (error) {
      return { reason: personUnknownReason(error, words, this.options.answerWithinMs) };
    }
    if (user.deleted) return { reason: `your Slack account is deactivated; ${words.nothing}` };
    if (user.is_bot) return { reason: `${userId} is a bot or app account, which may not ${words.deed}; a person must` };
    return { user };
  }

  /** A Slack Connect partner, or anyone else outside the bot's own workspace or Enterprise org, as users.info says. */
  private isForeign(user: SlackUser): boolean {
    return Boolean(user.is_stranger) || !this.sameOrganisation(user.team_id, user.enterprise_user?.enterprise_id);
  }

  /**
   * Whether a user may start a recovery or a rollback: a member of the bot's own workspace (or Enterprise org), unless
   * DATABOX_REQUESTERS names them by ID, and one of those it lists when it lists any. users.info tells a Slack Connect
   * partner whose command carries the channel's workspace, as approvals are told.
   */
  async mayRequest(userId: string): Promise<Access> {
    const { requesters } = this.options;
    // Named by ID: someone's deliberate choice, a partner's too; Slack is not asked about them.
    if (requesters.includes(userId)) return { ok: true };
    const member = await this.ownMember(userId);
    if (!member.ok || requesters.length === 0) return member;
    const found = await this.listedGroupWith(userId, requesters);
    if ('group' in found) return { ok: true };
    // A group is named, not mentioned: a mention would notify everyone in it.
    const who = requesters.map((id) => (id.startsWith('S') ? `the user group ${id}` : mention(id))).join(', ');
    if (found.failures.length > 0) return { ok: false, reason: unlistedGroupsReason('DATABOX_REQUESTERS', found.failures, 'the request was refused; nothing was proposed') };
    return { ok: false, reason: `only these people and groups may start recoveries and rollbacks: ${who}. Diagnoses stay open to everyone` };
  }

  /** Whether Slack says the user is an active member of the bot's own workspace or Enterprise org. */
  private async ownMember(userId: string): Promise<Access> {
    if (!this.installed) return { ok: false, reason: 'the bot does not know yet which workspace it is installed in; try again in a moment' };
    const person = await this.person(userId, { refused: 'the request was refused', nothing: 'nothing was proposed', deed: 'start recoveries or rollbacks' });
    if ('reason' in person) return { ok: false, reason: person.reason };
    if (this.isForeign(person.user)) {
      return {
        ok: false,
        reason: this.foreignReason(
          person.user.team_id ?? 'another workspace',
          'recoveries and rollbacks are started by its own members only, or by those DATABOX_REQUESTERS names by user ID. Diagnoses stay open to everyone in the channel',
        ),
      };
    }
    return { ok: true };
  }

  /** mayRequest as a guard: a refusal is a user error, shown as it is. */
  async requireRequester(userId: string): Promise<void> {
    const access = await this.mayRequest(userId);
    if (!access.ok) throw new UserError(`refused: ${access.reason}`);
  }

  /**
   * Why a request of any kind (command, click, form) is turned away before any listener for where it comes from, or
   * undefined: one that names an empty workspace always; one from another workspace or Enterprise org unless it is a
   * decision (`decision`: an Approve or Reject click) and DATABOX_ALLOW_EXTERNAL_APPROVAL lets people from there
   * decide (who may is then checked as for anyone). The flag is about approvals: a partner's commands stay refused.
   */
  refusedOrigin(origin: Clicker, decision: boolean): string | undefined {
    if (origin.teamId === '') return 'this request names no Slack workspace (an empty team id), and databox-bot acts only for its own';
    if (decision && this.options.allowExternalApproval) return undefined;
    const from = this.foreignOrigin(origin);
    if (from === undefined) return undefined;
    return `this request comes from another Slack ${from.startsWith('E') ? 'Enterprise org' : 'workspace'} (${from}); databox-bot acts only for its own`;
  }

  /**
   * The team or Enterprise org a request comes from when it is not the installed one, as its payload says; undefined
   * when it is ours, or the bot does not know yet which is. On Enterprise Grid, every workspace of the org is ours.
   */
  private foreignOrigin(origin: Clicker): string | undefined {
    if (!this.installed) return undefined;
    if (origin.enterpriseId) return origin.enterpriseId === this.installed.enterpriseId ? undefined : origin.enterpriseId;
    return [origin.teamId, origin.userTeamId].find((team) => team && !this.sameOrganisation(team, undefined));
  }

  private sameOrganisation(teamId: string | undefined, enterpriseId: string | undefined): boolean {
    const installed = this.installed;
    if (!installed) return false;
    if (installed.enterpriseId && (enterpriseId === installed.enterpriseId || teamId === installed.enterpriseId)) return true;
    return teamId !== undefined && teamId === installed.teamId;
  }

  private foreignReason(from: string, rule = 'plans are approved and rejected by its own members only'): string {
    const home = this.installed?.enterpriseId ?? this.installed?.teamId ?? 'its own workspace';
    return `you are not a member of the workspace the bot is installed in (you are from ${from}; the bot belongs to ${home}): ${rule}`;
  }

  private async userInfo(userId: string): Promise<SlackUser> {
    const cached = this.users.get(userId);
    if (cached && this.now - cached.at < this.cacheMs) return cached.user;
    const answer = await this.client.users.info({ user: userId });
    const user = answer.user as SlackUser | undefined;
    if (!answer.ok || !user || user.id !== userId) throw new Error(answer.error ?? 'no such user in the answer');
    this.users.set(userId, { at: this.now, user });
    return user;
  }

  /**
   * At start: each user group DATABOX_APPROVERS or DATABOX_REQUESTERS names that Slack will not list, as a line for the
   * log. A lasting refusal (no such group, a plan without user groups, no usergroups:read) means no member of it can act
   * until the setting or the token is corrected; the bot starts all the same, since refusing to start would leave nobody
   * able to act at all.
   */
  async groupProblems(): Promise<{ group: string; setting: string; error: string; lasting: boolean; line: string }[]> {
    const settings = [
      { setting: 'DATABOX_APPROVERS', ids: this.options.approvers, act: 'approve a plan' },
      { setting: 'DATABOX_REQUESTERS', ids: this.options.requesters, act: 'run a command or click a button' },
    ];
    const problems = [];
    for (const { setting, ids, act } of settings) {
      for (const group of ids.filter((id) => id.startsWith('S'))) {
        try {
          await this.groupMembers(group);
        } catch (caught) {
          const error = describeSlackError(caught, this.options.answerWithinMs);
          const refusal = groupRefusal(setting, error);
          const line = refusal
            ? `${setting} names the user group ${group}, which Slack will not list (${error}): ${groupRefusalAdvice(refusal)}. No member of it can ${act} until then`
            : `could not check the user group ${group} named by ${setting} (${error}): it is asked again at each click`;
          problems.push({ group, setting, error, lasting: refusal !== undefined, line });
        }
      }
    }
    return problems;
  }

  /** The first user group of `listed` (S… among its IDs) Slack says has the user, else each group Slack could not list, with why. */
  private async listedGroupWith(userId: string, listed: readonly string[]): Promise<{ group: string } | { failures: GroupFailure[] }> {
    const failures: GroupFailure[] = [];
    for (const group of listed.filter((id) => id.startsWith('S'))) {
      try {
        if ((await this.groupMembers(group)).includes(userId)) return { group };
      } catch (error) {
        failures.push({ group, error: describeSlackError(error, this.options.answerWithinMs) });
      }
    }
    return { failures };
  }

  private async groupMembers(groupId: string): Promise<readonly string[]> {
    const cached = this.groups.get(groupId);
    if (cached && this.now - cached.at < this.cacheMs) return cached.members;
    const answer = await this.client.usergroups.users.list({ usergroup: groupId });
    if (!answer.ok || !Array.isArray(answer.users)) throw new Error(answer.error ?? 'no member list in the answer');
    this.groups.set(groupId, { at: this.now, members: answer.users });
    return answer.users;
  }
}

/** The clicker as a block_actions payload describes them. */
export function clickerOf(body: {
  user: { id: string; team_id?: string };
  team?: { id: string; enterprise_id?: string } | null;
  enterprise?: { id: string } | null;
}): Clicker {
  return requestOrigin(body);
}

/**
 * Who sent a request and from where, wherever its kind puts it: a click or form (user.team_id, team.id,
 * enterprise.id or team.enterprise_id), a slash command (user_id, team_id, enterprise_id: "" outside Enterprise Grid).
 */
export function requestOrigin(body: Record<string, any>): Clicker {
  return {
    userId: String(body.user?.id ?? body.user_id ?? 'unknown'),
    userTeamId: body.user?.team_id,
    teamId: body.team?.id ?? body.team_id,
    enterpriseId: (body.enterprise?.id ?? body.team?.enterprise_id ?? body.enterprise_id) || undefined,
  };
}
