// Builds the Bolt app: Socket Mode with an app token, otherwise HTTP on /slack/events with GET /healthz beside it.
import { App } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { boltLogger } from './bolt-logger.js';

/** `onMalformedRequest` hears of signed requests whose body Bolt could not parse (answered 400), to journal them. */
export function createSlackApp(config: Config, logger: Logger, clientOptions: WebClientOptions = {}, onMalformedRequest?: (message: string) => void): App {
  const { slack } = config;
  if (!slack.botToken) throw new Error('SLACK_BOT_TOKEN is required to run the Slack bot');
  const apiUrl = slack.apiUrl ? (slack.apiUrl.endsWith('/') ? slack.apiUrl : `${slack.apiUrl}/`) : undefined;
  const common = {
    token: slack.botToken,
    // The token is checked by app.init() at start, where a refusal can be reported; checked in the constructor, a
    // wrong token would end the process with an unhandled rejection and a stack trace.
    deferInitialization: true,
    logger: boltLogger(logger, onMalformedRequest),
    clientOptions: { ...(apiUrl ? { slackApiUrl: apiUrl } : {}), ...clientOptions },
  };
  if (slack.appToken) {
    // Bolt hands clientOptions (SLACK_API_URL) on to the Socket Mode client too, so apps.connections.open goes there.
    return new App({ ...common, appToken: slack.appToken, socketMode: true });
  }
  return new App({
    ...common,
    signingSecret: slack.signingSecret as string,
    port: slack.port,
    customRoutes: [
      {
        path: '/healthz',
        method: ['GET'],
        handler: (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ ok: true }));
        },
      },
    ],
  });
}
