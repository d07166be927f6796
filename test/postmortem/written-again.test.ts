// A postmortem written again over one a person filled in: their Root cause and Follow-ups stay in it, and wherever the
// earlier file is set aside (it differed above them), the CLI and Slack say where it went.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WebClient } from '@slack/web-api';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { IncidentService } from '../../src/incidents/service.js';
import { IncidentState } from '../../src/incidents/state.js';
import { writeHead } from '../../src/journal/head.js';
import { Journal } from '../../src/journal/journal.js';
import { createLogger } from '../../src/logger.js';
import { writePostmortem } from '../../src/postmortem/write-postmortem.js';
import { runCommand } from '../../src/process/run-command.js';
import { createRedactor } from '../../src/redact.js';
import { loadRunbooks } from '../../src/runbook/load.js';
import { deliverPostmortem } from '../helpers/delivered-postmortem.js';
import { runCli } from '../../src/terminal/console.js';
import { WorkQueue } from '../../src/work-queue.js';
import { fixtureJournal, fixtureRoot } from '../fixtures/scenario1.js';
import { quietReporter } from '../helpers/quiet-reporter.js';
import { scriptedTerminal } from '../helpers/scripted-terminal.js';

const projectRoot = path.resolve(import.meta.dirname, '..', '..');
const runbooksDir = path.join(projectRoot, 'runbooks');
const runbooks = loadRunbooks(runbooksDir);
const journalText = fs.readFileSync(fixtureJournal, 'utf8');
const lastLine = JSON.parse(journalText.trimEnd().split('\n').at(-1) as string);
const incidentId = journalText.match(/"incident":"(dbx-\d{8}-[0-9a-f]{4})"/)?.[1] as string;
const temps: string[] = [];
afterAll(() => temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** A state dir holding the recorded scenario-1 journal. */
function stateDirWithJournal(): string {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'postmortem-again-'));
  temps.push(stateDir);
  fs.writeFileSync(path.join(stateDir, 'journal.jsonl'), journalText);
  writeHead(path.join(stateDir, 'journal.jsonl'), lastLine);
  // The recorded journal names this checkout; DATABOX_ROOT must be a real directory.
  fs.mkdirSync(fixtureRoot, { recursive: true });
  return stateDir;
}

const write = (stateDir: string) => writePostmortem({ stateDir, runbooks, root: fixtureRoot, incidentId });

/** The postmortem as a person leaves it: a root cause and a follow-up filled in, and `above` changed above them. */
function fillIn(file: string, above: (text: string) => string = (text) => text): string {
  const text = above(fs.readFileSync(file, 'utf8')).replace('## Root cause\n\n## Follow-ups\n', '## Root cause\n\nThe disk filled during a full refresh.\n\n## Follow-ups\n\n- Alert at 80% disk.\n');
  fs.writeFileSync(file, text);
  return text;
}

const asides = (file: string) => fs.readdirSync(path.dirname(file)).filter((name) => name.startsWith(`${path.basename(file)}.`));

describe('a postmortem written again', () => {
  it('keeps what a person wrote under Root cause and Follow-ups, and sets nothing aside when that is all that changed', () => {
    const stateDir = stateDirWithJournal();
    const first = write(stateDir);
    const filled = fillIn(first.file);
    const again = write(stateDir);
    expect(fs.readFileSync(again.file, 'utf8')).toBe(filled);
    expect(again.markdown).toContain('## Root cause\n\nThe disk filled during a full refresh.\n\n## Follow-ups\n\n- Alert at 80% disk.\n');
    expect(again.keptAside).toBeUndefined();
    expect(asides(again.file)).toEqual([]);
  });

  it('sets the earlier one aside when it differs above them, carrying them over, and the CLI says where it went', async () => {
    const stateDir = stateDirWithJournal();
    const first = write(stateDir);
    const edited = fillIn(first.file, (text) => text.replace('# Postmortem ', '# Postmortem (draft) '));
    const terminal = scriptedTerminal({ DATABOX_STATE_DIR: stateDir, DATABOX_ROOT: fixtureRoot, DATABOX_RUNBOOKS_DIR: runbooksDir, LOG_LEVEL: 'error' }, () => null);
    expect(await runCli(['postmortem', incidentId], terminal.io)).toBe(0);
    const [aside] = asides(first.file);
    const keptAs = path.join(path.dirname(first.file), aside as string);
    expect(fs.readFileSync(keptAs, 'utf8')).toBe(edited);
    const rewritten = fs.readFileSync(first.file, 'utf8');
    expect(rewritten).not.toContain('(draft)');
    expect(rewritten).toContain('## Root cause\n\nThe disk filled during a full refresh.\n');
    expect(terminal.stderr()).toContain(`postmortem written to ${first.file}; the one written before differed (later events, or edits above its Root cause) and was kept as ${keptAs}; its Root cause and Follow-ups are carried into this one\n`);
  });

  it('tells Slack where the earlier one went', async () => {
    const stateDir = stateDirWithJournal();
    const config = loadConfig({ DATABOX_STATE_DIR: stateDir, DATABOX_ROOT: fixtureRoot, DATABOX_RUNBOOKS_DIR: runbooksDir });
    const redact = createRedactor(config.secrets);
    const journal = new Journal(stateDir);
    const state = new IncidentState();
    journal.onRecord((record) => state.apply(record));
    journal.load();
    const service = new IncidentService({ config, runbooks, journal, state, runCommand, redact, logger: createLogger('silent', redact) }, quietReporter());
    const deps = { service, queue: new WorkQueue(1, 5, () => {}), logger: createLogger('silent', redact), redact, catalog: {} };
    const client = { files: { uploadV2: async () => ({ ok: true, files: [] }) } } as unknown as WebClient;
    const first = await deliverPostmortem(deps, client, incidentId, 'C0INCIDENTS');
    expect(first.earlier).toBeUndefined();
    fs.writeFileSync(first.file, 'notes a person kept here, with no Root cause heading\n');
    const again = await deliverPostmortem(deps, client, incidentId, 'C0INCIDENTS');
    const [aside] = asides(first.file);
    expect(again.earlier).toBe(`the one written before differed (later events, or edits by hand) and was kept as ${path.join(path.dirname(first.file), aside as string)}`);
  });
});
