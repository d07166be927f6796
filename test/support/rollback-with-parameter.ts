// The shipped backfill runbook with a rollback step of an operator's own that takes a parameter planted in path A's
// rollback: the shipped one takes none (SQLMesh has no earlier plan to restore), so the engine's rollback parameters
// (their modal, the inspect step posted beside it, onlyIfGiven and leftOutNote) are tested through this one.
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { bundledRunbooksDir } from '../../src/config.js';
import { bundled, type Doc } from './planted-runbook.js';

export const listPlansCommand = 'task list-mart-plans';
export const restorePlanCommand = (planId: string) => `task restore-marts ${planId}`;
export const leftOutNote = 'the marts keep what the restate built until the window is restated again';

export function backfillWithRollbackParameter(): Doc {
  const doc = bundled('backfill.yml');
  doc.parameters.plan_id = { type: 'token', required: false, description: 'a plan of the marts to restore (see the list posted); leave empty to skip it' };
  const rollback = doc.recovery[0].rollback;
  rollback.parameters = ['plan_id'];
  rollback.inspect = [{ id: 'plans', kind: 'command', title: 'Plans the marts can be restored to', argv: ['task', 'list-mart-plans'], cwd: 'transforms/main', timeout: '5m' }];
  rollback.steps.push({
    id: 'restore_plan',
    kind: 'command',
    title: 'Restore the marts to the plan given',
    argv: ['task', 'restore-marts', '{{plan_id}}'],
    cwd: 'transforms/main',
    timeout: '30m',
    onlyIfGiven: 'plan_id',
    leftOutNote,
    onlyIfRan: 'restate',
    mutates: true,
    destructive: true,
  });
  return doc;
}

/** Writes it into `dir` beside the other shipped runbooks (for DATABOX_RUNBOOKS_DIR), and returns `dir`. */
export function writeBackfillWithRollbackParameter(dir: string): string {
  for (const name of fs.readdirSync(bundledRunbooksDir)) fs.copyFileSync(path.join(bundledRunbooksDir, name), path.join(dir, name));
  fs.writeFileSync(path.join(dir, 'backfill.yml'), stringify(backfillWithRollbackParameter()));
  return dir;
}
