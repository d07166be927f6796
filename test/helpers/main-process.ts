// Running the bot as its own process, as `npm start` does (dist/src/main.js, built by the tests' global setup), from any
// folder, on a free loopback port.
import net from 'node:net';
import path from 'node:path';

export const projectRoot = path.resolve(import.meta.dirname, '..', '..');

/** Node's arguments that start the bot: `execa(process.execPath, mainArgs, …)`. */
export const mainArgs = [path.join(projectRoot, 'dist', 'src', 'main.js')];

/**
 * A port for a bot started as a process, free when asked, taken below Linux's ephemeral range (32768 and up): one the
 * kernel handed out for listen(0) and took back could be handed to another test's server (every in-process bot and
 * stand-in listens on 0) before the process binds it, and that test's bot then answered this one's requests.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const server = net.createServer();
    const bound = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (!bound) continue;
    await new Promise((resolve) => server.close(resolve));
    return port;
  }
}

/**
 * Polls /healthz until the bot answers 200 or `timeoutMs` passes, and returns the last status (0: no answer). Starting the
 * bot takes seconds on a loaded 2-core machine, so the wait is generous; it ends as soon as the bot is up.
 */
export async function waitForHealthz(port: number, timeoutMs = 90_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let status = 0;
  while (status !== 200 && Date.now() < deadline) {
    status = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status, () => 0);
    if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return status;
}
