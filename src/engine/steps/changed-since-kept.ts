// Right before a DELETE, in the DELETE's transaction: the rows its WHERE picks now compared by content with the file they were kept in.
import type { TargetSession } from '../../database/target.js';
import { rowsDiffering, tableColumns, type KeptWindow } from './kept-exactly.js';
import { rowsSaid } from '../../plural.js';

/**
 * How the rows `kept.where` picks now differ from those kept in `kept.file` ("1 row there now is not in the kept file
 * as it is, 1 kept row is no longer there as it was"), or undefined when they are the same rows. A count alone cannot
 * tell: another writer's UPDATE between the keep and the delete changes no count, and the updated row would be deleted
 * without having been kept. Run first in the delete's transaction, it reads the snapshot the DELETE then deletes from.
 * A write committed while this and the DELETE run is still not seen: DuckDB (1.5.6) calls an UPDATE and a DELETE of
 * the same row no conflict, as it does two UPDATEs or two DELETEs.
 */
export async function changedSinceKept(session: TargetSession, kept: KeptWindow): Promise<string | undefined> {
  const { notKept, notInTable } = await rowsDiffering(session, kept, await tableColumns(session, kept.table));
  if (notKept === 0 && notInTable === 0) return undefined;
  const said = [
    ...(notKept > 0 ? [`${rowsSaid(notKept)} there now ${notKept === 1 ? 'is' : 'are'} not in the kept file as ${notKept === 1 ? 'it is' : 'they are'}`] : []),
    ...(notInTable > 0 ? [`${notInTable} kept row${notInTable === 1 ? ' is' : 's are'} no longer there as ${notInTable === 1 ? 'it was' : 'they were'}`] : []),
  ];
  return said.join(', ');
}
