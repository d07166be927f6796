// Runs the watchers every interval, posts one alert per outage (plus reminders and one recovery; a flapping one reopens it), and keeps outages in the journal.
import fs from 'node:fs';
import path from 'node:path';
import { formatDuration } from '../format-duration.js';
import { BotNotRunning } from './bot-not-running.js';
import type { Journal } from '../journal/journal.js';
import type { JournalRecord } from '../journal/record.js';
import type { Logger } from '../logger.js';
import { UnansweredCalls } from '../unanswered-calls.js';
import { UserError } from '../errors.js';
import { decideAlert, flapWindowMs, noAlertChannel, silencedAt, whyNotPosted, type AlertAction, type AlertRef, type AlertTiming, type OutageState, type Silence } from './alert-state.js';
import type { Began, Finding, LastingTally, LeftOff, Watcher, WatcherId } from './finding.js';
import { outageSpan, type OutageSpan } from './outage-span.js';
import { answersInARowToEnd } from './answers-to-end.js';
import { UndeliverableError } from './undeliverable.js';

/** Where alerts go: Slack in the bot. Each call resolves once posted, or throws (the next check tries again). */
export interface AlertSink {
  /** Where new alerts go now (DATABOX_ALERT_CHANNEL); undefined when nothing is posted. */
  readonly channel?: string;
  /** The alert posted; undefined only when no channel is set (nothing was posted). */
  alert(finding: Finding, since: string): Promise<AlertRef | undefined>;
  /** `notRunning`: "; the bot was not running for … of it", when it was not for part of the outage. */
  reminder(finding: Finding, outage: OutageState, now: Date, notRunning?: string): Promise<void>;
  /**
   * The outage goes on, but what is wrong changed (`worse`: worse than said before): the alert shows the new finding,
   * and its thread says so; `toChannel`: the channel too (it crossed into its watcher's top level, Finding.critical).
   */
  changed(finding: Finding, outage: OutageState, worse: boolean, toChannel: boolean, now: Date): Promise<void>;
  /**
   * The alert says it ended, and `span` when it began and how long it lasted; `said`: its thread says so too (for one that
   * flapped, only after its thread said it is wrong again: otherwise see settled). `finding.leftOff`: the parts of its problem still there but no longer alerted on, on
   * purpose: its end is said as that, never as back to healthy.
   */
  recovered(watcher: Watcher, outage: OutageState, span: OutageSpan, finding: Finding, said: boolean): Promise<void>;
  /** Back within the flap window (`outage` counts this return): the same alert is active again; `said`: its thread says so. */
  returned(finding: Finding, outage: OutageState, said: boolean, now: Date): Promise<void>;
  /** A flapping outage's end (`span`) has held for `heldMs` (the flap window): its thread says it is over, and how it flapped. */
  settled(watcher: Watcher, outage: OutageState, span: OutageSpan, heldMs: number, finding: Finding): Promise<void>;
  /**
   * Someone silenced the outage's reminders (`outage.silenced`): the alert says who, why and until when, and its thread
   * too. Absent where nobody can silence one (the terminal's `cli watch`).
   */
  silenced?(finding: Finding, outage: OutageState): Promise<void>;
}

export interface LastCheck {
  at: string;
  finding?: Finding;
  /** The check itself failed (a bug, a permission): logged, shown in the status. */
  error?: string;
  /** What it found could not be posted (Slack refused, or did not answer): tried again at the next check. */
  alertFailed?: string;
}

export interface WatchServiceOptions {
  watchers: Watcher[];
  journal: Journal;
  sink: AlertSink;
  logger: Logger;
  intervalMs: number;
  reminderMs: number;
  clock?: () => Date;
  /** Where each round's last checks are kept for another process (the terminal's `status`); not kept when absent. */
  lastChecksFile?: string;
}

/** Journal event types (additive): the outage state survives a restart through these. */
export const watchEvents = {
  alerted: 'watch.alerted',
  /** An outage found while no alert channel is set: nothing was posted (`why`); it is alerted once a channel is set. */
  notPosted: 'watch.not-posted',
  reminded: 'watch.reminded',
  changed: 'watch.changed',
  recovered: 'watch.recovered',
  /** Back within the flap window after a recovery (the same alert reopened), and a flapping outage's end that held. */
  returned: 'watch.returned',
  settled: 'watch.settled',
  /** A lasting condition (the webserver not answering) first seen, and gone again: the outage threshold counts from it. */
  noticed: 'watch.noticed',
  cleared: 'watch.cleared',
  /** An alert's button opened an incident, or joined one (one already working on it); a later click on that alert joins it. */
  incidentOpened: 'watch.incident-opened',
  incidentJoined: 'watch.incident-joined',
  /** Someone said an outage is so on purpose (its alert's "Paused on purpose…" form): who, why, until when; no reminder till then. */
  silenced: 'watch.silenced',
} as const;

/** How long one watcher's check may take before it is given up on: its interval, at least 10 s and at most a minute. */
function checkAnswerMs(intervalMs: number): number {
  return Math.min(60_000, Math.max(10_000, intervalMs));
}

/** HH:MM:SS of an ISO time. */
function clockTime(iso: string): string {
  return iso.slice(11, 19);
}

/**
 * What may be done for an outage nobody was told of (no channel was set at its alert): nothing to remind of or update,
 * and its end and returns are not said (there is no alert they would follow).
 */
function unposted(action: AlertAction): AlertAction {
  if (action.kind === 'reminder' || action.kind === 'changed') return { kind: 'none' };
  if (action.kind === 'recovered' || action.kind === 'returned') return { ...action, said: false };
  return action;
}

/** A check made within `spanMs` before `now`. */
function inSpan(check: LastingCheck, now: Date, spanMs: number): boolean {
  return Date.parse(check.at) >= now.getTime() - spanMs;
}

/** The last checks file's name under the state dir. */
export const lastChecksFileName = 'watchers-last-checks.json';

/** The latest problem a watcher's checks found, and when: an outage's figures after its alert. */
interface LatestProblem {
  at: string;
  summary: string;
}

/** One check of a watcher while its lasting condition holds: whether it found the condition (`failed`) or not. */
interface LastingCheck {
  at: string;
  failed: boolean;
}

interface LastChecksFile {
  pid: number;
  /** How often the process that kept them checks (its DATABOX_WATCH_INTERVAL); absent in files kept before it was. */
  intervalMs?: number;
  checks: Partial<Record<WatcherId, LastCheck>>;
  /** Kept beside the checks, so a terminal shows it also when the last check failed or could not tell. */
  problems?: Partial<Record<WatcherId, LatestProblem>>;
  /** The checks of each lasting condition in progress within its span: a restarted bot keeps its tally. */
  lasting?: Partial<Record<WatcherId, LastingCheck[]>>;
}

/** The worse of two severities, either unknown. */
function worstOf(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b);
}

/**
 * Runs a post into an alert's thread: `{ undelivered: why }` when Slack refuses it for good (the step is journaled as
 * done, so it is not sent again at each check), nothing when posted; any other failure is thrown, to be tried again.
 */
async function undeliverable(post: () => Promise<void>): Promise<{ undelivered?: string }> {
  try {
    await post();
    return {};
  } catch (error) {
    if (error instanceof UndeliverableError) return { undelivered: error.message };
    throw error;
  }
}

/**
 * What the outage's problem named ("STOPPED: a, b") that the finding now leaves off on purpose: its end is then that,
 * not a recovery. Any other part of it ended by itself.
 */
function leftOffOf(finding: Finding, outage: OutageState): LeftOff[] {
  const named = new Set((outage.problem ?? '').replace(/^[^:]*: /, '').split(', '));
  return (finding.leftOff ?? []).filter((part) => named.has(part.key));
}

/** The scenario each watcher's alert opens: scenario 1 for the disk and the file, scenario 4 for the rest. */
function scenarioOf(watcher: WatcherId): Finding['scenario'] {
  return watcher === 'disk' || watcher === 'database' ? 'duckdb' : 'schedule';
}

function alertKey(ref: AlertRef): string {
  return `${ref.channel}/${ref.ts}`;
}

export class WatchService {
  private readonly outages = new Map<WatcherId, OutageState>();
  private readonly lastChecks = new Map<WatcherId, LastCheck>();
  /** The latest problem each watcher found: what an outage's status shows while later checks cannot say more. */
  private readonly lastProblems = new Map<WatcherId, LatestProblem>();
  /** When the bot was not running, from its restarts: said beside an outage's length that spans them. */
  private readonly notRunning = new BotNotRunning();
  /** Lasting conditions in progress (journaled): since when each has held. */
  private readonly held = new Map<WatcherId, string>();
  /** The incident each alert's button opened (journaled), by the alert message. */
  private readonly incidentsByAlert = new Map<string, string>();
  private readonly clock: () => Date;
  private readonly timing: AlertTiming;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private started = false;
  private checking = false;
  /** Each watcher's check, given its time to answer. */
  private readonly unanswered: UnansweredCalls;
  /** Asked to check again while a check was under way: the next one starts as soon as it ends. */
  private checkAgain = false;
  /**
   * The checks of each lasting condition in progress (a silent webserver), within its watcher's lastingMs: it is an
   * outage once at least half of them found it, and cleared once it is gone answersInARowToEnd checks in a row.
   */
  private readonly lastingChecks = new Map<WatcherId, LastingCheck[]>();
  /**
   * When the answers that ended each lasting condition's count began (watch.cleared): its outage ended then, also when
   * that end is said at a later check, Slack having refused it at the first (or the bot restarted between).
   */
  private readonly answeringAgain = new Map<WatcherId, string>();
  /** Each watcher's last check by the bot that ran before this one (its last checks file), until this one checks it. */
  private readonly previousRunChecks = new Map<WatcherId, string>();
  /** The latest check the bot that ran before this one kept: a sign of life it gave, every interval while it ran. */
  readonly previousRunLastCheck?: string;

  constructor(private readonly options: WatchServiceOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.unanswered = new UnansweredCalls(checkAnswerMs(options.intervalMs), () => this.clock().getTime());
    this.timing = { reminderMs: options.reminderMs, flapWindowMs: flapWindowMs(options.reminderMs) };
    options.journal.onRecord((record) => this.apply(record));
    const kept = this.readKeptChecks();
    for (const [id, check] of Object.entries(kept?.checks ?? {})) if (check?.at) this.previousRunChecks.set(id as WatcherId, check.at);
    // Only those since the condition's start, journaled, count (lastingSince): a file kept after the journal's last word is never trusted over it.
    for (const [id, checks] of Object.entries(kept?.lasting ?? {})) if (Array.isArray(checks)) this.lastingChecks.set(id as WatcherId, checks.filter((c) => typeof c?.at === 'string' && typeof c.failed === 'boolean'));
    this.previousRunLastCheck = [...this.previousRunChecks.values()].sort().at(-1);
  }

  /** The watchers' clock: a time typed for them (a silence's until) is read against it. */
  now(): Date {
    return this.clock();
  }

  get watchers(): readonly Watcher[] {
    return this.options.watchers;
  }

  /** Rebuilds outages from the journal (call after journal.load(), or give it the records). */
  apply(record: JournalRecord): void {
    const data = record.data as { watcher?: WatcherId; since?: string; began?: Began; summary?: string; ref?: AlertRef; alert?: AlertRef; problem?: string; severity?: number; critical?: boolean; lasting?: boolean; said?: boolean; undelivered?: string; returns?: number; leftOff?: string[] };
    if ((record.type === watchEvents.incidentOpened || record.type === watchEvents.incidentJoined) && data.alert && record.incident) {
      // The first incident a click led to, the one it opened or one already working on it: later clicks join that one.
      const key = alertKey(data.alert);
      if (!this.incidentsByAlert.has(key)) this.incidentsByAlert.set(key, record.incident);
      return;
    }
    this.notRunning.note(record);
    if (!data.watcher) return;
    if (record.type === watchEvents.noticed) {
      this.held.set(data.watcher, data.since ?? record.at);
      this.answeringAgain.delete(data.watcher);
    } else if (record.type === watchEvents.cleared) {
      this.held.delete(data.watcher);
      const answeringSince = (record.data as { answeringSince?: string }).answeringSince;
      if (answeringSince) this.answeringAgain.set(data.watcher, answeringSince);
    } else if (record.type === watchEvents.alerted || record.type === watchEvents.notPosted) {
      // Not posted is no message (whyNotPosted): an older journal's alert with none was never posted either, its bot
      // having no channel to post it to.
      const ref = record.type === watchEvents.notPosted ? undefined : data.ref;
      this.outages.set(data.watcher, { since: data.since ?? record.at, began: data.began, summary: data.summary ?? '', lastPostedAt: record.at, ref, problem: data.problem, worst: data.severity, critical: data.critical, lasting: data.lasting === true });
    } else if (record.type === watchEvents.changed) {
      const outage = this.outages.get(data.watcher);
      // The webserver silent at the alert, then answering that the daemon stopped: when it began is known from then on.
      if (outage) this.outages.set(data.watcher, { ...outage, began: outage.began ?? data.began, summary: data.summary ?? outage.summary, problem: data.problem, lasting: data.lasting === true, worst: worstOf(outage.worst, data.severity), critical: outage.critical || data.critical, lastPostedAt: record.at, changedAt: record.at, lastSaidWrong: true, undelivered: data.undelivered });
    } else if (record.type === watchEvents.reminded) {
      const outage = this.outages.get(data.watcher);
      if (outage) this.outages.set(data.watcher, { ...outage, lastPostedAt: record.at, lastSaidWrong: true, undelivered: data.undelivered });
    } else if (record.type === watchEvents.recovered) {
      this.answeringAgain.delete(data.watcher);
      // Kept for the flap window: a return reopens its alert. Recoveries journaled before flapping was known were all said.
      // The end of an outage never posted is not said later either.
      const outage = this.outages.get(data.watcher);
      if (outage) this.outages.set(data.watcher, { ...outage, endedAt: record.at, endUnsaid: data.said === false && !whyNotPosted(outage) && !data.undelivered, endLeftOff: data.leftOff, lastPostedAt: data.said === false ? outage.lastPostedAt : record.at, lastSaidWrong: false, undelivered: data.undelivered });
    } else if (record.type === watchEvents.returned) {
      const outage = this.outages.get(data.watcher);
      if (outage) {
        this.outages.set(data.watcher, {
          ...outage,
          summary: data.summary ?? outage.summary,
          problem: data.problem,
          lasting: data.lasting === true,
          returns: data.returns ?? (outage.returns ?? 0) + 1,
          returnedAt: record.at,
          endedAt: undefined,
          endUnsaid: undefined,
          endLeftOff: undefined,
          lastPostedAt: data.said ? record.at : outage.lastPostedAt,
          // A return said is the thread's latest word, so its end is said too; a quiet one leaves the thread at "back to healthy".
          lastSaidWrong: data.said === true,
          undelivered: data.undelivered,
        });
      }
    } else if (record.type === watchEvents.settled) {
      this.outages.delete(data.watcher);
    } else if (record.type === watchEvents.silenced) {
      const outage = this.outages.get(data.watcher);
      const silence = (record.data as { silence?: Silence }).silence;
      // Only the outage it was said of: one that ended and another that began since is news again.
      if (outage && silence && outage.since === data.since) this.outages.set(data.watcher, { ...outage, silenced: silence });
    }
  }

  /** The outage in progress, if any (not one that ended and is kept for the flap window). */
  outage(id: WatcherId): OutageState | undefined {
    const outage = this.outages.get(id);
    return outage?.endedAt ? undefined : outage;
  }

  lastCheck(id: WatcherId): LastCheck | undefined {
    return this.lastChecks.get(id);
  }

  /** Since when a lasting condition (the webserver not answering) has held, also across restarts. */
  heldSince(id: WatcherId): string | undefined {
    return this.held.get(id);
  }

  /** The incident an alert's button already opened or joined, if any. */
  incidentForAlert(alert: AlertRef): string | undefined {
    this.options.journal.catchUp();
    return this.incidentsByAlert.get(alertKey(alert));
  }

  /** Records that a click on an alert opened an incident (`joined`: that it joined the one opened before). */
  recordAlertIncident(alert: AlertRef, watcher: string, incidentId: string, actor: string, joined = false): void {
    this.options.journal.append({
      type: joined ? watchEvents.incidentJoined : watchEvents.incidentOpened,
      incident: incidentId,
      actor,
      data: { alert: { channel: alert.channel, ts: alert.ts }, alertWatcher: watcher },
    });
  }

  /**
   * Someone says the outage its alert stands for is so on purpose (a schedule paused for a migration): no reminder until
   * `until`, journaled with who and why, the alert and its thread saying so. Refused, naming why, for an alert whose
   * outage has ended or is not this one's, and for a time not to come.
   */
  async silence(alert: AlertRef, watcher: WatcherId, by: string, reason: string, until: Date): Promise<OutageState> {
    this.options.journal.catchUp();
    const now = this.clock();
    const outage = this.outage(watcher);
    if (!outage?.ref || alertKey(outage.ref) !== alertKey(alert)) throw new UserError('this alert\'s outage is over (or another alert stands for it now): nothing was silenced');
    if (until.getTime() <= now.getTime()) throw new UserError(`until must be a time to come (it is ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC now): nothing was silenced`);
    const silence: Silence = { by, reason, until: until.toISOString(), at: now.toISOString() };
    await this.options.journal.commit({ type: watchEvents.silenced, actor: by, data: { watcher, since: outage.since, alert, silence } });
    const silenced = this.outages.get(watcher) as OutageState;
    // The alert is redrawn from the latest problem found; with none since a restart, from what its alert said.
    const latest = this.lastChecks.get(watcher)?.finding;
    const finding = latest?.state === 'problem' ? latest : { watcher, state: 'problem' as const, summary: silenced.summary, details: [], scenario: scenarioOf(watcher) };
    await this.options.sink.silenced?.(finding, silenced);
    return silenced;
  }

  /**
   * How often the checks statusLines shows were made: this process's own interval, or, once loadLastChecks read another
   * process's, that one's as it kept it (undefined when it kept none: a file from before it was kept, or no file).
   */
  private checkedEveryMs: number | undefined;
  private loadedChecks = false;

  /** The interval the checks shown were made at (see checkedEveryMs). */
  checkedEvery(): number | undefined {
    return this.loadedChecks ? this.checkedEveryMs : this.options.intervalMs;
  }

  /** Reads the last checks another process (the bot) kept; what it cannot read is left out. */
  loadLastChecks(): void {
    const kept = this.readKeptChecks();
    this.loadedChecks = true;
    this.checkedEveryMs = typeof kept?.intervalMs === 'number' && kept.intervalMs > 0 ? kept.intervalMs : undefined;
    for (const [id, check] of Object.entries(kept?.checks ?? {})) if (check?.at) this.lastChecks.set(id as WatcherId, check);
    for (const [id, problem] of Object.entries(kept?.problems ?? {})) if (problem?.at && problem.summary) this.lastProblems.set(id as WatcherId, problem);
  }

  private readKeptChecks(): LastChecksFile | undefined {
    if (!this.options.lastChecksFile) return undefined;
    try {
      return JSON.parse(fs.readFileSync(this.options.lastChecksFile, 'utf8')) as LastChecksFile;
    } catch {
      // No bot has checked yet on this state dir, or the file is being replaced: the status says "no check recorded".
      return undefined;
    }
  }

  /**
   * At a watcher's first check since this bot started: the time the bot was not running, from the previous run's last
   * check, when that is more than two intervals (longer than checks ever lie apart while it runs); undefined otherwise.
   */
  private unwatchedBefore(id: WatcherId, now: Date): OutageSpan['unwatched'] {
    const from = this.previousRunChecks.get(id);
    this.previousRunChecks.delete(id);
    if (!from || now.getTime() - Date.parse(from) <= 2 * this.options.intervalMs) return undefined;
    return { from, to: now.toISOString() };
  }

  private keepLastChecks(): void {
    const file = this.options.lastChecksFile;
    if (!file) return;
    const kept: LastChecksFile = { pid: process.pid, intervalMs: this.options.intervalMs, checks: Object.fromEntries(this.lastChecks), problems: Object.fromEntries(this.lastProblems), lasting: Object.fromEntries(this.lastingChecks) };
    const temporary = `${file}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(temporary, `${JSON.stringify(kept)}\n`);
      fs.renameSync(temporary, file);
    } catch (error) {
      this.options.logger.warn({ err: error, file }, 'could not keep the watchers\' last checks for the terminal');
    }
  }

  /** Runs every watcher that is on once, posting and journaling what changed; returns their findings. */
  async checkOnce(): Promise<Finding[]> {
    const findings: Finding[] = [];
    for (const watcher of this.options.watchers) {
      if (watcher.off) continue;
      const now = this.clock();
      const heldSince = this.held.get(watcher.id);
      let finding: Finding;
      try {
        finding = await this.checkWithin(watcher, now, heldSince);
      } catch (error) {
        this.options.logger.error({ err: error, watcher: watcher.id }, 'a watcher check failed');
        this.lastChecks.set(watcher.id, { at: now.toISOString(), error: (error as Error).message });
        continue;
      }
      this.lastChecks.set(watcher.id, { at: now.toISOString(), finding });
      if (finding.state === 'problem') this.lastProblems.set(watcher.id, { at: now.toISOString(), summary: finding.summary });
      findings.push(finding);
      try {
        await this.trackLasting(watcher, finding, now, heldSince);
        await this.act(watcher, finding, now);
      } catch (error) {
        // Not journaled, so the next check posts it again: an alert is never lost to a Slack hiccup.
        this.options.logger.warn({ err: error, watcher: watcher.id }, 'could not post a watcher alert; trying again at the next check');
        this.lastChecks.set(watcher.id, { at: now.toISOString(), finding, alertFailed: (error as Error).message });
      }
    }
    this.keepLastChecks();
    return findings;
  }

  /**
   * One watcher's check, given its time to answer (checkAnswerMs): a read the storage never answers (a hung network
   * mount) would otherwise hold every watcher after it, and the bot's stop. Until a check that did not answer does,
   * that watcher is not checked again (another read would hang beside it); it fails meanwhile.
   */
  private checkWithin(watcher: Watcher, now: Date, heldSince: string | undefined): Promise<Finding> {
    return this.unanswered.run(
      watcher.id,
      () => watcher.check(now, heldSince ? new Date(heldSince) : undefined, this.lastingTally(watcher, now, heldSince)),
      (since, earlier) => {
        const why = earlier
          ? `its check started at ${clockTime(new Date(since).toISOString())} UTC has not returned yet (the storage or service it reads does not answer): not checked again until it does`
          : `its check did not return within ${checkAnswerMs(this.options.intervalMs) / 1000} s (the storage or service it reads does not answer)`;
        if (watcher.unanswered) return watcher.unanswered(now, heldSince ? new Date(heldSince) : undefined, why, this.lastingTally(watcher, now, heldSince));
        throw new Error(why);
      },
    );
  }

  /**
   * The checks of a lasting condition held since `heldSince` kept at `now`: those since it began within its watcher's
   * lastingMs (its tally), and its latest ones before this, however long ago, so answers in a row are counted also when
   * fewer than answersInARowToEnd checks fit in that span (only those, for a watcher that names none).
   */
  private lastingSince(watcher: Watcher, now: Date, heldSince: string): LastingCheck[] {
    const since = Date.parse(heldSince);
    const checks = (this.lastingChecks.get(watcher.id) ?? []).filter((c) => Date.parse(c.at) >= since && Date.parse(c.at) <= now.getTime());
    const latest = checks.length - (answersInARowToEnd - 1);
    return checks.filter((c, i) => i >= latest || (watcher.lastingMs !== undefined && inSpan(c, now, watcher.lastingMs)));
  }

  /** How many of the checks that count before this one (those within its lastingMs) found the lasting condition; undefined when none holds. */
  private lastingTally(watcher: Watcher, now: Date, heldSince: string | undefined): LastingTally | undefined {
    if (!heldSince) return undefined;
    const lastingMs = watcher.lastingMs;
    const checks = this.lastingSince(watcher, now, heldSince).filter((c) => lastingMs === undefined || inSpan(c, now, lastingMs));
    return { failed: checks.filter((c) => c.failed).length, checks: checks.length };
  }

  /** When the answers that ended `outage`'s lasting condition began, while its end is still to be said: the outage ended then. */
  private answeredAgainFor(id: WatcherId, outage: OutageState | undefined): string | undefined {
    const at = this.answeringAgain.get(id);
    return at && outage?.lasting === true && !outage.endedAt && Date.parse(at) >= Date.parse(outage.since) ? at : undefined;
  }

  /**
   * Journals when a lasting condition begins and ends (watch.cleared, saying when the answers that ended it began), so
   * its start survives a restart (its recent checks are kept with the last checks). The watchers' events go by the
   * journal's group commit: a synchronous append would hold the event loop, and Slack's acks, for its fsync.
   */
  private async trackLasting(watcher: Watcher, finding: Finding, now: Date, heldSince: string | undefined): Promise<void> {
    const check = { at: now.toISOString(), failed: finding.lasting === true };
    if (finding.lasting && !heldSince) {
      this.lastingChecks.set(watcher.id, [check]);
      await this.options.journal.commit({ type: watchEvents.noticed, data: { watcher: watcher.id, since: now.toISOString(), summary: finding.summary } });
      return;
    }
    if (!heldSince) return;
    const checks = [...this.lastingSince(watcher, now, heldSince), check];
    this.lastingChecks.set(watcher.id, checks);
    if (finding.lasting) return;
    // Answers among failures (a webserver answering one check in five, or two in a row between pairs of failures) do
    // not start the count again: it is failing intermittently, still counted from its first failure, until it answers
    // answersInARowToEnd checks in a row, however many of the span's checks failed before them.
    const inARow = checks.length - 1 - checks.map((c) => c.failed).lastIndexOf(true);
    if (inARow < answersInARowToEnd) return;
    this.lastingChecks.delete(watcher.id);
    const answeringSince = checks[checks.length - inARow]?.at ?? now.toISOString();
    await this.options.journal.commit({ type: watchEvents.cleared, data: { watcher: watcher.id, since: heldSince, answeringSince, summary: finding.summary } });
  }

  private async act(watcher: Watcher, finding: Finding, now: Date): Promise<void> {
    const { journal, sink } = this.options;
    const outage = this.outages.get(watcher.id);
    // A lasting condition's outage ended where the answers that ended its count began, not at the check that saw it end,
    // nor at a later one saying it after Slack refused it: that moment is known, so no span unwatched is claimed either.
    const answeringSince = this.answeredAgainFor(watcher.id, outage);
    const unwatched = this.unwatchedBefore(watcher.id, now);
    // The alert channel was changed (a typo fixed) while an outage goes on: it is alerted again where people now look,
    // and one that comes back after it ended is alerted there anew rather than reopened in the old channel.
    const moved = finding.state === 'problem' && outage?.ref !== undefined && sink.channel !== undefined && outage.ref.channel !== sink.channel;
    // One found while no channel was set is posted at the first check that has one (the bot restarted with it set).
    const notPosted = outage && whyNotPosted(outage);
    const nowPostable = finding.state === 'problem' && notPosted !== undefined && sink.channel !== undefined;
    // An answer among failures is no end of a webserver failing at least half of its checks: that ends when its count does (watch.cleared).
    const answerAmongFailures = finding.state === 'healthy' && outage?.lasting === true && !outage.endedAt && this.held.has(watcher.id);
    const state = answerAmongFailures ? 'unknown' : finding.state;
    const decided = moved || nowPostable ? { kind: 'alert' as const } : decideAlert(outage, state, now, this.timing, finding.problem, finding.severity, finding.critical);
    const action = notPosted ? unposted(decided) : decided;
    switch (action.kind) {
      case 'alert': {
        // A lasting condition's outage began at its first check (webserver silent since T), not when it passed the
        // threshold; one alerted again in a new channel, or first posted there, when it was first found.
        const since = ((moved || nowPostable) && !outage?.endedAt ? outage?.since : undefined) ?? (finding.lasting ? this.held.get(watcher.id) : undefined) ?? now.toISOString();
        const ref = await sink.alert(finding, since);
        const found = { watcher: watcher.id, since, ...(finding.began ? { began: finding.began } : {}), summary: finding.summary, details: finding.details, scenario: finding.scenario, problem: finding.problem, severity: finding.severity, ...(finding.critical ? { critical: true } : {}), ...(finding.lasting ? { lasting: true } : {}) };
        // Nothing posted is never journaled as an alert: a postmortem or a reader of the journal would take it as sent.
        await journal.commit(ref ? { type: watchEvents.alerted, data: { ...found, ref } } : { type: watchEvents.notPosted, data: { ...found, why: noAlertChannel } });
        return;
      }
      case 'changed': {
        // Crossing into the top level (a disk out of space) is what everyone must see; a smaller step worse stays in the thread.
        const toChannel = action.crossed;
        const undelivered = await undeliverable(() => sink.changed(finding, action.outage, action.worse, toChannel, now));
        await journal.commit({ type: watchEvents.changed, data: { watcher: watcher.id, since: action.outage.since, ...(finding.began ? { began: finding.began } : {}), summary: finding.summary, details: finding.details, problem: finding.problem, severity: finding.severity, ...(finding.critical ? { critical: true } : {}), ...(finding.lasting ? { lasting: true } : {}), ...(toChannel ? { toChannel } : {}), ...undelivered } });
        return;
      }
      case 'reminder': {
        const undelivered = await undeliverable(() => sink.reminder(finding, action.outage, now, this.notRunning.of(action.outage.since, now.getTime())));
        await journal.commit({ type: watchEvents.reminded, data: { watcher: watcher.id, since: action.outage.since, summary: finding.summary, ...undelivered } });
        return;
      }
      case 'recovered': {
        // The span the message says is the one journaled: a postmortem reads the same start and length as the channel did.
        const span = answeringSince ? outageSpan(action.outage, answeringSince) : outageSpan(action.outage, now.toISOString(), unwatched);
        // Undeliverable (its channel archived): ended all the same, saying why nobody was told, never sent again each check.
        const leftOff = leftOffOf(finding, action.outage);
        const ended = { ...finding, leftOff: leftOff.length > 0 ? leftOff : undefined };
        const undelivered = await undeliverable(() => sink.recovered(watcher, action.outage, span, ended, action.said));
        await journal.commit({
          type: watchEvents.recovered,
          data: { watcher: watcher.id, since: action.outage.since, durationMs: answeringSince ? Math.max(0, Date.parse(answeringSince) - Date.parse(action.outage.since)) : action.durationMs, span, summary: finding.summary, said: action.said, returns: action.outage.returns ?? 0, ...(leftOff.length > 0 ? { leftOff: leftOff.map((part) => part.said) } : {}), ...(notPosted ? { notPosted } : {}), ...undelivered },
        });
        return;
      }
      case 'returned': {
        const reopened: OutageState = { ...action.outage, summary: finding.summary, problem: finding.problem, returns: (action.outage.returns ?? 0) + 1, returnedAt: now.toISOString(), endedAt: undefined };
        const undelivered = await undeliverable(() => sink.returned(finding, reopened, action.said, now));
        await journal.commit({
          type: watchEvents.returned,
          data: { watcher: watcher.id, since: reopened.since, summary: finding.summary, details: finding.details, problem: finding.problem, ...(finding.lasting ? { lasting: true } : {}), returns: reopened.returns, said: action.said, ...(notPosted ? { notPosted } : {}), ...undelivered },
        });
        return;
      }
      case 'settled': {
        // Ended at its last recovery, which has held since.
        const span = outageSpan(action.outage, action.outage.endedAt ?? now.toISOString());
        const undelivered = await undeliverable(() => sink.settled(watcher, action.outage, span, action.heldMs, finding));
        // What its end left off on purpose (a schedule still STOPPED), as its message says: a postmortem can say what was still wrong.
        const leftOff = action.outage.endLeftOff;
        await journal.commit({
          type: watchEvents.settled,
          data: { watcher: watcher.id, since: action.outage.since, span, heldMs: action.heldMs, returns: action.outage.returns ?? 0, summary: finding.summary, ...(leftOff && leftOff.length > 0 ? { leftOff } : {}), ...undelivered },
        });
        return;
      }
      case 'none':
        return;
    }
  }

  /** Checks now, then every interval after the previous check ended (checks never overlap). */
  start(): void {
    this.stopped = false;
    this.started = true;
    this.tick();
  }

  /**
   * Checks now rather than at the next interval, or right after the check under way: a recovery that has just ended
   * would otherwise leave /databox status (and the alert) saying the database it mended is broken for up to an interval.
   */
  checkSoon(): void {
    if (!this.started || this.stopped) return;
    if (this.checking) {
      this.checkAgain = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.tick();
  }

  private tick(): void {
    this.checking = true;
    this.checkAgain = false;
    this.running = this.checkOnce()
      .then(() => undefined)
      .catch((error: unknown) => this.options.logger.error({ err: error }, 'the watchers failed'))
      .finally(() => {
        this.checking = false;
        if (this.stopped) return;
        if (this.checkAgain) return this.tick();
        this.timer = setTimeout(() => this.tick(), this.options.intervalMs);
        this.timer.unref();
      });
  }

  /** Resolves when the check in progress (if any) has posted and journaled what it found. */
  async idle(): Promise<void> {
    await this.running;
    while (this.checking) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    // A check asked for again starts from the one before's end: wait for the last of them.
    while (this.checking) await this.running;
  }

  /**
   * What an outage's status shows: the latest problem its checks found (a disk fuller than at the alert), also one the bot
   * kept for the terminal; the alert's own words when no check found one since the outage began (a bot just restarted).
   */
  private latestProblem(id: WatcherId, outage: OutageState): string {
    const latest = this.lastProblems.get(id);
    return latest && Date.parse(latest.at) >= Date.parse(outage.since) ? latest.summary : outage.summary;
  }

  /** For a healthy watcher whose last outage's end Slack refused for good (its channel archived): that it ended, and why nobody was told. */
  private endUndelivered(id: WatcherId): string {
    const ended = this.outages.get(id);
    if (!ended?.endedAt || !ended.undelivered) return '';
    return ` (the outage since ${ended.since.slice(0, 16).replace('T', ' ')} UTC ended at ${ended.endedAt.slice(0, 16).replace('T', ' ')} UTC; its end could not be posted: ${ended.undelivered})`;
  }

  /** One line per watcher for /databox status: on or off, its state, since when, its last check. */
  statusLines(noCheck = 'no check since start'): string[] {
    const now = this.clock();
    return this.options.watchers.map((w) => {
      if (w.off) return `• ${w.title}: ${w.off}`;
      const outage = this.outage(w.id);
      const last = this.lastChecks.get(w.id);
      const flapping = outage?.returns ? `, flapping: bad ${outage.returns + 1} times` : '';
      const silence = outage && silencedAt(outage, now);
      const silenced = silence ? `; reminders silenced by ${silence.by} until ${silence.until.slice(0, 16).replace('T', ' ')} UTC: ${silence.reason}` : '';
      // Counted as its recovery will count it: from when the condition began where the check told (a daemon's last heartbeat).
      const span = outage ? outageSpan(outage, now.toISOString()) : undefined;
      const began = span?.beganWhat ? `; ${span.beganWhat}, first seen by the watcher at ${span.firstSeen.slice(0, 16).replace('T', ' ')} UTC` : '';
      const notPosted = outage && whyNotPosted(outage);
      const state = outage && span
        ? `${notPosted ? 'PROBLEM' : 'ALERTING'} since ${span.began.slice(0, 16).replace('T', ' ')} UTC (${formatDuration(span.lastedMs)}${this.notRunning.of(span.began, now.getTime())}${began}${flapping}): ${alertingNow(this.latestProblem(w.id, outage), last, notPosted, outage.undelivered)}${silenced}`
        : last?.finding?.state === 'unknown'
          ? `cannot tell: ${last.finding.summary}`
          : last?.finding?.state === 'problem'
            ? `PROBLEM, not alerted yet: ${last.finding.summary}${last.alertFailed ? ` (the alert could not be posted: ${last.alertFailed}; tried again at each check)` : ''}`
          : last?.error
            ? `check failed: ${last.error}`
            : last?.finding?.leftOff
              ? `not alerted on: ${last.finding.leftOff.map((part) => part.said).join('; ')} (${last.finding.summary})${this.endUndelivered(w.id)}`
            : last?.finding
              ? `healthy: ${last.finding.summary}${this.endUndelivered(w.id)}`
              : 'not checked yet';
      const checked = last ? `last check ${last.at.slice(0, 10) === now.toISOString().slice(0, 10) ? last.at.slice(11, 19) : last.at.slice(0, 19).replace('T', ' ')} UTC` : noCheck;
      // The interval of whoever checked (the bot's, read at a terminal), not this process's own; left out when unknown.
      const everyMs = this.checkedEvery();
      const every = everyMs === undefined ? '' : `, every ${formatDuration(everyMs)}`;
      return `• ${w.title}: ${state} (${checked}${every})`;
    });
  }
}

/**
 * An outage as the checks saw it: the latest problem found (a disk fuller than when the alert was raised), with why the
 * last check could not say more when it could not, and why nobody was told of it when its alert was never posted.
 */
function alertingNow(latest: string, last: LastCheck | undefined, notPosted: string | undefined, undelivered: string | undefined): string {
  // Posting it once a channel is set, Slack refused: that is why it is still not posted, not the channel it lacked then.
  if (notPosted && last?.alertFailed) return `${latest} (not posted: ${last.alertFailed}; tried again at each check)`;
  const unposted = notPosted ? ` (not posted: ${notPosted})` : '';
  // What the latest check says comes first, the problem it last found after it: that one may be stale now.
  if (last?.error) return `check failing now (${last.error}); found before: ${latest}${unposted}`;
  // A reminder, an update or an alert again in a new channel that Slack refused: nobody was told what the status says.
  if (last?.alertFailed) return `${latest} (its latest message could not be posted: ${last.alertFailed}; tried again at each check)`;
  // Refused for good (its channel archived): not sent again, so the status is where it is said.
  if (undelivered) return `${latest} (its latest message could not be posted: ${undelivered}; not tried again: set DATABOX_ALERT_CHANNEL to a channel the bot is in, and restart)`;
  if (last?.finding?.state === 'unknown') return `cannot tell now (${last.finding.summary}); found before: ${latest}${unposted}`;
  // An outage in progress beside a healthy check is a webserver failing at least half of its checks, answering this one: not over yet.
  if (last?.finding?.state === 'healthy') return `${latest}${unposted}; it answered the last check (${last.finding.summary}), but an answer among failures is no end: that takes ${answersInARowToEnd} answers in a row`;
  return `${latest}${unposted}`;
}

/** "bad 3 times in 12 min": how a flapping outage flapped, from its first time to its latest return; undefined for one that did not. */
export function flappingText(outage: OutageState): string | undefined {
  if (!outage.returns) return undefined;
  const spanMs = Date.parse(outage.returnedAt ?? outage.since) - Date.parse(outage.since);
  return `bad ${outage.returns + 1} times in ${formatDuration(spanMs)}`;
}

/** "2nd", "3rd", "11th": which time a flapping condition is back. */
export function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  return `${n}${teen ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th'}`;
}
