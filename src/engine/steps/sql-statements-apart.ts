// A changing SQL step of several statements run one by one, each committed on its own or in a transaction its text begins and ends, and what a failure among them leaves applied.
import type { QueryResult, TargetSession } from '../../database/target.js';
import { ChangedNothing, StoppedPartWay, transactionOutcomeUnknown } from './step-database.js';
import { sqlStatements } from './sql-statements.js';
import { rolledBackWords } from './rolled-back.js';

/** What a statement does to a transaction its text runs itself: BEGIN (START TRANSACTION), COMMIT (END), ROLLBACK (ABORT), or nothing of that. */
function transactionControl(statement: string): 'begin' | 'commit' | 'rollback' | undefined {
  const scanned = (sqlStatements(statement)[0] ?? '').toUpperCase();
  if (/^(BEGIN|START\s+TRANSACTION)\b/.test(scanned)) return 'begin';
  if (/^(COMMIT|END)\b/.test(scanned)) return 'commit';
  if (/^(ROLLBACK|ABORT)\b/.test(scanned)) return 'rollback';
  return undefined;
}

/** Whether the text runs its own transaction: only what its COMMIT answered covers is applied. */
export function runsOwnTransaction(statements: readonly string[]): boolean {
  return statements.some((statement) => transactionControl(statement) !== undefined);
}

const statementsSaid = (n: number) => (n === 1 ? 'one statement' : `${n} statements`);

/** How many of the statements before the one that failed were applied: "the one before it was applied", "1 of the 3 before it was applied". */
export function appliedBeforeSaid(applied: number, before: number): string {
  if (applied === before) return before === 1 ? 'the one before it was applied' : `the ${before} before it were applied`;
  if (before === 1) return 'the one before it was not applied';
  if (applied === 0) return `none of the ${before} before it was applied`;
  return `${applied} of the ${before} before it ${applied === 1 ? 'was' : 'were'} applied`;
}

/** What a step's outputs say when it stopped with statements applied: "1 of its 2 statements was applied and committed, and nothing rolled it back". */
export function appliedStatementsSaid(applied: number, statements: number): string {
  return `${applied} of its ${statements} statements ${applied === 1 ? 'was' : 'were'} applied and committed, and nothing rolled ${applied === 1 ? 'it' : 'them'} back`;
}

/**
 * Runs the statements one by one, the last one's result returned. A failure says how many statements were applied
 * (statementsDone: committed on their own, or by a COMMIT of the text's that answered) as a StoppedPartWay; inside a
 * transaction the text began, it is rolled back, and with nothing applied before it the step changed nothing
 * (ChangedNothing); a COMMIT of the text's that failed leaves its transaction's outcome unknown. The first statement's
 * own failure, nothing before it, is thrown as it came: whether it changed anything is its target's to tell.
 */
export async function runStatementsApart(session: TargetSession, statements: readonly string[]): Promise<QueryResult> {
  let last: QueryResult = { columns: [], rows: [] };
  // Statements (not BEGIN, COMMIT, ROLLBACK) whose effect stands, and those run in the open transaction, not yet committed.
  let applied = 0;
  let pending = 0;
  let open = false;
  const total = statements.length;
  for (const [at, statement] of statements.entries()) {
    const control = transactionControl(statement);
    try {
      last = await session.run(statement);
    } catch (error) {
      const message = (error as Error).message;
      const failed = `statement ${at + 1} of ${total}`;
      const outputs = { statementsDone: applied, statements: total };
      if (open && control === 'commit') {
        await session.run('ROLLBACK').catch(() => undefined);
        throw new StoppedPartWay(
          `${failed} (its COMMIT) failed, so whether the ${statementsSaid(pending)} of its transaction ${pending === 1 ? 'was' : 'were'} applied is not known${applied > 0 ? ` (${applied} before it ${applied === 1 ? 'was' : 'were'})` : ''}: ${message}`,
          { ...outputs, ...transactionOutcomeUnknown },
          error as Error,
        );
      }
      if (open) {
        const undone = await session.run('ROLLBACK').then(
          () => true,
          () => false,
        );
        // As a step's own transaction: rolled back, what it ran there is gone, unless the connection went (MotherDuck may have applied it).
        const nothingThere = undone && rolledBackWords(error as Error) !== undefined;
        if (!nothingThere) throw new StoppedPartWay(`${failed} failed inside the transaction the SQL began, and its ROLLBACK was not answered${applied > 0 ? `; ${appliedBeforeSaid(applied, at)}` : ''}: ${message}`, { ...outputs, ...transactionOutcomeUnknown }, error as Error);
        if (applied === 0) throw new ChangedNothing(`${failed} failed inside the transaction the SQL began, rolled back, so nothing was changed: ${message}`, {}, error as Error);
        throw new StoppedPartWay(`${failed} failed inside the transaction the SQL began, rolled back; ${appliedBeforeSaid(applied, at)}: ${message}`, outputs, error as Error);
      }
      if (at === 0) throw error;
      throw new StoppedPartWay(`${failed} failed, ${appliedBeforeSaid(applied, at)}: ${message}`, outputs, error as Error);
    }
    if (control === 'begin') open = true;
    if (control === 'commit') applied += pending;
    if (control === 'commit' || control === 'rollback') [open, pending] = [false, 0];
    if (control === undefined) {
      if (open) pending += 1;
      else applied += 1;
    }
  }
  // A transaction begun and never ended would be rolled back, unsaid, as the session closes: done so here, and said.
  if (open) {
    const unended = `the SQL began a transaction and did not end it (no COMMIT after its last statement), so it was rolled back`;
    await session.run('ROLLBACK');
    if (applied === 0) throw new ChangedNothing(`${unended}: nothing was changed`, {});
    throw new StoppedPartWay(`${unended}; ${applied} of its ${total} statements ${applied === 1 ? 'was' : 'were'} applied before it began`, { statementsDone: applied, statements: total }, new Error(unended));
  }
  return last;
}
