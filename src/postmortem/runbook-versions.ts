// Which version of its runbook an incident's plans were made with, against the one this postmortem reads its symptoms and prevention rows from.
import type { Run } from '../incidents/state.js';
import type { RunbookChanged } from '../incidents/runbook-changed.js';
import { runbookVersion, shortVersion } from '../runbook/runbook-version.js';
import type { Runbook } from '../runbook/schema.js';
import { code, plain } from './markdown.js';
import { waitingRunbookChangedOf } from '../incidents/waiting-runbook-changed.js';

/** Each version the incident's plans were made with, and the runs made with it, in the order first used. */
function versionsRan(runs: readonly Run[]): Map<string, string[]> {
  const versions = new Map<string, string[]>();
  for (const run of runs) if (run.runbookSha256) versions.set(run.runbookSha256, [...(versions.get(run.runbookSha256) ?? []), run.id]);
  return versions;
}

const sha = (version: string) => code(`sha256:${shortVersion(version)}`);

/** The summary's Runbook row: the version(s) that ran (and which runs, when more than one), and whether the one read now differs. */
export function runbookVersionRow(scenario: string | undefined, runs: readonly Run[], now: Runbook | undefined): string {
  // A journal whose incident.opened line names no scenario (written by hand, or its line lost) still gets its row.
  const which = scenario ? code(scenario) : 'its runbook';
  const ran = versionsRan(runs);
  const unrecorded = runs.filter((run) => !run.runbookSha256).map((run) => code(run.id));
  const nowVersion = runbookVersion(now);
  const ranSaid =
    ran.size === 0
      ? runs.length === 0 ? 'no plan was made' : 'which version ran is not recorded (journaled before runbook versions were)'
      : ran.size === 1 && unrecorded.length === 0
        ? `${sha([...ran.keys()][0] as string)} for every plan`
        : [...[...ran].map(([version, ids]) => `${sha(version)} for ${ids.map(code).join(', ')}`), ...(unrecorded.length > 0 ? [`not recorded for ${unrecorded.join(', ')}`] : [])].join('; ');
  // Nothing recorded to set it against: the version read now would only say the file was read, so it is left out.
  if (ran.size === 0) return `${which}: ${ranSaid}`;
  return `${which}: ${ranSaid}; ${nowVersion ? nowSaid(nowVersion, ran) : `the ${scenario ? `${code(scenario)} runbook` : 'runbook'} is not loaded here`}`;
}

/** How the version read for the postmortem stands to those that ran: the same, one of them, or none. */
function nowSaid(nowVersion: string, ran: ReadonlyMap<string, string[]>): string {
  if ([...ran.keys()].every((version) => version === nowVersion)) return 'the runbook read for this postmortem is the same';
  const against = ran.has(nowVersion) ? `, the version of ${(ran.get(nowVersion) as string[]).map(code).join(', ')} only` : ran.size === 1 ? ', not the version that ran' : ', none of the versions that ran';
  return `**the runbook read for this postmortem is ${sha(nowVersion)}**${against} (see *Symptoms* and *What would have caught this*)`;
}

/**
 * Said above what the postmortem takes from the runbook as read now (its symptoms, its prevention rows) when that is not
 * known to be the version the incident ran with: they may have been written otherwise then. Undefined when it is.
 */
export function takenFromNowNote(runs: readonly Run[], now: Runbook | undefined): string | undefined {
  const nowVersion = runbookVersion(now);
  if (!nowVersion || runs.length === 0) return undefined;
  const ran = versionsRan(runs);
  if (ran.size === 0) return "_Taken from the runbook as read for this postmortem: the journal does not record which version this incident's plans were made with._";
  const others = [...ran.keys()].filter((version) => version !== nowVersion);
  if (others.length === 0) return undefined;
  const whose = ran.has(nowVersion) ? 'some of this incident\'s plans were' : 'this incident\'s plans were';
  return `_Taken from the runbook as read for this postmortem (${sha(nowVersion)}), not the version ${whose} made with (${others.map(sha).join(', ')}): the runbook has changed since, and may have said this otherwise then._`;
}

/** Said beside an approval made where the runbook loaded was another version than the one that made the plan, as the approval said it. */
export function runbookChangedAtApproval(changed: RunbookChanged): string {
  const then = (version: string) => `sha256:${shortVersion(version)}`;
  const ranAsProposed = 'it ran the steps it was approved with, as proposed';
  if (changed.how === 'other-copy' && changed.proposedFrom && changed.approvedFrom) {
    return `it was made from another copy of the runbooks (${changed.proposedFrom}; the approver's was ${changed.approvedFrom}), its runbook at ${then(changed.proposedWith)} there, ${then(changed.approvedWith)} where it was approved: ${ranAsProposed}`;
  }
  if (changed.how === 'file-changed') return `its runbook had changed since it was proposed (${then(changed.proposedWith)} then, ${then(changed.approvedWith)} where it was approved): ${ranAsProposed}`;
  if (changed.how === 'approver-older' && changed.fileNow) {
    const who = changed.approvedAt === 'terminal' ? 'the terminal command that approved it had read' : 'the bot that approved it ran';
    const loaded = changed.approvedAt === 'terminal' ? 'read when the command started' : 'loaded at its start';
    return `${who} an older runbook than the file on disk (${then(changed.approvedWith)}, ${loaded}; the file was ${then(changed.fileNow)}): ${ranAsProposed} (${then(changed.proposedWith)})`;
  }
  return `it was made with its runbook at ${then(changed.proposedWith)} and approved where ${then(changed.approvedWith)} was loaded: ${ranAsProposed}`;
}

/**
 * The timeline's words for a waiting plan the bot noted at its start as made with another version of its runbook (or its
 * note taken back, the runbook its own version again): `plan` names it as the timeline does.
 */
export function waitingRunbookChangedEntry(plan: string, data: Record<string, unknown>): string {
  const then = (version: unknown) => `sha256:${shortVersion(String(version ?? ''))}`;
  const note = waitingRunbookChangedOf(data);
  if (!note) return `The bot, started with ${plain(String(data.file ?? 'its runbook'))} at ${then(data.loadedNow)} again, the version ${plan} was made with, took back its note that the runbook had changed`;
  const approved = note.pathGone ? " and no longer had the plan's path: an approval would be refused" : ': approved, it would run the steps as proposed';
  if (note.proposedFrom && note.loadedFrom) {
    return `The bot, started with ${plain(note.loadedFrom)} at ${then(note.loadedNow)}, said on the waiting ${plan} that the plan was made from another copy of the runbooks (${plain(note.proposedFrom)}, at ${then(note.proposedWith)})${note.pathGone ? "; its own had no path of the plan: an approval would be refused" : approved}`;
  }
  return `The bot, started with ${plain(note.file)} at ${then(note.loadedNow)}, said on the waiting ${plan} that its runbook had changed since the plan was made (${then(note.proposedWith)} then)${approved}`;
}
