// The /databox status lines of the bot's own work: the jobs its workers run, those waiting for a worker, and the
// postmortems on their way to Slack, so a command that has not started yet is seen to be queued, and behind what.
import { escapeMrkdwn } from './mrkdwn.js';

/** A time as an operator reads it in Slack: HH:MM:SS UTC. */
function utcSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 19)} UTC`;
}

/** The lines, or none while the workers are idle and nothing is being uploaded. */
export function jobsStatusLines(jobs: { running: string[]; waiting: string[] }, uploads: { label: string; since: number }[], workers: number): string[] {
  const lines: string[] = [];
  if (jobs.running.length > 0 || jobs.waiting.length > 0) {
    const running = jobs.running.length > 0 ? `running: ${jobs.running.map(escapeMrkdwn).join(', ')}` : 'running: nothing';
    const waiting = jobs.waiting.length > 0 ? `; waiting for a worker: ${jobs.waiting.map(escapeMrkdwn).join(', ')}` : '';
    lines.push(`*Jobs* (DATABOX_WORKERS is ${workers}): ${running}${waiting}.`);
  }
  if (uploads.length > 0) {
    const going = uploads.map((u) => `${escapeMrkdwn(u.label)} (since ${utcSeconds(u.since)})`).join(', ');
    lines.push(`*Uploading to Slack* (outside the workers; Slack has not answered yet): ${going}.`);
  }
  return lines;
}
