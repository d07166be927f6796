// Registers every Bolt listener; each file holds one listener: parse → call the engine → render.
import type { App } from '@slack/bolt';
import type { ScenarioCatalog } from '../src/commands/parse.js';
import type { IncidentService } from '../src/incidents/service.js';
import type { Logger } from '../src/logger.js';
import type { Redactor } from '../src/redact.js';
import type { SlackAccess } from '../src/slack/access.js';
import type { RunningDiagnoses } from '../src/incidents/running-diagnoses.js';
import type { PerUserLimit } from '../src/per-user-limit.js';
import type { WatchService } from '../src/watchers/watch-service.js';
import type { WorkQueue } from '../src/work-queue.js';
import { registerAppError } from './app-error.js';
import { registerApprovePlan } from './approve-plan.js';
import { registerChoosePath } from './choose-path.js';
import { registerOpenFollowUp } from './open-follow-up.js';
import { registerOpenFromAlert } from './open-from-alert.js';
import { registerProposeFollowUp } from './propose-follow-up.js';
import { registerDataboxCommand } from './databox-command.js';
import { registerRefuseForeign } from './refuse-foreign.js';
import { registerPathParametersModal } from './path-parameters-modal.js';
import { registerRejectPlan } from './reject-plan.js';
import { registerRequestRollback } from './request-rollback.js';
import { registerRollbackParametersModal } from './rollback-parameters-modal.js';
import { registerWritePostmortem } from './write-postmortem.js';

export interface HandlerDeps {
  service: IncidentService;
  queue: WorkQueue;
  logger: Logger;
  redact: Redactor;
  catalog: ScenarioCatalog;
  access: SlackAccess;
  /** Diagnoses queued or running: the same diagnosis asked for again joins them. */
  diagnoses: RunningDiagnoses;
  /** Commands one person may start in a window (DATABOX_USER_COMMAND_LIMIT). */
  commandLimit: PerUserLimit;
  /** The watchers, for /databox status; absent where a front end runs none. */
  watch?: WatchService;
  /** The bot's own workspace, known once Slack has answered auth.test at start. */
  team?: () => string | undefined;
}

/** What the engine-side helpers (threads, postmortems) need of the handlers' dependencies. */
export type EngineDeps = Pick<HandlerDeps, 'service' | 'queue' | 'logger' | 'redact' | 'catalog'>;

export function register(app: App, deps: HandlerDeps): void {
  registerRefuseForeign(app, deps);
  registerDataboxCommand(app, deps);
  registerChoosePath(app, deps);
  registerPathParametersModal(app, deps);
  registerApprovePlan(app, deps);
  registerRejectPlan(app, deps);
  registerRequestRollback(app, deps);
  registerRollbackParametersModal(app, deps);
  registerWritePostmortem(app, deps);
  registerOpenFromAlert(app, deps);
  registerOpenFollowUp(app, deps);
  registerProposeFollowUp(app, deps);
  registerAppError(app, deps);
}
