// /databox status's note of a channel refusing the bot, as the real LastingTrouble writes it: the incidents whose thread
// messages it refused, and apart from them those opened there and abandoned, whose openers were told.
import { describe, expect, it } from 'vitest';
import { lastingRefusal } from '../../src/slack/lasting-refusals.js';
import { LastingTrouble } from '../../src/slack/lasting-trouble.js';

const archived = lastingRefusal('is_archived')!;
const at = () => Date.parse('2026-12-05T09:00:00.000Z');

describe("LastingTrouble's note of a channel", () => {
  it('names an incident abandoned there apart, counting no message of it as not posted', () => {
    const lasting = new LastingTrouble(at);
    lasting.refusedOpening(archived, { channel: 'C0INCIDENT', incident: 'dbx-2' });
    expect(lasting.statusLines()).toEqual([
      "*Slack:* <#C0INCIDENT> refuses the bot's messages since 09:00:00 UTC (is_archived): the channel is archived. A new incident opened there, `dbx-2`, was abandoned (whoever opened it was told).",
    ]);
    lasting.refused(archived, { channel: 'C0INCIDENT', incident: 'dbx-1' });
    lasting.refusedOpening(archived, { channel: 'C0INCIDENT', incident: 'dbx-3' });
    expect(lasting.statusLines()).toEqual([
      "*Slack:* <#C0INCIDENT>, the channel of incident `dbx-1`, refuses the bot's messages since 09:00:00 UTC (is_archived): the channel is archived. Slack refused the bot's messages there once (each try of a post, an edit or a file counted, not each message); the journal and the postmortem (`/databox postmortem <incident-id>`) hold them. New incidents opened there, `dbx-2`, `dbx-3`, were abandoned (whoever opened each was told).",
    ]);
  });
});
