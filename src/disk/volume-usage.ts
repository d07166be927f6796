// Free space and use% of the volume holding a path (fs.statfs), as `df` reports it.
import fs from 'node:fs';
import path from 'node:path';

export interface VolumeUsage {
  /** The path statfs was asked about: the target, or its nearest existing parent. */
  checkedPath: string;
  /** Identifies the volume, so two paths on one volume are reported once. */
  device: number;
  totalBytes: number;
  /** What a writer other than root can still use (statfs's bavail, df's "Avail"). */
  freeBytes: number;
  /** Free blocks only root may write (ext4 keeps 5% by default): neither used nor free to the bot. */
  reservedBytes: number;
  /** df's Use%, a whole number. */
  usedPercent: number;
  freeText: string;
  totalText: string;
}

/** The block counts statfs gives, in one block size. */
export interface BlockCounts {
  blocks: number;
  bfree: number;
  bavail: number;
}

/** The path itself, or its nearest existing parent: a missing database file still lives on some volume. */
export function existingAncestor(target: string): string {
  let current = target;
  while (!fs.existsSync(current)) {
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  return current;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/**
 * Use% exactly as coreutils' df computes it: used / (used + available to non-root), rounded up, where used is every block
 * not free. Blocks reserved for root count in neither, so the volume reads 100% when the bot can write no more, not ~95%.
 */
export function dfUsePercent({ blocks, bfree, bavail }: BlockCounts): number {
  const used = blocks - bfree;
  const nonRootTotal = used + bavail;
  if (nonRootTotal <= 0) return 0;
  return Math.ceil((used * 100) / nonRootTotal);
}

/** "76.9 GiB free of 252.0 GiB, plus 150.1 GiB only root may write": the reserve named, so the figures add up beside df's use%. */
export function freeOfTotal(usage: Pick<VolumeUsage, 'freeText' | 'totalText' | 'reservedBytes'>): string {
  const reserved = usage.reservedBytes > 0 ? `, plus ${formatBytes(usage.reservedBytes)} only root may write` : '';
  return `${usage.freeText} free of ${usage.totalText}${reserved}`;
}

export async function volumeUsage(target: string): Promise<VolumeUsage> {
  const checkedPath = existingAncestor(target);
  const [stats, info] = await Promise.all([fs.promises.statfs(checkedPath), fs.promises.stat(checkedPath)]);
  const totalBytes = stats.blocks * stats.bsize;
  const freeBytes = stats.bavail * stats.bsize;
  const reservedBytes = Math.max(0, stats.bfree - stats.bavail) * stats.bsize;
  const usedPercent = dfUsePercent(stats);
  return { checkedPath, device: info.dev, totalBytes, freeBytes, reservedBytes, usedPercent, freeText: formatBytes(freeBytes), totalText: formatBytes(totalBytes) };
}
