// Why a run was stopped, as whoever stopped it said: the bot shutting down, Ctrl-C at the terminal.
export function stopReason(signal: AbortSignal): string {
  return typeof signal.reason === 'string' ? signal.reason : 'stopped';
}
