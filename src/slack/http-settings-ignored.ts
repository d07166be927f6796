// Socket Mode chosen while HTTP mode's settings are set too: said once at start, as the operator may have meant HTTP mode.

/** HTTP mode's own settings, which Socket Mode never reads. */
const httpModeSettings = ['SLACK_SIGNING_SECRET', 'PORT'] as const;

/**
 * The warning when SLACK_APP_TOKEN (Socket Mode) and any of HTTP mode's settings are both set, naming the mode chosen,
 * the settings ignored and why; undefined otherwise. An empty value is unset, as everywhere in the settings.
 */
export function httpSettingsIgnored(env: Record<string, string | undefined>): string | undefined {
  const set = (name: string) => env[name] !== undefined && env[name] !== '';
  if (!set('SLACK_APP_TOKEN')) return undefined;
  const ignored = httpModeSettings.filter(set);
  if (ignored.length === 0) return undefined;
  return (
    `the bot runs in Socket Mode, as SLACK_APP_TOKEN is set: ${ignored.join(' and ')} ${ignored.length === 1 ? 'is' : 'are'} for HTTP mode and ignored; ` +
    'to use HTTP mode instead, leave SLACK_APP_TOKEN empty or remove it (README, "HTTP mode instead")'
  );
}
