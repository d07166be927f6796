// How a submitted form (the path's or the rollback's parameters) is answered and recorded, refused or not.
import type { SlackViewMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { shownInForm } from '../src/slack/modal-values.js';
import { tellFormSender } from '../src/slack/tell-or-log.js';
import type { SentForm } from '../src/commands/sent-form.js';
import type { HandlerDeps } from './index.js';

export interface FormAnswer {
  ack: SlackViewMiddlewareArgs['ack'];
  client: WebClient;
  user: string;
  /** Where the person is told what the form could not show: the incident's thread, when it has one. */
  audience: { channel: string; user: string; threadTs?: string };
  /** The command the form stands for, for the record ("modal: recover duckdb path=b backup=…"). */
  typed: string;
  /** Which form it was and its fields as typed, when its metadata named one. */
  form?: SentForm;
  /** Per field, why it was refused; undefined when the form was accepted. */
  errors?: Record<string, string>;
  /** The incident the form is about, when its metadata named one the journal knows. */
  incident?: string;
}

/**
 * Closes the form, or keeps it open with each refusal under its field (cut to what a field shows); the values go on
 * the record as typed, and a refusal after them with its whole reason, told whole beside the form when it was cut.
 */
export async function answerForm(deps: HandlerDeps, { ack, client, user, audience, typed, form, errors, incident }: FormAnswer): Promise<void> {
  const shown = errors && shownInForm(Object.fromEntries(Object.entries(errors).map(([field, text]) => [field, deps.redact(text)])));
  await ack(shown ? { response_action: 'errors', errors: shown.errors } : undefined);
  deps.service.recordCommand(typed, user, 'slack', incident, { form });
  if (!errors) return;
  const reason = Object.values(errors).join('; ');
  void deps.service.recordRefusal(user, incident ? { command: typed, incident, reason } : { command: typed, reason });
  if (shown?.cut && audience.channel) await tellFormSender(client, deps.redact, deps.logger, audience, `:warning: ${reason}`, { action: 'form', incident });
}
