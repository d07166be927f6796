// The last resort: an error no listener handled is logged with a reference, never shown raw.
import type { App } from '@slack/bolt';
import { newErrorReference } from '../src/errors.js';
import type { HandlerDeps } from './index.js';

export function registerAppError(app: App, deps: HandlerDeps): void {
  app.error(async (error) => {
    deps.logger.error({ err: error.original ?? error, reference: newErrorReference(), code: error.code }, 'unhandled error in a Slack listener');
  });
}
