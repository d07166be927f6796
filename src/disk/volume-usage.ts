// Free space and use% of the volume holding a path (fs.statfs), as `df` reports it.
import fs from 'node:fs';
import path from 'node:path';

export interface VolumeUsage {
  /** The path statfs was asked about: the target, or its nearest existing parent. */
  checkedPath: string;
  /** Identifies the volume, so two paths on one volume are reported once. */
  device: number;
  totalBytes: number;
  freeBytes: number;
  usedPercent: number;
  freeText: string;
  totalText: string;
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

export async function volumeUsage(target: string): Promise<VolumeUsage> {
  const checkedPath = existingAncestor(target);
  const [stats, info] = await Promise.all([fs.promises.statfs(checkedPath), fs.promises.stat(checkedPath)]);
  const totalBytes = stats.blocks * stats.bsize;
  const freeBytes = stats.bavail * stats.bsize;
  const usedPercent = totalBytes > 0 ? Math.round(((totalBytes - stats.bfree * stats.bsize) / totalBytes) * 1000) / 10 : 0;
  return { checkedPath, device: info.dev, totalBytes, freeBytes, usedPercent, freeText: formatBytes(freeBytes), totalText: formatBytes(totalBytes) };
}
