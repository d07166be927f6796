// The targets a running bot knows, built once from the configuration; DATABOX_BACKEND says which one is "the" database.
import type { Config } from '../config.js';
import type { Redactor } from '../redact.js';
import { localTarget } from './local-target.js';
import { motherDuckTarget } from './motherduck-target.js';
import type { DatabaseTarget, TargetName } from './target.js';

export interface DatabaseTargets {
  local: DatabaseTarget;
  motherduck: DatabaseTarget;
  /** The one DATABOX_BACKEND names: what scenario 2 and the stack's own tools work on. */
  backend: DatabaseTarget;
}

export function databaseTargets(config: Config, redact: Redactor, overrides: Partial<Record<TargetName, DatabaseTarget>> = {}): DatabaseTargets {
  const local = overrides.local ?? localTarget(config.databasePath);
  const motherduck = overrides.motherduck ?? motherDuckTarget(config.motherduck, redact);
  return { local, motherduck, backend: config.backend === 'motherduck' ? motherduck : local };
}
