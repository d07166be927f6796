// The humans' part of a postmortem written before (its Root cause, Follow-ups and anything added after them), carried
// into the one written again, which the journal alone would leave empty there.

/** The heading the humans' part starts at: the bot writes nothing of its own below it but the empty "## Follow-ups". */
const heading = '\n## Root cause\n';
/** What the bot writes from that heading on. */
const emptyPart = `${heading}\n## Follow-ups\n`;

/**
 * `markdown` with what `earlier` holds from its Root cause heading on, when someone filled anything in there; `markdown`
 * as it is otherwise (nothing written, no such heading left, or a document that does not end with the empty part).
 */
export function withHumansPart(markdown: string, earlier: string | undefined): { markdown: string; carried: boolean } {
  const at = earlier?.indexOf(heading) ?? -1;
  if (earlier === undefined || at < 0 || !markdown.endsWith(emptyPart)) return { markdown, carried: false };
  const theirs = earlier.slice(at);
  if (theirs.trim() === emptyPart.trim()) return { markdown, carried: false };
  return { markdown: `${markdown.slice(0, -emptyPart.length)}${theirs.endsWith('\n') ? theirs : `${theirs}\n`}`, carried: true };
}
