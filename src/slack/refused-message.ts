// A message Slack refuses as made (too long, a block it will not take): shown once more as one plain section, saying
// so and naming the buttons it could not show, rather than lost from the thread with only a line in the log.
import type { KnownBlock } from '@slack/types';
import { actionIds, section, type Rendered } from './blocks.js';
import { buttonValueIfAny, planButton, rollbackButton } from './button-value.js';
import { approveAtTerminal, cli, rejectAtTerminal } from '../commands/terminal-commands.js';
import { lastingRefusal } from './lasting-refusals.js';

/** Slack's code when it refused the message for what it is (lasting-refusals.ts marks those asMade); undefined for any other failure. */
export function refusedAsMadeCode(error: unknown): string | undefined {
  const refusal = lastingRefusal(error);
  return refusal?.asMade ? refusal.code : undefined;
}

/** What a button stood for that a terminal can do instead: a plan's decision, or a recovery's rollback. */
interface TerminalInstead {
  decide?: { id: string; hash: string };
  rollback?: string;
}

/** The texts a reader sees in a message's blocks, in order, the labels of its buttons, and what a terminal does instead. */
function readable(blocks: readonly KnownBlock[]): { texts: string[]; buttons: string[]; instead: TerminalInstead } {
  const texts: string[] = [];
  const buttons: string[] = [];
  const instead: TerminalInstead = {};
  for (const block of blocks) {
    if ((block.type === 'section' || block.type === 'header') && block.text) texts.push(block.text.text);
    if (block.type === 'section' && block.fields) texts.push(...block.fields.map((field) => field.text));
    if (block.type === 'context') texts.push(...block.elements.flatMap((element) => ('text' in element && typeof element.text === 'string' ? [element.text] : [])));
    for (const element of block.type === 'actions' ? block.elements : []) {
      if (element.type !== 'button') continue;
      buttons.push(element.text.text);
      const plan = element.action_id === actionIds.approve ? buttonValueIfAny(element.value, planButton) : undefined;
      if (plan) instead.decide = { id: plan.run, hash: plan.hash };
      const rollback = element.action_id === actionIds.rollback ? buttonValueIfAny(element.value, rollbackButton) : undefined;
      if (rollback) instead.rollback = rollback.run;
    }
  }
  return { texts, buttons, instead };
}

/**
 * What to do without the buttons, as commands to paste at a terminal where there are such (Slack has no typed
 * approval): an approval in the name of whoever runs it; a rollback, whose approver the CLI asks for at its prompt.
 */
function withoutButtons(instead: TerminalInstead): string {
  if (instead.decide) return `a terminal approves it, \`${approveAtTerminal(instead.decide)}\`, or rejects it, \`${rejectAtTerminal(instead.decide)}\``;
  if (instead.rollback) return `a terminal proposes the rollback, \`${cli} rollback ${instead.rollback}\``;
  return `\`/databox help\` says what can be typed instead, and a terminal does the rest (\`${cli} help\`)`;
}

/**
 * The message as one section of plain words, led by why, within every limit Slack sets on a section. `withButtons`:
 * its buttons follow it as they were (Slack takes them in every other message; what it refused was the rest), so a
 * plan can still be approved where only the listed approvers may; without, they are given as terminal commands.
 */
export function asPlainMessage(rendered: Rendered, code: string, { withButtons = false } = {}): Rendered {
  const { texts, buttons, instead } = readable(rendered.blocks);
  const actions = withButtons ? rendered.blocks.filter((block) => block.type === 'actions') : [];
  const lost = actions.length > 0 ? ' Its buttons are below it.' : buttons.length > 0 ? ` Its buttons (${buttons.join(', ')}) could not be shown: ${withoutButtons(instead)}.` : '';
  const lead = `:warning: Slack refused this message as the bot made it (${code}), so here it is in plain words, cut to fit.${lost} The journal keeps all of it.`;
  const body = (texts.length > 0 ? texts : [rendered.text]).join('\n');
  const text = closedCode(`${lead}\n\n${body}`.slice(0, 2_990));
  return { text, blocks: [section(text), ...actions] };
}

/** Whether a message has buttons to keep when it is sent again in plain words. */
export const hasButtons = (rendered: Rendered): boolean => rendered.blocks.some((block) => block.type === 'actions');

/** A code block cut open by the cut to fit is closed, so what follows it is not read as code. */
function closedCode(text: string): string {
  return (text.match(/```/g) ?? []).length % 2 === 1 ? `${text}\n\`\`\`` : text;
}
