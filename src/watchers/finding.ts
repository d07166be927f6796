// What one watcher found on one check, and the shape every watcher has.
export type WatcherId = 'daemon' | 'schedules' | 'disk' | 'marts' | 'database';

/** The scenario an alert's button opens: scenario 4 (schedule) or scenario 1 (duckdb, for a full disk or the file itself). */
export type AlertScenario = 'schedule' | 'duckdb';

export interface Finding {
  watcher: WatcherId;
  /** healthy: nothing wrong; problem: alert; unknown: could not tell (nothing changes, the status says why). */
  state: 'healthy' | 'problem' | 'unknown';
  /** One line for the alert and the status. */
  summary: string;
  /** Evidence lines. */
  details: string[];
  scenario: AlertScenario;
  /**
   * For a problem whose kind can change within one outage (the daemon watcher: the webserver silent, or the daemons
   * not heartbeating), that kind, which stays the same while it does, unlike the summary's ages. When it changes, the
   * alert is updated and its thread told.
   */
  problem?: string;
  /**
   * How bad a problem that can get worse is (the disk watcher: each volume's step from nearly full to out of space,
   * added up), higher is worse: rising above the worst its outage has said is said at once, whatever the reminders.
   */
  severity?: number;
  /**
   * At the top of what its watcher tells (the disk watcher: a volume out of space, nothing more can be written): an
   * outage crossing into it is said in the channel too, not in the alert's thread only as a smaller step worse is.
   */
  critical?: boolean;
  /**
   * A condition that becomes an outage only when it lasts (the webserver not answering): the service remembers, in the
   * journal, since when it has held, so a restart neither restarts the count nor forgets it.
   */
  lasting?: boolean;
  /**
   * When the condition began, where the check can tell (a stopped daemon's last heartbeat), and what that moment is:
   * the outage is counted from it when it is earlier than the first check that found it.
   */
  began?: Began;
  /**
   * For a healthy finding, what is still wrong but no longer alerted on, on purpose (a schedule marked databox/paused:,
   * or STOPPED longer than switchedOffAfter): an outage that ends because its problem is now left off says this, never
   * "back to healthy", and so does the status. `key`: that part as the outage's `problem` names it.
   */
  leftOff?: LeftOff[];
}

export interface LeftOff {
  key: string;
  said: string;
}

export interface Began {
  at: string;
  /** What that moment was, said with it ("the last heartbeat before the alert"). */
  what: string;
}

/**
 * While a lasting condition holds: of the watcher's checks within its `lastingMs` before this one (since the condition
 * began), how many found it. A condition found at least half of them is an outage, however often it answers between.
 */
export interface LastingTally {
  failed: number;
  checks: number;
}

export interface Watcher {
  id: WatcherId;
  title: string;
  /** Why it is off (a variable set to false, DAGSTER_URL unset …); undefined when it runs. */
  off?: string;
  /**
   * How long its `lasting` condition must last to be an outage (DATABOX_DAGSTER_DOWN_AFTER): the span its recent checks
   * are counted over for the tally (its end is answersInARowToEnd answers in a row, whatever the tally).
   */
  lastingMs?: number;
  /**
   * `heldSince`: since when the `lasting` condition its previous checks found has held (also before a restart);
   * `tally`: how many of its recent checks found it.
   */
  check(now: Date, heldSince?: Date, tally?: LastingTally): Promise<Finding>;
  /**
   * What a check cut off by its time limit found, where that is itself news (the daemon watcher: the webserver did not
   * answer, counted towards its outage); absent, such a check failed, and the status says so.
   */
  unanswered?(now: Date, heldSince: Date | undefined, why: string, tally?: LastingTally): Finding;
}
