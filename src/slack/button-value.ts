// Reads the JSON a button carries; a forged or foreign value is a user error, never a crash.
import { z } from 'zod';
import { UserError } from '../errors.js';
import { runIdPattern } from '../commands/parse.js';

export function readButtonValue<T>(value: unknown, schema: z.ZodType<T>): T {
  try {
    return schema.parse(JSON.parse(String(value)));
  } catch {
    throw new UserError('this button is not one the bot recognises; nothing was run');
  }
}

/** The same, or undefined for a value that is not such a button's (a message's other buttons, read for what they are). */
export function buttonValueIfAny<T>(value: unknown, schema: z.ZodType<T>): T | undefined {
  try {
    return readButtonValue(value, schema);
  } catch {
    return undefined;
  }
}

/**
 * Slack's cap on a button's value (Block Kit's button element: at most 2,000 characters), so a longer one was never the
 * bot's. Every shape below is strict too: a value with a key the bot never puts on a button is not one it gave.
 */
export const slackButtonValueCap = 2_000;

export const planButton = z.strictObject({ run: z.string().max(100), hash: z.string().regex(/^[0-9a-f]{64}$/) });
/** `diagnosis`: the run whose verdict drew it (absent on buttons drawn before they said so). */
export const pathButton = z.strictObject({ incident: z.string().max(100), path: z.string().max(8), diagnosis: z.string().max(100).optional() });
export const rollbackButton = z.strictObject({ run: z.string().max(100) });
/** A watcher alert's button: the scenario it opens. */
export const alertButton = z.strictObject({ scenario: z.enum(['schedule', 'duckdb']), watcher: z.string().max(20) });
export const silenceButton = z.strictObject({ watcher: z.enum(['daemon', 'schedules', 'disk', 'marts', 'database']) });
/** A follow-up button under a failed recovery: the diagnosis it starts (scenario 2 for scenario 4's window, say). */
export const followUpButton = z.strictObject({
  incident: z.string().max(100),
  scenario: z.string().max(40),
  params: z.record(z.string().max(40), z.string().max(200)),
});
/** A validation follow-up's plan button: the validation run and which of its offers (the plan is read from the journal). */
export const planOfferButton = z.strictObject({ run: z.string().max(100), offer: z.number().int().min(0).max(24) });
/**
 * An unlock's approval: the run, the Slack user who asked for it (the approver must be someone else), and the run's
 * status the request showed (the unlock is refused if it has changed since).
 */
export const unlockButton = z.strictObject({ run: z.string().regex(runIdPattern), requester: z.string().regex(/^[UW][A-Z0-9]{2,30}$/), was: z.enum(['running', 'approved']) });
