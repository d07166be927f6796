// Sends signed /databox slash commands as Slack does, from `concurrency` senders at once, and times each ack.
import http from 'node:http';
import { signedHeaders, slashCommandBody } from '../../test/helpers/signed-request.js';

/**
 * One signed POST on a kept-alive connection, with node:http rather than fetch. The senders share the bench's two cores
 * with the app they measure, and fetch cost about 1.2 ms of CPU per request here (more than the bare Bolt app's whole
 * ack, 0.4 ms): the load itself took a core, and both apps' acks waited for one. Slack's senders are not on the bot's
 * machine; this sender costs about 0.3 ms, so the figures measure the apps more than the client.
 */
function post(agent: http.Agent, url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers = { ...signedHeaders(body), 'content-length': String(Buffer.byteLength(body)) };
    const request = http.request(url, { method: 'POST', agent, headers }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * One pool of kept-alive connections per app, kept from one call to the next as fetch's global pool kept them: each
 * round's senders reuse the connections of the round before, as Slack's would, rather than open 50 at once (the first
 * request on each new connection took 150–400 ms in both apps, and those alone made the p99).
 */
const agents = new Map<string, http.Agent>();

function agentFor(url: string): http.Agent {
  const origin = new URL(url).origin;
  let agent = agents.get(origin);
  if (!agent) agents.set(origin, (agent = new http.Agent({ keepAlive: true })));
  return agent;
}

/**
 * Unmeasured `help` acks from 50 senders: the connections the figures reuse are opened here, not in a figure's first
 * round, where the first request on each of 50 new connections took 150–400 ms in both apps and alone made the p99;
 * and the app's code is warm before it is measured.
 */
export async function warmUp(url: string, total: number, responseUrl: string): Promise<void> {
  await sendCommands(url, 'help', total, 50, responseUrl);
}

export async function sendCommands(url: string, text: string, total: number, concurrency: number, responseUrl: string): Promise<number[]> {
  const times: number[] = [];
  const agent = agentFor(url);
  let next = 0;
  const sender = async (id: number) => {
    while (next < total) {
      next += 1;
      const body = slashCommandBody(text, { user_id: `U0BENCH${id}`, response_url: responseUrl, trigger_id: `${Date.now()}.${next}` });
      const started = performance.now();
      const status = await post(agent, url, body);
      const ms = performance.now() - started;
      if (status !== 200) throw new Error(`/databox ${text} answered ${status}`);
      times.push(ms);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, id) => sender(id)));
  return times;
}
