// What each step of a validation found, for the postmortem's Validation section: its finding and the counts it recorded.
import { acceptedNote, statusSaid } from '../engine/step-passed.js';
import type { Run } from '../incidents/state.js';
import { fence, plain } from './markdown.js';

/**
 * Each step's finding (a command's is its exit code, in the step table already) and, for a check the bot ran itself,
 * what it recorded (rows per day before and after, row counts): whoever writes the postmortem reads the evidence where
 * the validation is, not only in the timeline.
 */
export function stepFindingsLines(run: Run): string[] {
  const lines: string[] = [];
  for (const result of run.results) {
    const step = run.steps.find((s) => s.id === result.stepId);
    const said = result.summary !== `exit ${result.exitCode}` && result.summary !== '';
    // A command's output is its log (in the timeline, with its file); a built-in check's is the evidence it recorded.
    const recorded = step?.kind !== 'command' && result.excerpt?.trim() ? result.excerpt : undefined;
    if (!said && !recorded) continue;
    lines.push(`- **${plain(step?.title ?? result.stepId)}** (${plain(statusSaid(result.status))}${acceptedNote(step, result.status)})${said ? `: ${plain(result.summary)}` : ''}`);
    if (recorded && !result.summary.includes(recorded.trim())) lines.push('', fence(recorded, '  ', 'text'), '');
  }
  if (lines.length === 0) return [];
  // One blank line after it, whether it ends with a finding or an output.
  if (lines.at(-1) !== '') lines.push('');
  return ['What each step found:', '', ...lines];
}
