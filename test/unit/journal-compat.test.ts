// A journal written before front-end references were opaque (test/fixtures/journal/slack-before-refs.jsonl, captured from
// a Slack flow run by the code of that time) still verifies, rebuilds the same incidents, and serves both front ends.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { IncidentState } from '../../src/incidents/state.js';
import { verifyLines } from '../../src/journal/record.js';
import { buildPostmortem } from '../../src/postmortem/build-postmortem.js';
import { loadRunbooks } from '../../src/runbook/load.js';
import { incidentThread, offerMessage, openedInChannel, runMessage } from '../../src/slack/slack-refs.js';
import { projectRoot } from '../support/fixtures.js';

const text = fs.readFileSync(path.join(projectRoot, 'test', 'fixtures', 'journal', 'slack-before-refs.jsonl'), 'utf8');

describe('a journal written by the earlier code', () => {
  const verify = verifyLines(text);
  const state = new IncidentState();
  for (const record of verify.records) state.apply(record);
  const [first, second] = [...state.incidents.values()];

  it('verifies and rebuilds its incidents and runs', () => {
    expect(verify.problem).toBeUndefined();
    expect(state.incidents.size).toBe(2);
    expect(first?.runs.map((r) => [r.kind, r.status])).toEqual([
      ['diagnosis', 'succeeded'],
      ['recovery', 'succeeded'],
      ['validation', 'succeeded'],
    ]);
    expect(first?.runs[1]?.decidedBy).toBe('U0TEAMMATE');
  });

  it('gives the Slack front end its thread, its plans\' messages and the channel each incident was opened from', () => {
    const threadRecord = verify.records.find((r) => r.type === 'incident.thread' && r.incident === first?.id);
    expect(incidentThread(first!)).toEqual({ channel: threadRecord?.data.channel, ts: threadRecord?.data.ts });
    expect(incidentThread(first!)?.channel).toBe('C0INCIDENT');
    expect(openedInChannel(first!)).toBe('C0INCIDENT');
    expect(openedInChannel(second!)).toBe('C0INCIDENT');
    const planRecord = verify.records.find((r) => r.type === 'run.message' && r.data.runId === first?.runs[1]?.id);
    expect(runMessage(first!.runs[1]!)).toEqual({ channel: planRecord?.data.channel, ts: planRecord?.data.ts });
  });

  it('knows no place of its verdicts and rollback offers (never journaled then): their messages are left as they are', () => {
    expect(first?.runs.map((run) => run.offerRefs)).toEqual([undefined, undefined, undefined]);
    expect(first?.runs.map((run) => offerMessage(run))).toEqual([undefined, undefined, undefined]);
  });

  it('builds the postmortem, the Slack thread and the refusals in it, mentions shown plainly', () => {
    const runbooks = loadRunbooks(path.join(projectRoot, 'runbooks'));
    const { markdown } = buildPostmortem({ incidentId: first!.id, verify, runbooks, root: '/tmp', journalFile: 'journal.jsonl', writtenAt: new Date() });
    expect(markdown).toContain("The incident's Slack thread is in channel C0INCIDENT");
    expect(markdown).toContain('this plan was already approved by @U0TEAMMATE at');
    expect(markdown).not.toContain('<@');
  });

  it("builds the postmortem of plans journaled before runbook versions were: says the version that ran is not recorded, and marks the symptoms and prevention rows as read now", () => {
    const runbooks = loadRunbooks(path.join(projectRoot, 'runbooks'));
    const { markdown } = buildPostmortem({ incidentId: first!.id, verify, runbooks, root: '/tmp', journalFile: 'journal.jsonl', writtenAt: new Date() });
    expect(markdown).toContain('| Runbook | `duckdb`: which version ran is not recorded (journaled before runbook versions were) |');
    const note = "_Taken from the runbook as read for this postmortem: the journal does not record which version this incident's plans were made with._";
    expect(markdown.split('## Symptoms the runbook names')[1]?.split('##')[0]).toContain(note);
    expect(markdown.split('## What would have caught this')[1]?.split('##')[0]).toContain(note);
    expect(markdown).not.toContain('its runbook had changed');
  });
});
