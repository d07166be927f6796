// Journal appends with durability (each acknowledged event fsynced before the next thing that depends on it), against
// a bare write+fsync of the same lines; verification of 100,000 lines against bare hashing of the same bytes; and the
// status over a 100,000-line journal of incidents against replaying its lines into them.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { IncidentState } from '../../src/incidents/state.js';
import { statusReport } from '../../src/incidents/status.js';
import { Journal } from '../../src/journal/journal.js';
import { genesisHash, serialize, verifyLines } from '../../src/journal/record.js';
import { ratioFigure, type BenchContext } from '../lib/figures.js';
import { longJournal } from '../lib/long-journal.js';

const data = { runId: 'dbx-20260420-bench/1', summary: 'x'.repeat(200) };

async function appendsPerSecond(dir: string, events: number, writers: number): Promise<number> {
  const journal = new Journal(dir);
  journal.load();
  const started = performance.now();
  let next = 0;
  // Each writer waits for its event to be durable before sending the next: what a listener does.
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (next < events) {
        next += 1;
        await journal.append({ type: 'step.finished', incident: 'dbx-20260420-bench', actor: 'bench', data });
      }
    }),
  );
  return events / ((performance.now() - started) / 1000);
}

function bareAppendsPerSecond(file: string, events: number): number {
  const line = `${JSON.stringify({ seq: 1, at: new Date().toISOString(), type: 'step.finished', incident: 'dbx-20260420-bench', actor: 'bench', data, prev: genesisHash, hash: genesisHash })}\n`;
  const started = performance.now();
  const fd = fs.openSync(file, 'a');
  for (let i = 0; i < events; i += 1) {
    fs.writeSync(fd, line);
    fs.fsyncSync(fd);
  }
  fs.closeSync(fd);
  return events / ((performance.now() - started) / 1000);
}

export async function benchJournal(ctx: BenchContext): Promise<void> {
  const events = ctx.sizes.journalAppends;
  ctx.log(`journal: ${events} appends, one writer and 50`);
  const floor = bareAppendsPerSecond(path.join(ctx.dir, 'bare.jsonl'), events);
  const one = await appendsPerSecond(path.join(ctx.dir, 'journal-1'), events, 1);
  const fifty = await appendsPerSecond(path.join(ctx.dir, 'journal-50'), events, 50);
  // Rates: the ratio is floor/bot, so that above 1 means slower than the floor, like every other ratio here.
  ctx.figures.push({ ...ratioFigure('journal appends/s, 1 writer, each fsynced (floor: bare write+fsync)', one, floor, '/s'), ratio: floor / one });
  ctx.figures.push({ ...ratioFigure('journal appends/s, 50 writers, each durable before its writer goes on', fifty, floor, '/s'), ratio: floor / fifty });

  ctx.log(`journal: verifying ${ctx.sizes.verifyLines} lines`);
  const lines: string[] = [];
  let prev = genesisHash;
  for (let seq = 1; seq <= ctx.sizes.verifyLines; seq += 1) {
    const { line, record } = serialize({ seq, at: new Date(1_776_000_000_000 + seq).toISOString(), type: 'step.finished', incident: 'dbx-20260420-bench', actor: 'bench', data, prev });
    lines.push(line);
    prev = record.hash;
  }
  const file = path.join(ctx.dir, 'verify.jsonl');
  fs.writeFileSync(file, lines.join(''));
  let started = performance.now();
  const text = fs.readFileSync(file, 'utf8');
  const result = verifyLines(text);
  const verifyMs = performance.now() - started;
  if (result.problem || result.records.length !== ctx.sizes.verifyLines) throw new Error('the generated journal did not verify');
  started = performance.now();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) createHash('sha256').update(line).digest('hex');
  const bareMs = performance.now() - started;
  ctx.figures.push(ratioFigure(`journal verification of ${ctx.sizes.verifyLines.toLocaleString('en')} lines (floor: read + sha256 per line)`, verifyMs, bareMs, 'ms'));

  benchStatus(ctx);
}

/**
 * `/databox status` (and the sweep every 15 s, and the database watcher, which read parts of it) over a journal of
 * `verifyLines` lines, against one replay of those lines into the incidents: the status reads each incident and run a
 * bounded number of times, so it costs about what reading them once does, however long the journal.
 */
function benchStatus(ctx: BenchContext): void {
  const { text, incidents } = longJournal(ctx.sizes.verifyLines);
  const dir = path.join(ctx.dir, 'long-journal');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'journal.jsonl'), text);
  const journal = new Journal(dir);
  const records = journal.load();
  ctx.log(`journal: the status over ${records.length} lines, ${incidents} incidents`);
  let started = performance.now();
  const state = new IncidentState();
  for (const record of records) state.apply(record);
  const replayMs = performance.now() - started;
  started = performance.now();
  const report = statusReport(state, new Date('2026-12-31T00:00:00.000Z'));
  const statusMs = performance.now() - started;
  if (report.undoneElsewhere.size === 0 || report.healthySince.size === 0) throw new Error('the generated journal did not give the status its comparisons to make');
  ctx.figures.push(ratioFigure(`status over a ${records.length.toLocaleString('en')}-line journal, ${incidents.toLocaleString('en')} incidents (floor: replaying its lines into them)`, statusMs, replayMs, 'ms', 2));
}
