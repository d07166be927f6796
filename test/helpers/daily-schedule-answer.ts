// Dagster's answer to the bot's schedule query for the stack's one schedule, all_pipelines_daily, after a last successful 06:00 tick.

export function dailyScheduleAnswer(status = 'STOPPED', description: string | null = null) {
  const ticks = [{ timestamp: Date.parse('2026-04-21T06:00:00Z') / 1000, status: 'SUCCESS', error: null }];
  return {
    data: { schedulesOrError: { __typename: 'Schedules', results: [{ name: 'all_pipelines_daily', cronSchedule: '0 6 * * *', executionTimezone: 'UTC', description, scheduleState: { status, lastTick: ticks, lastSuccess: ticks } }] } },
  };
}
