// A recovery a terminal left part-way, in an incident with no Slack thread: the watcher's status says where to read about
// it, and the thread a Slack command gives the incident shows the rollback the terminal offered, with its button.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WebClient } from '@slack/web-api';
import { afterAll, expect, it } from 'vitest';
import { buildTestCheckout } from '../helpers/demo-checkout.js';
import { ensureIncidentThread } from '../../src/slack/incident-thread.js';
import { slackFrontEnd } from '../../src/slack/slack-refs.js';
import { loadConfig } from '../../src/config.js';
import { IncidentService } from '../../src/incidents/service.js';
import { IncidentState, type Run } from '../../src/incidents/state.js';
import { Journal } from '../../src/journal/journal.js';
import { createLogger } from '../../src/logger.js';
import { runCommand } from '../../src/process/run-command.js';
import { createRedactor } from '../../src/redact.js';
import { loadRunbooks } from '../../src/runbook/load.js';
import { plansOnDatabases } from '../../src/watchers/plans-on-databases.js';
import { cliEnv, hashIn, projectRoot, runCliProcess } from '../helpers/cli-process.js';
import { quietReporter } from '../helpers/quiet-reporter.js';

const temps: string[] = [];
afterAll(() => temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

it('a terminal incident left part-way is offered for rollback in the thread Slack opens for it, and the watcher says where to read first', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'terminal-left-part-way-'));
  temps.push(dir);
  const checkout = await buildTestCheckout(dir, { failOnce: ['full-refresh'] });
  const env = cliEnv({ ...checkout.env, USER: 'alice', DATABOX_RUNBOOKS_DIR: path.join(projectRoot, 'runbooks') });
  const terminal = await runCliProcess(['recover', 'duckdb', 'path=a', '--approver', 'bob'], { env, answer: hashIn });
  expect(terminal.code).toBe(1);

  // The bot's side, as src/bot.ts wires it minus Bolt; what its Slack reporter is asked to post is kept.
  const config = loadConfig({ DATABOX_ROOT: checkout.root, DATABOX_STATE_DIR: checkout.stateDir, DATABOX_RUNBOOKS_DIR: env.DATABOX_RUNBOOKS_DIR });
  const redact = createRedactor([]);
  const journal = new Journal(config.stateDir);
  const state = new IncidentState();
  journal.onRecord((record) => state.apply(record));
  journal.load();
  const offered: string[] = [];
  const reporter = quietReporter({
    frontEnd: slackFrontEnd,
    rollbackOffered: async (_incident, recovery: Run) => void offered.push(recovery.id),
  });
  const service = new IncidentService({ config, runbooks: loadRunbooks(config.runbooksDir), journal, state, runCommand, redact, logger: createLogger('silent', redact) }, reporter);
  const recovery = [...state.runs.values()].find((r) => r.kind === 'recovery') as Run;
  expect(recovery.status).toBe('failed');
  expect(recovery.rollbackOffered).toBe(true);

  const plans = plansOnDatabases(journal, state);
  // The watcher's alert goes to Slack, where the server's paths stay out: the database is named by its file.
  expect(plans.leftPartWay(recovery.lockKey)?.line).toContain(`no change has run on ${path.basename(recovery.lockKey)} since`);
  expect(plans.leftPartWay(recovery.lockKey)?.line).not.toContain(recovery.lockKey);
  expect(plans.leftPartWay(recovery.lockKey)?.short).toBe(
    `Recovery ${recovery.id} stopped part-way on it: read \`/databox postmortem ${recovery.incidentId}\` (it ran at a terminal, so the incident has no Slack thread: \`/databox diagnose duckdb incident=${recovery.incidentId}\` gives it one, with any rollback offered) first`,
  );

  const client = { chat: { postMessage: async () => ({ ok: true, channel: 'C0INCIDENTS', ts: '1713595300.000200' }) } } as unknown as WebClient;
  await ensureIncidentThread({ service, redact }, client, recovery.incidentId, 'C0INCIDENTS');
  expect(offered).toEqual([recovery.id]);
  expect(plans.leftPartWay(recovery.lockKey)?.short).toBe(`Recovery ${recovery.id} stopped part-way on it: read its thread first`);
});
