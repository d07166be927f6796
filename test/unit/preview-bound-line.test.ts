// A plan's preview shows the values bound into its SQL, and no "-- bound:" line at all when it binds none.
import { describe, expect, it } from 'vitest';
import type { PreviewResult } from '../../src/engine/previews.js';
import { planPreviews, planText } from '../../src/slack/blocks.js';
import { pendingPlan } from '../helpers/pending-plan.js';

const unbound: PreviewResult = { id: 'raw_rows', title: 'Raw rows kept before the reload', sql: 'SELECT count(*) FROM "raw_ebird"."observations"', params: [], value: 1000 };
const bound: PreviewResult = { id: 'day_rows', title: 'Rows of the day', sql: 'SELECT count(*) FROM raw.events WHERE day = $1', params: ['2026-12-01'], value: 40 };
const plan = pendingPlan({ previews: [unbound, bound] });

/** Each preview's section text as the plan message shows it. */
const previewTexts = () => planPreviews(plan).map((block) => (block.type === 'section' ? String(block.text?.text) : ''));

describe("a plan's previews", () => {
  it('leave the bound line out when nothing is bound, in the message and in the attached plan', () => {
    const [shown] = previewTexts();
    expect(shown).toContain('SELECT count(*) FROM "raw_ebird"."observations"```');
    expect(planText(plan, '/srv/databox')).toContain('SELECT count(*) FROM "raw_ebird"."observations"\n\nPreview: Rows of the day');
    expect(planText(plan, '/srv/databox').match(/-- bound:/g)).toHaveLength(1);
  });

  it('name each value bound as the steps do ($1="…")', () => {
    expect(previewTexts()[1]).toContain('WHERE day = $1\n-- bound: $1="2026-12-01"```');
    expect(planText(plan, '/srv/databox')).toContain('WHERE day = $1\n-- bound: $1="2026-12-01"');
  });
});
