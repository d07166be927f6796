// Files the bot moved away from a path that are still where its moves left them: named, with how to put one back,
// when a diagnosis finds nothing at that path (a rollback that moved the rebuilt database aside and stopped, say).
import { shellWord } from '../commands/shell-word.js';
import { knownGone } from '../disk/known-gone.js';
import type { Run } from './state.js';
import { companionSaid, companionSuffixes } from '../duckdb/companion-files.js';

interface MovedAway {
  /** Where it is now: the last place the journal's moves took it. */
  now: string;
  runId: string;
  /** The step that moved it away from the path. */
  stepTitle: string;
}

interface Move {
  from: string;
  to: string;
  runId: string;
  stepTitle: string;
}

/** Every move the runs made, in the order they made them (one changing run at a time holds a database's lock). */
function movesInOrder(runs: Iterable<Run>): Move[] {
  const started = [...runs].filter((run) => run.startedAt).sort((a, b) => (a.startedAt as string).localeCompare(b.startedAt as string));
  return started.flatMap((run) =>
    run.results.flatMap((result) => {
      const step = run.steps.find((s) => s.id === result.stepId);
      const { from, to } = result.outputs ?? {};
      return step?.kind === 'move' && result.status === 'ok' && typeof from === 'string' && typeof to === 'string' ? [{ from, to, runId: run.id, stepTitle: step.title }] : [];
    }),
  );
}

const thereNow = (file: string) => !knownGone(file);

/** What the runs moved away from `file` and is still where they left it (not put back), the latest first. */
function movedAwayFrom(file: string, runs: Iterable<Run>, exists: (file: string) => boolean = thereNow): MovedAway[] {
  const moves = movesInOrder(runs);
  return moves
    .flatMap((move, i) => {
      if (move.from !== file) return [];
      // Followed through the moves after it: a broken file put back, then moved aside again, is where the last one left it.
      const now = moves.slice(i + 1).reduce((at, later) => (later.from === at ? later.to : at), move.to);
      return now !== file && exists(now) ? [{ now, runId: move.runId, stepTitle: move.stepTitle }] : [];
    })
    .reverse();
}

/**
 * The sentences a diagnosis adds when nothing is at `file`: each file the runs moved away from it and left elsewhere,
 * with the command that puts it back. Empty when something is at `file`, or the bot moved nothing away from it.
 */
export function movedAwayNote(file: string, runs: Iterable<Run>, exists: (file: string) => boolean = thereNow): string {
  if (exists(file)) return '';
  const moved = movedAwayFrom(file, runs, exists);
  if (moved.length === 0) return '';
  const each = moved.map((m) => {
    // A database's logs go back with it (its .wal, and a checkpoint's .wal.checkpoint), or DuckDB would open the file
    // without the writes only they hold: every one moved aside beside it is named.
    const logs = companionSuffixes.filter((suffix) => exists(`${m.now}${suffix}`));
    const alongside = logs.map((suffix) => ` && mv -n ${shellWord(`${m.now}${suffix}`)} ${shellWord(`${file}${suffix}`)}`).join('');
    const what = logs.length === 0 ? 'it' : `it and ${logs.length === 1 ? 'its log' : 'its logs'} (${logs.map((suffix) => `${m.now}${suffix}`).join(', ')})`;
    return `${m.now} (moved there by ${m.runId}, "${m.stepTitle}"): \`mv -n ${shellWord(m.now)} ${shellWord(file)}${alongside}\` puts ${what} back`;
  });
  // A log left at the path would be replayed into (or, a checkpoint's, deleted beside) whatever file is put back there.
  const lone = companionSuffixes
    .filter((suffix) => exists(`${file}${suffix}`))
    .map((suffix) => ` A log is at ${file}${suffix} now, ${companionSaid(`${file}${suffix}`)}, so move it aside first.`)
    .join('');
  return ` The bot moved ${moved.length === 1 ? 'a file' : 'files'} away from ${file} that ${moved.length === 1 ? 'is' : 'are'} still where it left ${moved.length === 1 ? 'it' : 'them'}: ${each.join('; ')}.${lone}`;
}
