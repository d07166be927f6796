// One redaction function for everything that leaves the process: Slack text, logs, command output.
const placeholder = '[REDACTED]';

export type Redactor = (text: string) => string;

/**
 * The forms a secret takes once text has been escaped for where it goes: Slack mrkdwn (& < >), JSON strings (" \\),
 * Markdown (backslash before punctuation). Redacting these too means it does not matter whether redaction runs before
 * or after escaping.
 */
function escapedForms(secret: string): string[] {
  const mrkdwn = secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const json = (text: string) => JSON.stringify(text).slice(1, -1);
  const markdown = secret.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
  return [secret, mrkdwn, json(secret), json(mrkdwn), markdown, json(markdown)];
}

/** Slack tokens, and the password part of a connection string (scheme://user:password@host). */
const tokenPattern = /\b(xox[abposr]|xapp)-[A-Za-z0-9-]{8,}/g;
const urlPassword = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)([^\s@/]+)(@)/gi;

export function createRedactor(secrets: readonly string[]): Redactor {
  const forms = [...new Set(secrets.filter((secret) => secret.length >= 4).flatMap(escapedForms))].sort((a, b) => b.length - a.length);
  return (text: string) => {
    let result = text;
    for (const form of forms) result = result.split(form).join(placeholder);
    return result.replace(tokenPattern, placeholder).replace(urlPassword, `$1${placeholder}$3`);
  };
}

/** Redacts every string inside a JSON-like value (keys too), leaving numbers and structure alone. */
export function redactDeep<T>(value: T, redact: Redactor): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, redact)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [redact(key), redactDeep(item, redact)])) as T;
  }
  return value;
}
