// The Dockerfile's HEALTHCHECK, run as Docker runs it in the image's /app: it reads the settings the bot reads, ./.env too,
// and asks the bot's /healthz, on PORT in HTTP mode and on HEALTH_PORT in Socket Mode.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, projectRoot, waitForHealthz } from '../helpers/main-process.js';
import { blockNetwork } from '../helpers/no-network.js';
import { signingSecret } from '../helpers/signed-request.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';
import { SocketModeStandIn } from '../helpers/socket-mode-stand-in.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'docker-healthcheck-'));

blockNetwork();
afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

/** The exec form of the Dockerfile's HEALTHCHECK CMD (a JSON array, possibly continued over lines), its /app/ paths in `app`. */
function healthcheckCommand(app: string): string[] {
  const dockerfile = fs.readFileSync(path.join(projectRoot, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const cmd = /^HEALTHCHECK\b.*?\bCMD\s+(\[.*\])\s*$/m.exec(dockerfile);
  if (!cmd) throw new Error('the Dockerfile has no HEALTHCHECK with an exec-form CMD');
  return (JSON.parse(cmd[1] as string) as string[]).map((arg) => (arg.startsWith('/app/') ? path.join(app, arg.slice('/app/'.length)) : arg));
}

/** Runs the HEALTHCHECK in `app` with `env` alone, as Docker runs it in the container. */
function runHealthcheck(app: string, env: Record<string, string>) {
  const [command, ...args] = healthcheckCommand(app);
  return execa(command as string, args, { cwd: app, env, extendEnv: false, reject: false, timeout: 60_000 });
}

/** The built bot started in `app` with `env` alone, as the container starts it. */
function startBuiltBot(app: string, env: Record<string, string>) {
  return execa(process.execPath, ['dist/src/main.js'], { cwd: app, env, extendEnv: false, reject: false, forceKillAfterDelay: 60_000 });
}

/** A folder laid out as the image's /app (dist/, node_modules/), with the .env an operator mounted at /app/.env. */
function appFolder(dotEnv: string): string {
  const app = fs.mkdtempSync(path.join(work, 'app-'));
  for (const name of ['dist', 'node_modules']) fs.symlinkSync(path.join(projectRoot, name), path.join(app, name));
  fs.writeFileSync(path.join(app, '.env'), dotEnv);
  return app;
}

describe("the image's HEALTHCHECK", () => {
  it('asks /healthz on the PORT set in /app/.env only, as the bot listens there, and fails once the bot is gone', async () => {
    const slack = new SlackStandIn();
    await slack.start();
    const port = await freePort();
    const app = appFolder(`SLACK_BOT_TOKEN=xoxb-1-2-abc\nSLACK_SIGNING_SECRET=${signingSecret}\nPORT=${port}\n`);
    // The container's environment (docker run -e, the image's ENV) without PORT or a Slack credential: those are in .env.
    const env = { PATH: process.env.PATH ?? '', HOME: work, SLACK_API_URL: slack.apiUrl, DATABOX_ROOT: work, DATABOX_STATE_DIR: path.join(work, 'var') };
    const check = () => runHealthcheck(app, env);
    const bot = startBuiltBot(app, env);
    try {
      expect(await waitForHealthz(port)).toBe(200);
      const healthy = await check();
      expect({ exitCode: healthy.exitCode, stderr: healthy.stderr }).toEqual({ exitCode: 0, stderr: '' });
    } finally {
      bot.kill('SIGTERM');
      await bot;
      await slack.stop();
    }
    const gone = await check();
    expect(gone.exitCode).toBe(1);
    expect(gone.stderr).toContain(`http://127.0.0.1:${port}/healthz did not answer`);
  });

  it('asks /healthz on HEALTH_PORT in Socket Mode, the app token set in /app/.env only: passes while connected, fails with the reason once the connection is down past its grace', async () => {
    const slack = new SlackStandIn();
    const socket = new SocketModeStandIn();
    await slack.start();
    await socket.start();
    slack.socketUrl = socket.url;
    const port = await freePort();
    const app = appFolder(`SLACK_BOT_TOKEN=xoxb-1-2-abc\nSLACK_APP_TOKEN=xapp-1-abc\nHEALTH_PORT=${port}\n`);
    // A grace of a second, so the check need not wait out two minutes: asked until it fails, never timed.
    const env = { PATH: process.env.PATH ?? '', HOME: work, SLACK_API_URL: slack.apiUrl, DATABOX_ROOT: work, DATABOX_STATE_DIR: path.join(work, 'var-socket'), HEALTH_SOCKET_GRACE: '1s' };
    const check = () => runHealthcheck(app, env);
    const bot = startBuiltBot(app, env);
    try {
      expect(await waitForHealthz(port)).toBe(200);
      const healthy = await check();
      expect({ exitCode: healthy.exitCode, stderr: healthy.stderr }).toEqual({ exitCode: 0, stderr: '' });
      // The WebSocket stand-in stops taking connections; apps.connections.open still hands out its address.
      await socket.stop();
      let down = await check();
      for (const deadline = Date.now() + 60_000; down.exitCode === 0 && Date.now() < deadline; ) down = await check();
      expect(down.exitCode).toBe(1);
      expect(down.stderr).toMatch(
        new RegExp(`^databox-bot healthcheck: http://127\\.0\\.0\\.1:${port}/healthz answered HTTP 503: no Socket Mode connection to Slack for [\\d.]+ s \\(longer than the 1\\.0 s allowed for reconnecting\\)`),
      );
    } finally {
      bot.kill('SIGTERM');
      await bot;
      await slack.stop();
    }
    const gone = await check();
    expect(gone.exitCode).toBe(1);
    expect(gone.stderr).toContain(`http://127.0.0.1:${port}/healthz did not answer`);
  });

  it('fails with one line, not a stack, when the mounted /app/.env cannot be read', async () => {
    const app = appFolder('');
    // A bind mount of a .env the host does not have makes a directory there, which no one can read as a file.
    fs.rmSync(path.join(app, '.env'));
    fs.mkdirSync(path.join(app, '.env'));
    const result = await runHealthcheck(app, { PATH: process.env.PATH ?? '', HOME: work });
    expect({ exitCode: result.exitCode, stderr: result.stderr }).toEqual({
      exitCode: 1,
      stderr: `databox-bot healthcheck: invalid configuration: ${path.join(app, '.env')} is a folder, not a file of settings (Docker makes one where it bind-mounts a file missing on the host): remove it and put the .env file there, or mount the file that exists`,
    });
  });
});
