// The Slack side of the postmortem: the document is uploaded into the incident's thread (or the asking channel when the
// incident was opened at a terminal) and written to disk; an incident from the terminal gets a thread when Slack names it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WebClient } from '@slack/web-api';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureIncidentThread } from '../../src/slack/incident-thread.js';
import { incidentThread, slackFrontEnd } from '../../src/slack/slack-refs.js';
import type { EngineDeps } from '../../handlers/index.js';
import { queuePostmortem, unchangedSinceText } from '../../src/slack/postmortem-upload.js';
import { UploadsUnderWay } from '../../src/slack/uploads-under-way.js';
import { deliverPostmortem } from '../helpers/delivered-postmortem.js';
import { loadConfig } from '../../src/config.js';
import { IncidentService } from '../../src/incidents/service.js';
import { IncidentState } from '../../src/incidents/state.js';
import { Journal } from '../../src/journal/journal.js';
import { verifyLines } from '../../src/journal/record.js';
import { createLogger } from '../../src/logger.js';
import { runCommand } from '../../src/process/run-command.js';
import { createRedactor } from '../../src/redact.js';
import { loadRunbooks } from '../../src/runbook/load.js';
import { WorkQueue } from '../../src/work-queue.js';
import { fixtureJournal, fixtureRoot } from '../fixtures/scenario1.js';
import { quietReporter } from '../helpers/quiet-reporter.js';

const projectRoot = path.resolve(import.meta.dirname, '..', '..');
const temps: string[] = [];
afterAll(() => temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

const silentReporter = quietReporter();

/** Handler dependencies over a copy of the recorded journal, as the bot builds them, without Slack. */
function handlerDeps(secret?: string): { deps: EngineDeps; stateDir: string; incidentId: string } {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'postmortem-slack-'));
  temps.push(stateDir);
  fs.copyFileSync(fixtureJournal, path.join(stateDir, 'journal.jsonl'));
  if (secret) {
    // A secret that reached the journal unredacted (another process, an older version) must still never reach Slack.
    const raw = new Journal(stateDir);
    const records = raw.load();
    raw.append({ type: 'command.received', incident: records[1]?.incident, actor: 'terminal:alice', data: { text: `cli status --as ${secret}`, origin: 'terminal' } });
  }
  // The recorded journal names this checkout; DATABOX_ROOT must be a real directory.
  fs.mkdirSync(fixtureRoot, { recursive: true });
  const config = loadConfig({ DATABOX_STATE_DIR: stateDir, DATABOX_ROOT: fixtureRoot, DATABOX_RUNBOOKS_DIR: path.join(projectRoot, 'runbooks'), ...(secret ? { DEMO_TOKEN: secret } : {}) });
  const redact = createRedactor(config.secrets);
  const logger = createLogger('silent', redact);
  const runbooks = loadRunbooks(config.runbooksDir);
  const journal = new Journal(config.stateDir);
  const state = new IncidentState();
  journal.onRecord((record) => state.apply(record));
  journal.load();
  const service = new IncidentService({ config, runbooks, journal, state, runCommand, redact, logger }, silentReporter);
  const queue = new WorkQueue(1, 5, () => {});
  const catalog = Object.fromEntries([...runbooks.values()].map((rb) => [rb.id, rb.recovery.map((p) => p.id)]));
  const incidentId = [...state.incidents.keys()][0] as string;
  return { deps: { service, queue, logger, redact, catalog }, stateDir, incidentId };
}

function fakeClient() {
  const uploads: Record<string, unknown>[] = [];
  const posts: Record<string, unknown>[] = [];
  const client = {
    files: { uploadV2: async (args: Record<string, unknown>) => (uploads.push(args), { ok: true, files: [] }) },
    chat: { postMessage: async (args: Record<string, unknown>) => (posts.push(args), { ok: true, channel: args.channel, ts: '1713595330.000200' }) },
  } as unknown as WebClient;
  return { client, uploads, posts };
}

describe('delivering a postmortem to Slack', () => {
  it('logs a failure to tell whoever asked where the uploaded postmortem is, rather than losing it', async () => {
    const { deps, incidentId } = handlerDeps();
    const logged: Record<string, unknown>[] = [];
    const logger = createLogger('warn', deps.redact, { write: (line: string) => void logged.push(JSON.parse(line) as Record<string, unknown>) });
    const uploads = new UploadsUnderWay();
    const { client } = fakeClient();
    const told = () => Promise.reject(new Error('the reply link expired'));
    queuePostmortem({ ...deps, logger, uploads }, client, incidentId, 'C0INCIDENTS', told, async () => {});
    await deps.queue.idle();
    await uploads.idle();
    // Before: the rejection was dropped with the upload's promise, and nothing said it.
    expect(logged).toContainEqual(expect.objectContaining({ msg: 'could not tell whoever asked for the postmortem how its upload went', incident: incidentId, err: expect.objectContaining({ message: 'the reply link expired' }) }));
  });

  it('uploads the Markdown into the channel that asked when the incident, opened at a terminal, has no thread', async () => {
    const { deps, stateDir, incidentId } = handlerDeps();
    const { client, uploads } = fakeClient();
    const delivered = await deliverPostmortem(deps, client, incidentId, 'C0INCIDENTS');
    expect(delivered.file).toBe(path.join(stateDir, 'postmortems', `${incidentId}.md`));
    expect(uploads).toHaveLength(1);
    const upload = uploads[0] as Record<string, unknown>;
    expect(upload.channel_id).toBe('C0INCIDENTS');
    expect(upload.thread_ts).toBeUndefined();
    expect(upload.filename).toBe(`${incidentId}-postmortem.md`);
    expect(upload.content).toBe(fs.readFileSync(delivered.file, 'utf8'));
    expect(String(upload.content)).toContain('**Verdict: File corrupt**');
  });

  it('uploads into the incident\'s thread once it has one, and redacts secrets', async () => {
    const secret = 'xoxp-demo-secret-value-1234';
    const { deps, incidentId } = handlerDeps(secret);
    await deps.service.attachRef(incidentId, slackFrontEnd, { channel: 'C0THREAD', ts: '1713595200.000100' });
    expect(fs.readFileSync(path.join(deps.service.config.stateDir, 'journal.jsonl'), 'utf8')).toContain(secret);
    const { client, uploads } = fakeClient();
    await deliverPostmortem(deps, client, incidentId, 'C0OTHER');
    const upload = uploads[0] as Record<string, unknown>;
    expect(upload).toMatchObject({ channel_id: 'C0THREAD', thread_ts: '1713595200.000100' });
    expect(String(upload.content)).toContain('[REDACTED]');
    expect(String(upload.content)).not.toContain(secret);
    expect(fs.readFileSync(path.join(deps.service.config.stateDir, 'postmortems', `${incidentId}.md`), 'utf8')).not.toContain(secret);
    // Asked for again with nothing new in the journal: not uploaded again (each upload notifies the thread's followers).
    const again = await deliverPostmortem(deps, client, incidentId, 'C0OTHER');
    expect(uploads).toHaveLength(1);
    expect(again.unchangedSince).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    // Once the journal holds more of the incident, the new document is uploaded.
    await deps.service.recordCommand(`/databox recover duckdb path=a incident=${incidentId}`, 'U0OPERATOR', 'slack:C0THREAD', incidentId, { refusedBecause: 'over the limit' });
    expect((await deliverPostmortem(deps, client, incidentId, 'C0OTHER')).unchangedSince).toBeUndefined();
    expect(uploads).toHaveLength(2);
    // Two people asking at once, while the first upload goes: one upload.
    await deps.service.recordCommand(`/databox recover duckdb path=b incident=${incidentId}`, 'U0OPERATOR', 'slack:C0THREAD', incidentId, { refusedBecause: 'over the limit' });
    const both = await Promise.all([deliverPostmortem(deps, client, incidentId, 'C0OTHER'), deliverPostmortem(deps, client, incidentId, 'C0OTHER')]);
    expect(uploads).toHaveLength(3);
    // The second is told it is going, not that it is in the thread: Slack has not taken it yet.
    expect(both.filter((d) => d.uploadingSince)).toHaveLength(1);
    expect(both.filter((d) => d.unchangedSince)).toHaveLength(0);
    expect(unchangedSinceText(both.find((d) => d.uploadingSince)!)).toMatch(/^is being uploaded \(since \d\d:\d\d UTC; Slack has not answered yet\), so it was not uploaded again$/);
    // Once it is in, asking again is told when it was uploaded.
    expect(unchangedSinceText(await deliverPostmortem(deps, client, incidentId, 'C0OTHER'))).toMatch(/^has not changed since it was uploaded at \d\d:\d\d UTC/);
    expect(uploads).toHaveLength(3);
  });

  it('refuses a button value that is not an incident id, uploading nothing', async () => {
    const { deps } = handlerDeps();
    const { client, uploads } = fakeClient();
    await expect(deliverPostmortem(deps, client, '../../journal', 'C0X')).rejects.toThrow(/not an incident id/);
    await expect(deliverPostmortem(deps, client, 'dbx-20200101-0000', 'C0X')).rejects.toThrow(/no incident/);
    expect(uploads).toHaveLength(0);
  });
});

describe('an incident opened at a terminal, continued in Slack', () => {
  it('gets a root message and a thread the first time, recorded in the journal, and only once', async () => {
    const { deps, stateDir, incidentId } = handlerDeps();
    const { client, posts } = fakeClient();
    await ensureIncidentThread(deps, client, incidentId, 'C0INCIDENTS');
    await ensureIncidentThread(deps, client, incidentId, 'C0INCIDENTS');
    // The root, and in its thread what ran before it (the diagnosis), once.
    expect(posts.map((p) => p.thread_ts)).toEqual([undefined, '1713595330.000200']);
    expect(posts[0]).toMatchObject({ channel: 'C0INCIDENTS', text: `Incident ${incidentId}: Blown DuckDB file (local backend)` });
    expect(incidentThread(deps.service.incident(incidentId))).toEqual({ channel: 'C0INCIDENTS', ts: '1713595330.000200' });
    const verify = verifyLines(fs.readFileSync(path.join(stateDir, 'journal.jsonl'), 'utf8'));
    expect(verify.problem).toBeUndefined();
    expect(verify.records.filter((r) => r.type === 'incident.ref')).toHaveLength(1);
  });
});
