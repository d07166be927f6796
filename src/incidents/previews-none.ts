// A recovery plan whose runbook-named previews all count none (a window with no rows in the raw table or the marts): said with the plan, in the runbook's words.
import type { PreviewResult } from '../engine/previews.js';
import { render, type TemplateContext } from '../runbook/template.js';
import type { RecoveryPath } from '../runbook/schema.js';
import { withinDiagnosedWindow } from './diagnosed-window.js';
import type { Incident } from './state.js';

interface Diagnosed {
  incident: Incident;
  windows: readonly { from: string; to: string }[];
  params: Readonly<Record<string, string>>;
}

export function previewsNoneSaid(recovery: RecoveryPath, previews: readonly PreviewResult[], values: TemplateContext, diagnosed: Diagnosed): string | undefined {
  const none = recovery.whenPreviewsNone;
  if (!none) return undefined;
  // The window the incident's diagnosis found empty and offered this path for: an outage it saw, not a window to diagnose first.
  if (diagnosed.incident.diagnosis?.paths.includes(recovery.id) && withinDiagnosedWindow(diagnosed.incident, diagnosed.windows, diagnosed.params)) return undefined;
  const counted = previews.filter((p) => none.previews.includes(p.id));
  // A table not there (ifTableMissing) was not counted: that is not "none in the window", and the plan says it apart.
  if (counted.length !== none.previews.length || counted.some((p) => p.value !== 0 || p.missing !== undefined)) return undefined;
  return render(none.said, values);
}
