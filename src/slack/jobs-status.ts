// The /databox status lines of the bot's own work: the jobs its workers run, those waiting for a worker, and the
// postmortems on their way to Slack, so a command that has not started yet is seen to be queued, and behind what.
import { firstFew } from '../first-few.js';
import { escapeMrkdwn } from './mrkdwn.js';

/** How many jobs of each kind are named: a backlog of 50 would crowd the status Slack cuts past about 40,000 characters. */
const named = 10;

const listed = (labels: string[]) => firstFew(labels.map(escapeMrkdwn), named).join(', ');

/** A time as an operator reads it in Slack: HH:MM:SS UTC. */
function utcSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 19)} UTC`;
}

/** The lines, or none while the workers are idle and nothing is being uploaded. */
export function jobsStatusLines(jobs: { running: string[]; waiting: string[] }, uploads: { label: string; since: number }[], workers: number): string[] {
  const lines: string[] = [];
  if (jobs.running.length > 0 || jobs.waiting.length > 0) {
    const running = jobs.running.length > 0 ? `running: ${listed(jobs.running)}` : 'running: nothing';
    const waiting = jobs.waiting.length > 0 ? `; waiting for a worker: ${listed(jobs.waiting)}` : '';
    lines.push(`*Jobs* (DATABOX_WORKERS is ${workers}): ${running}${waiting}.`);
  }
  if (uploads.length > 0) {
    const going = listed(uploads.map((u) => `${u.label} (since ${utcSeconds(u.since)})`));
    lines.push(`*Uploading to Slack* (outside the workers; Slack has not answered yet): ${going}.`);
  }
  return lines;
}
