// Running src/main.ts as its own process, as `npm start` would, from any folder, on a free loopback port.
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const projectRoot = path.resolve(import.meta.dirname, '..', '..');

// The TypeScript loader by file URL: the bot runs in a folder of its own, where a bare "tsx" would not resolve.
const tsxLoader = pathToFileURL(path.join(projectRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

/** Node's arguments that start the bot: `execa(process.execPath, mainArgs, …)`. */
export const mainArgs = ['--import', tsxLoader, path.join(projectRoot, 'src', 'main.ts')];

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
