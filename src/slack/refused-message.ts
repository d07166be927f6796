// A message Slack refuses as made (too long, a block it will not take): shown once more as one plain section, saying
// so and naming the buttons it could not show, rather than lost from the thread with only a line in the log.
import type { KnownBlock } from '@slack/types';
import { actionIds, section, type Rendered } from './blocks.js';

/** Slack's answers about the message itself, which the same message sent again can never change. */
const refusedAsMade = new Set(['msg_too_long', 'invalid_blocks', 'invalid_blocks_format', 'no_text']);

/** Slack's code when it refused the message for what it is; undefined for any other failure. */
export function refusedAsMadeCode(error: unknown): string | undefined {
  const code = (error as { data?: { error?: string } })?.data?.error;
  return code && refusedAsMade.has(code) ? code : undefined;
}

/** The texts a reader sees in a message's blocks, in order, and the labels of its buttons. */
function readable(blocks: readonly KnownBlock[]): { texts: string[]; buttons: string[]; approves: boolean } {
  const texts: string[] = [];
  const buttons: string[] = [];
  let approves = false;
  for (const block of blocks) {
    if ((block.type === 'section' || block.type === 'header') && block.text) texts.push(block.text.text);
    if (block.type === 'section' && block.fields) texts.push(...block.fields.map((field) => field.text));
    if (block.type === 'context') texts.push(...block.elements.flatMap((element) => ('text' in element && typeof element.text === 'string' ? [element.text] : [])));
    for (const element of block.type === 'actions' ? block.elements : []) {
      if (element.type !== 'button') continue;
      buttons.push(element.text.text);
      approves ||= element.action_id === actionIds.approve;
    }
  }
  return { texts, buttons, approves };
}

/** The message as one section of plain words, led by why, within every limit Slack sets on a section. */
export function asPlainMessage(rendered: Rendered, code: string): Rendered {
  const { texts, buttons, approves } = readable(rendered.blocks);
  // A plan's decision cannot be typed in Slack: a terminal takes it. What the other buttons do, a command does.
  const instead = approves
    ? '`/databox status` lists the plans that wait, and a terminal approves one (`npm run --silent cli -- approve &lt;run-id&gt; &lt;hash&gt;`)'
    : '`/databox help` says what can be typed instead, and a terminal does the rest (`npm run --silent cli -- help`)';
  const lost = buttons.length > 0 ? ` Its buttons (${buttons.join(', ')}) could not be shown: ${instead}.` : '';
  const lead = `:warning: Slack refused this message as the bot made it (${code}), so here it is in plain words, cut to fit.${lost} The journal keeps all of it.`;
  const body = (texts.length > 0 ? texts : [rendered.text]).join('\n');
  const text = closedCode(`${lead}\n\n${body}`.slice(0, 2_990));
  return { text, blocks: [section(text)] };
}

/** A code block cut open by the cut to fit is closed, so what follows it is not read as code. */
function closedCode(text: string): string {
  return (text.match(/```/g) ?? []).length % 2 === 1 ? `${text}\n\`\`\`` : text;
}
