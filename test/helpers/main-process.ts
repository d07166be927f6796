// Running the bot as its own process, as `npm start` does (dist/src/main.js, built by the tests' global setup), from any
// folder, on a free loopback port.
import net from 'node:net';
import path from 'node:path';

export const projectRoot = path.resolve(import.meta.dirname, '..', '..');

/** Node's arguments that start the bot: `execa(process.execPath, mainArgs, …)`. */
export const mainArgs = [path.join(projectRoot, 'dist', 'src', 'main.js')];

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
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
