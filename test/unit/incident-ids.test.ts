// Tests incident ids (IncidentService.openIncident): a forced collision of the random part never yields a duplicate,
// not within one process and not between two processes sharing the journal (the bot and a terminal).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { IncidentService } from '../../src/incidents/service.js';
import { IncidentState } from '../../src/incidents/state.js';
import { Journal } from '../../src/journal/journal.js';
import { createLogger } from '../../src/logger.js';
import { runCommand } from '../../src/process/run-command.js';
import { loadRunbooks } from '../../src/runbook/load.js';
import { quietReporter } from '../helpers/quiet-reporter.js';

// Every 2-byte draw (the random part of an incident id) comes out the same: a collision is forced on each new incident.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  const randomBytes = (size: number, ...rest: unknown[]) => (size === 2 ? Buffer.from([0xab, 0xcd]) : (actual.randomBytes as (...a: unknown[]) => Buffer)(size, ...rest));
  return { ...actual, default: { ...actual, randomBytes }, randomBytes };
});

const projectRoot = path.resolve(import.meta.dirname, '..', '..');
const temps: string[] = [];
afterAll(() => temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function stateDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-ids-'));
  temps.push(dir);
  return dir;
}

/** A service over the journal in `dir`, as the bot or the CLI builds one. */
function service(dir: string): IncidentService {
  const config = loadConfig({ DATABOX_STATE_DIR: dir, DATABOX_ROOT: dir, DATABOX_RUNBOOKS_DIR: path.join(projectRoot, 'runbooks') });
  const journal = new Journal(config.stateDir);
  const state = new IncidentState();
  journal.onRecord((record) => state.apply(record));
  journal.load();
  const logger = createLogger('silent', (t) => t);
  return new IncidentService(
    { config, runbooks: loadRunbooks(config.runbooksDir), journal, state, runCommand, redact: (t) => t, logger },
    quietReporter(),
  );
}

describe('incident ids', () => {
  it('never repeat, even when the random part always comes out the same', async () => {
    const svc = service(stateDir());
    const ids: string[] = [];
    for (let i = 0; i < 4; i += 1) ids.push((await svc.openIncident('duckdb', 'U0OPERATOR', 'slack')).id);
    expect(ids[0]).toMatch(/^dbx-\d{8}-abcd$/);
    expect(new Set(ids).size).toBe(4);
    for (const id of ids) expect(id).toMatch(/^dbx-\d{8}-[0-9a-f]{4}$/);
  });

  it('never repeat between two processes sharing the journal, each drawing the same random part', async () => {
    const dir = stateDir();
    const bot = service(dir);
    const terminal = service(dir);
    const first = await bot.openIncident('duckdb', 'U0OPERATOR', 'slack');
    const second = await terminal.openIncident('duckdb', 'terminal:alice', 'terminal');
    expect(second.id).not.toBe(first.id);
    const opened = fs.readFileSync(path.join(dir, 'journal.jsonl'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line)).filter((r) => r.type === 'incident.opened');
    expect(new Set(opened.map((r) => r.incident)).size).toBe(2);
  });
});
