// One redaction function for everything that leaves the process: Slack text, logs, command output.
const placeholder = '[REDACTED]';

export type Redactor = (text: string) => string;

export function createRedactor(secrets: readonly string[]): Redactor {
  const sorted = [...new Set(secrets.filter((secret) => secret.length >= 4))].sort((a, b) => b.length - a.length);
  const tokenPattern = /\b(xox[abposr]|xapp)-[A-Za-z0-9-]{8,}/g;
  return (text: string) => {
    let result = text;
    for (const secret of sorted) result = result.split(secret).join(placeholder);
    return result.replace(tokenPattern, placeholder);
  };
}
