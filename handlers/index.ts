// Registers every listener (through one router, src/slack/listener-router.ts); each file holds one: parse → call the engine → render.
import type { App } from '@slack/bolt';
import type { ScenarioCatalog } from '../src/commands/parse.js';
import type { IncidentService } from '../src/incidents/service.js';
import type { Logger } from '../src/logger.js';
import type { Redactor } from '../src/redact.js';
import type { SlackAccess } from '../src/slack/access.js';
import type { RunningDiagnoses } from '../src/incidents/running-diagnoses.js';
import type { RunningValidations } from '../src/incidents/running-validations.js';
import type { PerUserLimit } from '../src/per-user-limit.js';
import type { WatchService } from '../src/watchers/watch-service.js';
import type { WorkQueue } from '../src/work-queue.js';
import { registerAppError } from './app-error.js';
import { registerApprovePlan } from './approve-plan.js';
import { registerApproveUnlock } from './approve-unlock.js';
import { registerChoosePath } from './choose-path.js';
import { registerOpenFollowUp } from './open-follow-up.js';
import { registerOpenFromAlert } from './open-from-alert.js';
import { registerProposeFollowUp } from './propose-follow-up.js';
import { registerDataboxCommand } from './databox-command.js';
import { registerRefuseForeign } from './refuse-foreign.js';
import { registerRefuseWhileStopping } from './refuse-while-stopping.js';
import { refuseUnrouted } from './refuse-unrouted.js';
import { registerPathParametersModal } from './path-parameters-modal.js';
import { registerRejectPlan } from './reject-plan.js';
import { registerRequestRollback } from './request-rollback.js';
import { registerRollbackParametersModal } from './rollback-parameters-modal.js';
import { registerSilenceAlert } from './silence-alert.js';
import { registerSilenceAlertModal } from './silence-alert-modal.js';
import { registerWritePostmortem } from './write-postmortem.js';
import { routeListeners, type ListenerRouter } from '../src/slack/listener-router.js';

import type { SlackDeliveryWatch } from '../src/slack/delivery-watch.js';
import type { UploadsUnderWay } from '../src/slack/uploads-under-way.js';
import type { LastingTrouble } from '../src/slack/lasting-trouble.js';
import type { ThreadBehind } from '../src/slack/threads-behind.js';
import type { ApproversReplyLinks } from '../src/slack/approvers-reply-links.js';

export interface HandlerDeps {
  service: IncidentService;
  queue: WorkQueue;
  logger: Logger;
  redact: Redactor;
  catalog: ScenarioCatalog;
  access: SlackAccess;
  /** Diagnoses queued or running: the same diagnosis asked for again joins them. */
  diagnoses: RunningDiagnoses;
  /** Validations of an incident queued or running: the same validation typed again joins them. */
  validations: RunningValidations;
  /** Commands one person may start in a window (DATABOX_USER_COMMAND_LIMIT). */
  commandLimit: PerUserLimit;
  /** The watchers, for /databox status; absent where a front end runs none. */
  watch?: WatchService;
  /** What holds the bot's Slack messages up, for /databox status and a slow incident's note; absent in some tests. */
  delivery?: SlackDeliveryWatch;
  /** What Slack refuses for good (the bot's token, an incident's channel), for /databox status; absent in some tests. */
  lasting?: LastingTrouble;
  /** Whether an incident's thread lacks messages Slack has not taken, for /databox status; absent in some tests. */
  threadBehind?: ThreadBehind;
  /** The reply links of approving clicks, to tell an approver of a rollback offer Slack refused; absent in some tests. */
  replyLinks?: ApproversReplyLinks;
  /** Postmortems on their way to Slack, outside the workers. */
  uploads: UploadsUnderWay;
}

/** What the engine-side helpers (threads, postmortems) need of the handlers' dependencies. */
export type EngineDeps = Pick<HandlerDeps, 'service' | 'queue' | 'logger' | 'redact' | 'catalog'>;

/** Registers every listener; what it returns tells when the listeners running now have returned. */
export function register(app: App, deps: HandlerDeps): Pick<ListenerRouter, 'idle'> {
  registerRefuseForeign(app, deps);
  registerRefuseWhileStopping(app, deps);
  // After the refusal of foreign requests: the router hands each remaining request to its one listener.
  const routes = routeListeners(app, refuseUnrouted(deps));
  registerDataboxCommand(routes, deps);
  registerChoosePath(routes, deps);
  registerPathParametersModal(routes, deps);
  registerApprovePlan(routes, deps);
  registerRejectPlan(routes, deps);
  registerApproveUnlock(routes, deps);
  registerRequestRollback(routes, deps);
  registerRollbackParametersModal(routes, deps);
  registerWritePostmortem(routes, deps);
  registerOpenFromAlert(routes, deps);
  registerSilenceAlert(routes, deps);
  registerSilenceAlertModal(routes, deps);
  registerOpenFollowUp(routes, deps);
  registerProposeFollowUp(routes, deps);
  registerAppError(app, deps);
  return { idle: () => routes.idle() };
}
