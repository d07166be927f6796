// A verdict or rollback offer whose buttons are spent, as its message reads once updated: what happened, and who did it.
import path from 'node:path';
import { asDiagnosedBy } from '../incidents/as-diagnosed.js';
import type { Incident, Run } from '../incidents/state.js';
import type { SpentOffer, SpentVerdict } from '../incidents/spent-offers.js';
import { endedWords } from '../incidents/run-label.js';
import { diagnosedAt } from '../incidents/older-verdict.js';
import { utcTime } from '../incidents/approval-policy.js';
import type { Runbook } from '../runbook/schema.js';
import { rollbackOfferMessage, verdictMessage, type Rendered } from './blocks.js';
import { slackMention as mention } from './mentions.js';
import { escapeMrkdwn, escapeMrkdwnNames } from './mrkdwn.js';

/** Who asked for a plan and who approved it, and when it started: "asked for by @a, approved by @b, started at 11:41 UTC". */
function whoRanIt(run: Run): string {
  const approved = run.decidedBy ? `, approved by ${mention(run.decidedBy)}` : '';
  const started = run.startedAt ? `, started at ${utcTime(run.startedAt)}` : '';
  return `asked for by ${mention(run.requestedBy)}${approved}${started}`;
}

/**
 * The line in place of a verdict's spent path buttons: which run changed the database since, and how to choose again;
 * or the newer diagnosis that replaced the verdict, whose buttons are the ones to use.
 */
export function verdictSpentLine(incident: Incident, spent: SpentVerdict): string {
  const by = spent.changedBy;
  const buttons = spent.paths.map((id) => id.toUpperCase());
  const which = buttons.length === 1 ? `Path ${buttons[0]}'s button` : `The buttons of paths ${buttons.slice(0, -1).join(', ')} and ${buttons.at(-1)}`;
  const gone = `${which} ${buttons.length === 1 ? 'is' : 'are'} gone`;
  const what = by && `*${escapeMrkdwnNames(by.title)}* (plan ${by.id}; ${whoRanIt(by)}; ${endedWords(by)})`;
  const happened = !by
    ? undefined
    : by.incidentId === incident.id
      ? `:white_check_mark: ${what} was run — see below.`
      : `:white_check_mark: ${what} of incident ${by.incidentId} changed ${escapeMrkdwn(path.basename(by.lockKey))} since this diagnosis.`;
  if (spent.replacedBy) {
    const replaced = `:arrows_counterclockwise: A newer diagnosis replaced this verdict: the incident was diagnosed again at ${diagnosedAt(spent.replacedBy)} (diagnosis ${spent.replacedBy.id}) — see below. ${gone}: ${incident.diagnosis?.paths.length ? 'use the buttons on the newest verdict' : 'the newest verdict offers no recovery'}.`;
    return happened ? `${happened} ${replaced}` : replaced;
  }
  return `${happened} ${gone}: ${buttons.length === 1 ? 'it was' : 'they were'} offered on what this diagnosis saw before that. To choose a path, diagnose again (\`${escapeMrkdwn(spent.diagnoseAgain)}\`).`;
}

/** The line in place of a spent *Roll back…* button: the rollback that ran, who asked and approved, when it ended. */
export function rollbackSpentLine(rollback: Run): string {
  const ended = rollback.finishedAt ? ` at ${utcTime(rollback.finishedAt)}` : '';
  return `:leftwards_arrow_with_hook: Rolled back${ended} by plan ${rollback.id} (${whoRanIt(rollback)}) — see below. There is nothing more to roll back.`;
}

/**
 * The message of `run`'s offer as it reads now: spent, with its buttons replaced; or as first posted when `spent` is
 * undefined. A verdict is rendered from its own diagnosis (asDiagnosedBy), however many diagnoses followed it.
 */
export function offerMessage(incident: Incident, run: Run, rb: Runbook, spent: SpentOffer | undefined): Rendered {
  if (run.kind === 'recovery') return rollbackOfferNow(run, spent);
  const diagnosed = asDiagnosedBy(incident, run) ?? incident;
  return verdictMessage(diagnosed, run, verdictPaths(diagnosed, rb), rb.parameters, spent?.kind === 'verdict' ? { paths: spent.paths, line: verdictSpentLine(incident, spent) } : undefined);
}

/** A recovery's rollback offer as it reads now: spent once its rollback ran, as first posted until then. */
export function rollbackOfferNow(recovery: Run, spent: SpentOffer | undefined): Rendered {
  return rollbackOfferMessage(recovery, spent?.kind === 'rollback' ? rollbackSpentLine(spent.rollback) : undefined);
}

/** The runbook's paths `incident`'s diagnosis offers, in the runbook's order. */
export function verdictPaths(incident: Incident, rb: Runbook): Runbook['recovery'] {
  return rb.recovery.filter((p) => incident.diagnosis?.paths.includes(p.id));
}
