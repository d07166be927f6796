// What happens when the rollback modal is submitted: bad values are shown on their fields, good ones become a rollback plan.
import type { App } from '@slack/bolt';
import { z } from 'zod';
import { rollbackModalId } from '../src/slack/blocks.js';
import { describeFailure, tellEphemeral } from '../src/slack/tell.js';
import { fieldErrors, modalValues } from '../src/slack/modal-values.js';
import type { HandlerDeps } from './index.js';

const metadata = z.object({ run: z.string() });

export function registerRollbackParametersModal(app: App, deps: HandlerDeps): void {
  app.view(rollbackModalId, async ({ ack, view, body, client }) => {
    const parsed = metadata.safeParse(JSON.parse(view.private_metadata || '{}'));
    if (!parsed.success) {
      await ack({ response_action: 'errors', errors: {} });
      return;
    }
    const runId = parsed.data.run;
    const params = modalValues(view.state.values);
    const recovery = deps.service.run(runId);
    const incident = deps.service.incident(recovery.incidentId);
    const rb = deps.service.runbook(incident.scenario);
    const names = deps.service.rollbackParameters(runId);
    deps.service.recordCommand(`modal: rollback ${runId} ${Object.entries(params).map(([k, v]) => `${k}=${v}`).join(' ')}`, body.user.id, 'slack', incident.id);
    const errors = await fieldErrors(() => deps.service.checkParameters(rb, names, params), names);
    if (errors) {
      await ack({ response_action: 'errors', errors });
      return;
    }
    await ack();
    const audience = { channel: incident.thread?.channel ?? '', user: body.user.id, threadTs: incident.thread?.ts };
    deps.queue.push(`rollback ${runId}`, async () => {
      try {
        await deps.service.proposeRollback(runId, body.user.id, params);
      } catch (error) {
        if (incident.thread) await tellEphemeral(client, deps.redact, audience, describeFailure(error, deps.logger, { action: 'rollback-modal' }));
      }
    });
  });
}
