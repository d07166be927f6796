// The OS account a terminal command runs under: journaled beside the name typed with --as or --approver, which vouches
// for nobody, so a postmortem can tell that one login both asked for a plan and approved it.
import os from 'node:os';

export interface OsAccount {
  uid: number;
  /** The account's name, where the system has one for the uid. */
  name?: string;
}

/** This process's OS account; undefined where the system has no uid (Windows says -1). */
export function currentOsAccount(): OsAccount | undefined {
  const uid = process.getuid?.();
  if (uid === undefined || uid < 0) return undefined;
  try {
    return { uid, name: os.userInfo().username };
  } catch {
    // A uid with no entry in the system's accounts (a container run with --user 12345): the uid alone.
    return { uid };
  }
}

/** The OS account a journal line records in its data, when it records a well-formed one. */
export function recordedOsAccount(data: Record<string, unknown> | undefined): OsAccount | undefined {
  const account = data?.osAccount as { uid?: unknown; name?: unknown } | undefined;
  if (typeof account?.uid !== 'number') return undefined;
  return typeof account.name === 'string' ? { uid: account.uid, name: account.name } : { uid: account.uid };
}

/** An OS account as a person reads it: `uid 1001, alice`. */
export const osAccountSaid = (account: OsAccount) => `uid ${account.uid}${account.name ? `, ${account.name}` : ''}`;
