// Slack's requests sent to a Request URL that is not quite the bot's, through the real Bolt app: /slack/events/ with a
// trailing slash is answered as /slack/events is; any other path a signed request comes to is a warning naming the path
// and the Request URL to set, not a silent 404.
import { describe, expect, it } from 'vitest';
import { startBot } from '../helpers/bot-harness.js';
import { blockNetwork } from '../helpers/no-network.js';
import { postSigned, slashCommandBody } from '../helpers/signed-request.js';
import { useStandIns } from '../helpers/stand-ins.js';

blockNetwork();
const stage = useStandIns();

describe('the Request URL', () => {
  it('answers /slack/events/ (a trailing slash) as /slack/events', async () => {
    stage.harness = await startBot(stage.checkout, stage.slack);
    const answer = await postSigned(`${stage.harness.url}/`, slashCommandBody('help'));
    expect(answer.status).toBe(200);
    expect(JSON.stringify(answer.json ?? answer.text)).toContain('/databox');
  });

  it.each(['/slack/commands', '/', '/slack/event'])('warns of a signed request to %s, naming the path and the Request URL to set', async (wrongPath) => {
    stage.harness = await startBot(stage.checkout, stage.slack);
    const { origin } = new URL(stage.harness.url);
    const answer = await postSigned(`${origin}${wrongPath}`, slashCommandBody('help'));
    expect(answer.status).toBe(404);
    const host = new URL(origin).host;
    expect(stage.harness.logs.filter((line) => line.level === 40).map((line) => line.msg)).toContainEqual(
      `a request signed as Slack signs them came to ${wrongPath}, where the bot answers none: set the app's Request URL (Slash Commands, and Interactivity & Shortcuts) to https://${host}/slack/events`,
    );
  });

  it('says nothing more of an unsigned request to another path (a scanner, a browser)', async () => {
    stage.harness = await startBot(stage.checkout, stage.slack);
    const { origin } = new URL(stage.harness.url);
    const answer = await fetch(`${origin}/wp-login.php`, { method: 'POST', body: 'x=1' });
    expect(answer.status).toBe(404);
    expect(stage.harness.logs.filter((line) => line.level >= 40 && /Request URL/.test(String(line.msg)))).toEqual([]);
  });
});
