// Runs before every listener: a request from another workspace, or a click on a button the bot never draws, is refused
// at once (a short note only its sender sees), journaled, and goes no further.
import type { AnyMiddlewareArgs, App } from '@slack/bolt';
import type { z } from 'zod';
import { incidentIdPattern } from '../src/commands/parse.js';
import { openFromAlertActionId, silenceAlertActionId } from '../src/slack/alert-sink.js';
import { actionIds } from '../src/slack/blocks.js';
import { alertButton, followUpButton, pathButton, planButton, planOfferButton, rollbackButton, silenceButton, slackButtonValueCap, unlockButton } from '../src/slack/button-value.js';
import { answerRefusal, requestKind, requestSender } from './answer-refusal.js';
import type { HandlerDeps } from './index.js';
import { requestOrigin } from '../src/slack/access.js';

/** The clicks DATABOX_ALLOW_EXTERNAL_APPROVAL is about: deciding a plan, or approving an unlock. */
const decisionActions = new Set<string>([actionIds.approve, actionIds.reject, actionIds.approveUnlock]);

/** The path buttons carry a letter (choose_path_a), the follow-up buttons a number (open_follow_up_0). */
const ownActions = new RegExp(
  `^(${[actionIds.approve, actionIds.reject, actionIds.approveUnlock, actionIds.rollback, actionIds.postmortem, actionIds.proposeFollowUp, openFromAlertActionId, silenceAlertActionId, `${actionIds.choosePath}_[a-z]`, `${actionIds.followUp}_\\d{1,2}`].join('|')})$`,
);

/** The shape of the value each of the bot's buttons carries. */
const valueShapes: Record<string, z.ZodType | RegExp> = {
  [actionIds.approve]: planButton,
  [actionIds.reject]: planButton,
  [actionIds.approveUnlock]: unlockButton,
  [actionIds.choosePath]: pathButton,
  [actionIds.rollback]: rollbackButton,
  [actionIds.postmortem]: incidentIdPattern,
  [openFromAlertActionId]: alertButton,
  [silenceAlertActionId]: silenceButton,
  [actionIds.followUp]: followUpButton,
  [actionIds.proposeFollowUp]: planOfferButton,
};

/** Whether a button's value is one the bot could have drawn (its JSON shape; the engine checks what it names). */
function ourValue(actionId: string, value: unknown): boolean {
  const shape = valueShapes[actionId] ?? valueShapes[actionId.replace(/_([a-z]|\d{1,2})$/, '')];
  if (!shape || typeof value !== 'string' || value.length > slackButtonValueCap) return false;
  if (shape instanceof RegExp) return shape.test(value);
  try {
    return shape.safeParse(JSON.parse(value)).success;
  } catch {
    return false;
  }
}

/** The incident a button of ours names (its run's, its own, or the postmortem's id): the refusal goes on its record. */
function incidentOfButton(actionId: string, value: unknown): string | undefined {
  if (!ourValue(actionId, value)) return undefined;
  const text = String(value);
  if (incidentIdPattern.test(text)) return text;
  const named = JSON.parse(text) as { run?: unknown; incident?: unknown };
  const incident = typeof named.run === 'string' ? named.run.split('/')[0] : named.incident;
  return typeof incident === 'string' && incidentIdPattern.test(incident) ? incident : undefined;
}

/** Why a value of one of the bot's buttons is not one it gave: its length is said when Slack would never carry it. */
function foreignValueWords(value: unknown): string {
  const length = typeof value === 'string' ? value.length : 0;
  if (length <= slackButtonValueCap) return 'this button carries a value the bot never gave it';
  return `this button carries a value of ${length.toLocaleString('en-US')} characters, longer than the ${slackButtonValueCap.toLocaleString('en-US')} Slack lets a button carry: the bot never gave it`;
}

export function registerRefuseForeign(app: App, deps: HandlerDeps): void {
  app.use(async (args) => {
    const { body, next } = args as AnyMiddlewareArgs & { next: () => Promise<void> };
    const payload = body as Record<string, any>;
    const origin = requestOrigin(payload);
    const actions: Record<string, any>[] = payload.type === 'block_actions' ? (payload.actions ?? []) : [];
    // Where a request may come from is access.ts's one rule, for approvals as for everything else.
    const decision = actions.length > 0 && actions.every((action) => decisionActions.has(String(action.action_id)));
    const foreign = deps.access.refusedOrigin(origin, decision);
    const unknownAction = actions.find((action) => !ownActions.test(String(action.action_id)));
    const foreignValue = actions.find((action) => ownActions.test(String(action.action_id)) && !ourValue(String(action.action_id), action.value));
    if (!foreign && !unknownAction && !foreignValue) {
      await next();
      return;
    }
    const reason =
      foreign ??
      (unknownAction
        ? `"${String(unknownAction.action_id).slice(0, 60)}" is not a button the bot drew`
        : foreignValueWords(foreignValue?.value));
    const clicked = unknownAction ?? foreignValue ?? actions[0];
    // Both teams: the payload's (the channel's workspace) and the clicker's own, which may be the one refused.
    deps.service.recordRefusal(requestSender(payload), {
      reason,
      team: origin.teamId ?? null,
      userTeam: origin.userTeamId,
      kind: requestKind(payload),
      action: clicked?.action_id ?? payload.command ?? null,
      clicked: typeof clicked?.text?.text === 'string' ? clicked.text.text.slice(0, 100) : undefined,
      value: foreignValue ? String(foreignValue.value).slice(0, 200) : undefined,
      incident: clicked && !unknownAction && !foreignValue ? incidentOfButton(String(clicked.action_id), clicked.value) : undefined,
    });
    await answerRefusal(args, deps, `:no_entry_sign: Refused: ${reason}. Nothing was run.`, `Refused: ${reason}. Nothing was run.`);
  });
}
