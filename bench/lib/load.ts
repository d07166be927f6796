// Sends signed /databox slash commands as Slack does, from `concurrency` senders at once, and times each ack.
import { postSigned, slashCommandBody } from '../../test/helpers/signed-request.js';

export async function sendCommands(url: string, text: string, total: number, concurrency: number, responseUrl: string): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  const sender = async (id: number) => {
    while (next < total) {
      next += 1;
      const body = slashCommandBody(text, { user_id: `U0BENCH${id}`, response_url: responseUrl, trigger_id: `${Date.now()}.${next}` });
      const started = performance.now();
      const { status } = await postSigned(url, body);
      const ms = performance.now() - started;
      if (status !== 200) throw new Error(`/databox ${text} answered ${status}`);
      times.push(ms);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, id) => sender(id)));
  return times;
}
