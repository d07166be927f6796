// What happens when the recovery-path modal is submitted: bad values are shown on their fields, good ones become a plan.
import type { App } from '@slack/bolt';
import { z } from 'zod';
import { parametersModalId } from '../src/slack/blocks.js';
import { describeFailure, tellEphemeral } from '../src/slack/tell.js';
import { fieldErrors, modalValues } from '../src/slack/modal-values.js';
import type { HandlerDeps } from './index.js';

const metadata = z.object({ incident: z.string(), path: z.string() });

export function registerPathParametersModal(app: App, deps: HandlerDeps): void {
  app.view(parametersModalId, async ({ ack, view, body, client }) => {
    const parsed = metadata.safeParse(JSON.parse(view.private_metadata || '{}'));
    if (!parsed.success) {
      await ack({ response_action: 'errors', errors: {} });
      return;
    }
    const { incident: incidentId, path } = parsed.data;
    const params = modalValues(view.state.values);
    const incident = deps.service.incident(incidentId);
    const rb = deps.service.runbook(incident.scenario);
    const names = deps.service.recoveryPath(rb, path).parameters;
    deps.service.recordCommand(`modal: recover ${rb.id} path=${path} ${Object.entries(params).map(([k, v]) => `${k}=${v}`).join(' ')}`, body.user.id, 'slack', incidentId);
    // Values are checked before the modal closes, so a wrong value is shown on its own field.
    const errors = await fieldErrors(() => deps.service.checkParameters(rb, names, params, deps.service.recoveryPath(rb, path).requires), names);
    if (errors) {
      await ack({ response_action: 'errors', errors });
      return;
    }
    await ack();
    const thread = incident.thread;
    const audience = { channel: thread?.channel ?? '', user: body.user.id, threadTs: thread?.ts };
    deps.queue.push(`propose ${incidentId} ${path}`, async () => {
      try {
        await deps.service.start({ verb: 'recover', scenario: incident.scenario, path, params, incident: incidentId }, body.user.id, 'slack');
      } catch (error) {
        if (thread) await tellEphemeral(client, deps.redact, audience, describeFailure(error, deps.logger, { action: 'modal' }));
      }
    });
  });
}
