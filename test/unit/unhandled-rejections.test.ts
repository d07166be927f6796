// A promise that fails with nothing to handle it, in a process of its own set up as src/main.ts sets up the bot's: logged
// with its cause and a reference, and the process goes on (Node's default would end it with exit code 1).
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { expect, it } from 'vitest';
import { projectRoot } from '../helpers/main-process.js';

const built = (module: string) => pathToFileURL(path.join(projectRoot, 'dist', 'src', module)).href;

it('logs a rejection nobody handles with a reference, and the process carries on', async () => {
  const script = `
    import { createLogger } from ${JSON.stringify(built('logger.js'))};
    import { createRedactor } from ${JSON.stringify(built('redact.js'))};
    import { logUnhandledRejections } from ${JSON.stringify(built('unhandled-rejections.js'))};
    logUnhandledRejections(createLogger('info', createRedactor([])));
    void Promise.reject(new Error('a reply link refused'));
    setImmediate(() => console.log('still running'));
  `;
  const ran = await execa(process.execPath, ['--input-type=module', '-e', script], { reject: false, all: true });
  // execa's message says how it ended when it did not exit by itself (a signal, a spawn error): seen once in CI as no exit code.
  expect(ran.exitCode, `${ran.message ?? ''}\n${ran.all ?? ''}`).toBe(0);
  // The log line and the later console line may come out in either order: pino writes stdout on its own schedule.
  const lines = String(ran.stdout).split('\n');
  const logged = lines.find((text) => text.startsWith('{'));
  expect(logged, ran.all).toBeDefined();
  const line = JSON.parse(String(logged)) as Record<string, any>;
  expect(line.level).toBe(50);
  expect(line.msg).toBe('a promise failed with nothing to handle it (a bug): logged, and the bot stays up; the work it belonged to may not have finished or been said');
  expect(line.reference).toMatch(/^ERR-[0-9a-f]{8}$/);
  expect(line.err.message).toBe('a reply link refused');
  // Node's default would have ended the process before this line, which runs after the rejection is reported.
  expect(lines).toContain('still running');
});
