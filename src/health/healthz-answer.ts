// What GET /healthz answers, in HTTP mode (Bolt's receiver) and in Socket Mode (health-listener.ts): one answer for both.
import type { TokenRefused } from '../slack/lasting-trouble.js';

export interface HealthzAnswer {
  status: number;
  body: string;
}

/**
 * 200 with `{ ok: true }`, and Slack's lasting refusal of the bot token when there is one (reported, not failed: see
 * app.ts); 503 with `{ ok: false, reason }` when the bot cannot take Slack's requests (`problem`, one line).
 */
export function healthzAnswer(tokenRefused: TokenRefused | undefined, problem?: string): HealthzAnswer {
  if (problem) return { status: 503, body: JSON.stringify({ ok: false, reason: problem, ...(tokenRefused ? { slackTokenRefused: tokenRefused } : {}) }) };
  return { status: 200, body: JSON.stringify(tokenRefused ? { ok: true, slackTokenRefused: tokenRefused } : { ok: true }) };
}
