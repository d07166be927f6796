// Who a process is beyond its PID: its start time, the boot and the host it runs on, so a reused PID is not taken for it.
import fs from 'node:fs';
import os from 'node:os';
import { processAlive } from './alive.js';

export interface ProcessIdentity {
  pid: number;
  /** Field 22 of /proc/<pid>/stat: clock ticks after boot at which the process started. */
  start?: string;
  /** /proc/sys/kernel/random/boot_id: differs after every reboot. */
  boot?: string;
  /** The host (in a container, the container's hostname): PIDs mean nothing across PID namespaces. */
  host?: string;
}

/** The start time of a process, or undefined when it is gone (or /proc is not there). */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may itself hold spaces and parentheses: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state), so field 22 is fields[19].
    return fields[19];
  } catch {
    return undefined;
  }
}

let cachedBootId: string | undefined | null = null;

export function bootId(): string | undefined {
  if (cachedBootId === null) {
    try {
      cachedBootId = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
    } catch {
      cachedBootId = undefined;
    }
  }
  return cachedBootId;
}

let ownIdentity: ProcessIdentity | undefined;

/**
 * The identity of a process on this host and boot (by default, this one). This process's own is read once: the journal
 * lock writes it on every batch, and a read of /proc per batch showed as the largest cost of an ack under load.
 */
export function identityOf(pid = process.pid): ProcessIdentity {
  if (pid === process.pid && ownIdentity) return { ...ownIdentity };
  const identity = { pid, start: processStartTime(pid), boot: bootId(), host: os.hostname() };
  if (pid === process.pid && identity.start !== undefined) ownIdentity = identity;
  return { ...identity };
}

export type Liveness = 'alive' | 'dead' | 'unknown';

/**
 * Whether the process a record names still runs. Another boot: dead. Another host (another container on this kernel):
 * unknown, its PIDs are not ours to look at. Here: dead when the PID is gone or now belongs to a process started at
 * another time. A record without a start time (written by an older version) is judged by its PID alone.
 */
export function liveness(recorded: ProcessIdentity): Liveness {
  const boot = bootId();
  if (recorded.boot && boot && recorded.boot !== boot) return 'dead';
  if (recorded.host && recorded.host !== os.hostname()) return 'unknown';
  if (!recorded.pid || !processAlive(recorded.pid)) return 'dead';
  if (recorded.start === undefined) return 'alive';
  return processStartTime(recorded.pid) === recorded.start ? 'alive' : 'dead';
}

/** A short description for messages: "PID 123 on host x (started at tick 456)". */
export function describeIdentity(recorded: ProcessIdentity): string {
  const boot = bootId();
  const where = recorded.boot && boot && recorded.boot !== boot ? ` from an earlier boot` : recorded.host && recorded.host !== os.hostname() ? ` on host ${recorded.host}` : '';
  return `PID ${recorded.pid}${where}`;
}
