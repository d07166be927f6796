// The engine without a front end, over a checkout's journal: for tests (and test scripts) that drive IncidentService directly.
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import type { IncidentReporter } from '../../src/incidents/reporter.js';
import { IncidentService } from '../../src/incidents/service.js';
import { IncidentState } from '../../src/incidents/state.js';
import { Journal, type JournalOptions } from '../../src/journal/journal.js';
import { createLogger } from '../../src/logger.js';
import { runCommand } from '../../src/process/run-command.js';
import { loadRunbooks } from '../../src/runbook/load.js';
import { quietReporter } from './quiet-reporter.js';

/** An engine on the bundled runbooks over `root` and its state dir, its journal loaded (a restart, as far as it knows). */
export function openEngine(
  root: string,
  stateDir: string,
  reporter: IncidentReporter = quietReporter(),
  journalOptions: JournalOptions = {},
  runbooksDir?: string,
  clock?: () => Date,
): { service: IncidentService; journal: Journal } {
  const config = loadConfig({ DATABOX_ROOT: root, DATABOX_STATE_DIR: stateDir, ...(runbooksDir ? { DATABOX_RUNBOOKS_DIR: runbooksDir } : {}) });
  const journal = new Journal(config.stateDir, undefined, undefined, journalOptions);
  const state = new IncidentState();
  journal.onRecord((record) => state.apply(record));
  journal.load();
  const service = new IncidentService(
    { config, runbooks: loadRunbooks(config.runbooksDir), journal, state, runCommand, redact: (t) => t, logger: createLogger('silent', (t) => t), clock },
    reporter,
  );
  return { service, journal };
}

/** An engine over one runbook (YAML text) written into `dir`, a fresh checkout with its state dir inside. */
export function engineOverRunbook(dir: string, runbook: string): IncidentService {
  fs.mkdirSync(path.join(dir, 'runbooks'));
  fs.writeFileSync(path.join(dir, 'runbooks', 'probe.yml'), runbook);
  return openEngine(dir, path.join(dir, 'var'), quietReporter(), {}, path.join(dir, 'runbooks')).service;
}
