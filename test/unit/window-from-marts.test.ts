// The days the marts lack with no window from the schedules: not the day the running daily schedule's next tick builds; a
// never-ticked schedule's, proposed from them, or none, said as none.
import { describe, expect, it } from 'vitest';
import { nothingMissedByNeverTicked, windowForNeverTicked, windowFromMartsAlone } from '../../src/dagster/window-from-marts.js';

describe('the window from the marts alone', () => {
  const yesterdays = { at: '2026-12-04T06:07:00Z', built: '2026-12-03', today: false };

  it("before today's tick, ends at the day yesterday's tick built, and says that tick was yesterday's, not today's", () => {
    expect(windowFromMartsAlone('2026-12-03', '2026-12-04', yesterdays)).toBeNull();
    const behind = windowFromMartsAlone('2026-12-02', '2026-12-04', yesterdays);
    expect(behind?.window).toEqual({ from: '2026-12-03', to: '2026-12-03' });
    expect(behind?.why).toBe(
      "from the day after the marts' last day built (2026-12-02): the daily schedules' last success (2026-12-04 06:07 UTC) built 2026-12-03, its next tick building 2026-12-04, but not every mart has a day after 2026-12-02, so 2026-12-03 … 2026-12-03 are missed whatever the ticks say",
    );
  });

  it("after today's tick, ends yesterday and calls that success today's", () => {
    const missed = windowFromMartsAlone('2026-12-03', '2026-12-04', { at: '2026-12-05T06:07:00Z', built: '2026-12-04', today: true });
    expect(missed?.window).toEqual({ from: '2026-12-04', to: '2026-12-04' });
    expect(missed?.why).toContain("the daily schedules' last success (2026-12-05 06:07 UTC) is today's");
  });
});

describe('the window of a schedule never ticked, from the marts', () => {
  it('runs from the day after their last day built to the last day over, said as the marts\' proposal; none where they are unknown or lack nothing over', () => {
    const tomorrows = { at: '2026-12-06T06:00:00.000Z', schedule: 'all_pipelines_daily', builds: '2026-12-05' };
    expect(windowForNeverTicked('2026-12-01', '2026-12-04', ['all_pipelines_daily'], tomorrows)).toEqual({
      window: { from: '2026-12-02', to: '2026-12-04' },
      why: 'proposed from the marts: the day after their last day built (2026-12-01) to 2026-12-04, as schedule all_pipelines_daily has never ticked, so no tick says where the missed days start; give from= and to= to backfill another window',
    });
    expect(windowForNeverTicked('', '2026-12-04', ['all_pipelines_daily'], tomorrows)).toBeNull();
    expect(windowForNeverTicked('2026-12-04', '2026-12-04', ['all_pipelines_daily'], tomorrows)).toBeNull();
    expect(windowForNeverTicked('2026-12-01', '2026-12-04', [], tomorrows)).toBeNull();
    // Before today's tick, yesterday is that tick's to build once the schedule is started: left out, and said so.
    const todays = { at: '2026-12-05T06:00:00.000Z', schedule: 'all_pipelines_daily', builds: '2026-12-04' };
    expect(windowForNeverTicked('2026-12-01', '2026-12-04', ['all_pipelines_daily'], todays)).toEqual({
      window: { from: '2026-12-02', to: '2026-12-03' },
      why: 'proposed from the marts: the day after their last day built (2026-12-01) to 2026-12-03 (2026-12-04 is left to schedule all_pipelines_daily\'s next tick, which builds it), as schedule all_pipelines_daily has never ticked, so no tick says where the missed days start; give from= and to= to backfill another window',
    });
    expect(windowForNeverTicked('2026-12-03', '2026-12-04', ['all_pipelines_daily'], todays)).toBeNull();
  });

  it("says a never-ticked schedule's marts lack no day due as nothing missed, not an unknown window; nothing said where they do, or are not known", () => {
    const todays = { at: '2026-12-05T06:00:00.000Z', schedule: 'all_pipelines_daily', builds: '2026-12-04' };
    const tomorrows = { at: '2026-12-06T06:00:00.000Z', schedule: 'all_pipelines_daily', builds: '2026-12-05' };
    expect(nothingMissedByNeverTicked('2026-12-04', '2026-12-04', ['all_pipelines_daily'], tomorrows)).toBe(
      'no missed day yet (schedule all_pipelines_daily has never ticked, but the marts lack no day over: their last day built is 2026-12-04)',
    );
    expect(nothingMissedByNeverTicked('2026-12-03', '2026-12-04', ['all_pipelines_daily'], todays)).toBe(
      "no missed day yet (schedule all_pipelines_daily has never ticked, but the marts lack no day over: their last day built is 2026-12-03, 2026-12-04 being left to schedule all_pipelines_daily's next tick, which builds it)",
    );
    expect(nothingMissedByNeverTicked('2026-12-02', '2026-12-04', ['all_pipelines_daily'], todays)).toBeNull();
    expect(nothingMissedByNeverTicked('', '2026-12-04', ['all_pipelines_daily'], todays)).toBeNull();
    expect(nothingMissedByNeverTicked('2026-12-04', '2026-12-04', [], todays)).toBeNull();
  });
});
