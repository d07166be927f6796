// A reply link (a command's or a click's response URL) that nothing answers: the connection is refused, as when
// hooks.slack.com is blocked by an outbound allowlist or a DNS blip makes it unreachable.
import { freePort } from './main-process.js';

export async function refusedReplyLink(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}/commands/T0DATABOX/1/refused`;
}
