// A recovery plan whose runbook-named previews all count none (a window with no rows in the raw table or the marts): said with the plan, in the runbook's words.
import type { PreviewResult } from '../engine/previews.js';
import { render, type TemplateContext } from '../runbook/template.js';
import type { RecoveryPath } from '../runbook/schema.js';

export function previewsNoneSaid(recovery: RecoveryPath, previews: readonly PreviewResult[], values: TemplateContext): string | undefined {
  const none = recovery.whenPreviewsNone;
  if (!none) return undefined;
  const counted = previews.filter((p) => none.previews.includes(p.id));
  // A table not there (ifTableMissing) was not counted: that is not "none in the window", and the plan says it apart.
  if (counted.length !== none.previews.length || counted.some((p) => p.value !== 0 || p.missing !== undefined)) return undefined;
  return render(none.said, values);
}
