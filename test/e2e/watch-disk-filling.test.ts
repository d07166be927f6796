// The disk watcher in the real bot on a real small volume filling up: a smaller step worse ("Disk full") goes to the
// alert's thread only, crossing into out of space reaches the channel too, as the end does.
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { projectRoot, scriptsDir, useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('watch-disk-filling-');
const tsx = path.join(projectRoot, 'node_modules', '.bin', 'tsx');

describe('a disk filling under the running bot', () => {
  it('sends "Worse now: Disk out of space" to the channel too, "Worse now: Disk full" to the thread only', async (context) => {
    const probe = await execa('unshare', ['--user', '--map-root-user', '--mount', 'true'], { reject: false });
    if (probe.exitCode !== 0) context.skip(`no mount namespaces here (${probe.stderr.trim()})`);
    const volume = tempDir();
    const result = await execa(
      'unshare',
      ['--user', '--map-root-user', '--mount', 'sh', '-c', 'mount -t tmpfs -o size=4m tmpfs "$0" && exec "$@"', volume, tsx, path.join(scriptsDir, 'watch-disk-filling.ts'), volume],
      { reject: false, timeout: 120_000 },
    );
    expect(result.exitCode, result.stderr).toBe(0);
    const posted = JSON.parse(result.stdout) as { text: string; inThread: boolean; toChannel: boolean }[];
    // The alert, then in its thread: full (thread only), out of space (the channel too), the end (the channel too).
    expect(posted.map((p) => [p.inThread, p.toChannel])).toEqual([[false, false], [true, false], [true, true], [true, true]]);
    expect(posted[0]?.text).toMatch(/^:rotating_light: Disk at or over 90%: /);
    expect(posted[1]?.text).toMatch(/^:arrow_up: Worse now: Disk full \(at or over 95%\)/);
    expect(posted[2]?.text).toMatch(/^:arrow_up: Worse now: Disk out of space: .* 100% used \(0 B free\), nothing more can be written there/);
    expect(posted[3]?.text).toMatch(/^:white_check_mark: Disk space: back to healthy/);
  }, 150_000);
});
