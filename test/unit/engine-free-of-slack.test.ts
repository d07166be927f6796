// The engine knows no front end: nothing under src/engine, src/incidents, src/runbook or src/journal imports Slack's code,
// writes a Slack mention, or builds Block Kit; front-end references are opaque there (src/incidents/state.ts).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../support/fixtures.js';

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sources(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

const engineFiles = ['engine', 'incidents', 'runbook', 'journal'].flatMap((dir) => sources(path.join(projectRoot, 'src', dir)));

describe('the engine\'s code', () => {
  it.each(engineFiles.map((file) => [path.relative(projectRoot, file), file]))('%s holds no Slack concept', (_name, file) => {
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toMatch(/from '(@slack\/[^']+|(\.\.\/)+slack\/[^']+|\.\.\/\.\.\/handlers\/[^']+)'/);
    expect(text).not.toMatch(/<@/);
    expect(text).not.toMatch(/\b(type: 'section'|type: 'actions'|mrkdwn|thread_ts|postMessage|chat\.update)\b/);
  });
});
