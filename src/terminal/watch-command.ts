// `cli watch`: runs the bot's watchers once, prints what they found, exits non-zero when something is wrong (for cron or a systemd timer).
import type { Config } from '../config.js';
import type { CommandRunner } from '../process/run-command.js';
import { buildWatchers } from '../watchers/build-watchers.js';
import type { Finding } from '../watchers/finding.js';

export const watchExitCodes = { healthy: 0, problem: 1, cannotTell: 3 } as const;

const labels: Record<Finding['state'], string> = { healthy: 'OK', problem: 'PROBLEM', unknown: 'CANNOT TELL' };

/** Read-only: it neither posts nor journals, so the bot still alerts about what a cron run saw first. */
export async function watchCommand(config: Config, runCommand: CommandRunner, out: { write(text: string): unknown }, now: () => Date = () => new Date()): Promise<number> {
  let worst: number = watchExitCodes.healthy;
  for (const watcher of buildWatchers(config, runCommand, true)) {
    if (watcher.off) {
      out.write(`${watcher.title}: ${watcher.off}\n`);
      continue;
    }
    let finding: Finding;
    try {
      finding = await watcher.check(now());
    } catch (error) {
      finding = { watcher: watcher.id, state: 'unknown', summary: `the check failed: ${(error as Error).message}`, details: [], scenario: 'schedule' };
    }
    out.write(`${watcher.title}: ${labels[finding.state]}: ${finding.summary}\n`);
    for (const line of finding.details.join('\n').split('\n').filter(Boolean)) out.write(`    ${line}\n`);
    if (finding.state === 'problem') worst = watchExitCodes.problem;
    else if (finding.state === 'unknown' && worst === watchExitCodes.healthy) worst = watchExitCodes.cannotTell;
  }
  return worst;
}
