// Backfills Dagster is still carrying out that cover what a new one would: a second backfill of the same partitions doubles the load and races the first one's writes.
import { DagsterError, unionError, type DagsterClient } from './graphql-client.js';

/**
 * `partitionBackfillsOrError(status: REQUESTED)` (dagster_graphql/schema/roots/query.py): REQUESTED is a backfill still
 * being carried out by the BACKFILL daemon (BulkActionStatus). Fields of `PartitionBackfill` (schema/backfill.py) that
 * older Dagsters have too: `assetSelection` is null for a job backfill (`dagster job backfill`), which names its
 * partition set instead; `partitionNames` is null where Dagster cannot list them.
 */
const inProgressQuery = `query DataboxBackfillsInProgress {
  partitionBackfillsOrError(status: REQUESTED, limit: 100) {
    __typename
    ... on PartitionBackfills { results { id status partitionNames assetSelection { path } partitionSetName timestamp } }
    ... on PythonError { message }
  }
}`;

/**
 * Who launched each and its title: `user` and `title` are fields only newer Dagsters' PartitionBackfill has, asked apart
 * so that an older one's refusal of them ("Cannot query field "title" on type "PartitionBackfill"") leaves the backfills
 * read, named by id, partitions and launch time alone.
 */
const launchedByQuery = `query DataboxBackfillsLaunchedBy {
  partitionBackfillsOrError(status: REQUESTED, limit: 100) {
    __typename
    ... on PartitionBackfills { results { id user } }
  }
}`;

const titlesQuery = `query DataboxBackfillTitles {
  partitionBackfillsOrError(status: REQUESTED, limit: 100) {
    __typename
    ... on PartitionBackfills { results { id title } }
  }
}`;

export interface BackfillInProgress {
  id: string;
  /** Epoch seconds it was launched at. */
  launchedAt?: number;
  user?: string;
  title?: string;
  /** Asset keys as "a/b"; undefined for a job backfill. */
  assets?: string[];
  partitionSetName?: string;
  /** Its partition keys; undefined when Dagster did not list them. */
  partitions?: string[];
}

/** The backfills in progress, or why they could not be read (the webserver down, a Dagster without these fields). */
export type BackfillsInProgress = { backfills: BackfillInProgress[] } | { failed: string };

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/** One optional field of each backfill, by id; none where this Dagster's schema lacks it, or the webserver could not say. */
async function optionalField(client: DagsterClient, query: string, field: 'user' | 'title'): Promise<Map<string, string>> {
  try {
    const answer = (await client.request(query)).partitionBackfillsOrError;
    const results = isObject(answer) && Array.isArray(answer.results) ? answer.results.filter(isObject) : [];
    return new Map(results.flatMap((b) => (text(b[field]) ? [[String(b.id), text(b[field]) as string]] : [])));
  } catch (error) {
    if (error instanceof DagsterError) return new Map();
    throw error;
  }
}

function toBackfill(value: Json): BackfillInProgress {
  const assets = Array.isArray(value.assetSelection)
    ? value.assetSelection.flatMap((key) => (isObject(key) && Array.isArray(key.path) ? [key.path.map(String).join('/')] : []))
    : undefined;
  return {
    id: String(value.id),
    launchedAt: typeof value.timestamp === 'number' ? value.timestamp : undefined,
    assets,
    partitionSetName: text(value.partitionSetName),
    partitions: Array.isArray(value.partitionNames) ? value.partitionNames.map(String) : undefined,
  };
}

/** Asks the webserver for its backfills in progress; never throws a DagsterError: a failure is said instead. */
export async function backfillsInProgress(client: DagsterClient): Promise<BackfillsInProgress> {
  try {
    const data = await client.request(inProgressQuery);
    const answer = data.partitionBackfillsOrError;
    if (!isObject(answer)) throw new DagsterError('bad-answer', 'the backfills answer is empty');
    const failure = unionError(answer, 'its backfills');
    if (failure) throw failure;
    if (!Array.isArray(answer.results)) throw new DagsterError('bad-answer', 'the backfills answer has no list of backfills');
    const backfills = answer.results.filter(isObject).filter((b) => b.status === 'REQUESTED').map(toBackfill);
    if (backfills.length === 0) return { backfills };
    const [users, titles] = [await optionalField(client, launchedByQuery, 'user'), await optionalField(client, titlesQuery, 'title')];
    return { backfills: backfills.map((b) => ({ ...b, user: users.get(b.id), title: titles.get(b.id) })) };
  } catch (error) {
    if (error instanceof DagsterError) return { failed: error.message };
    throw error;
  }
}

/** What a new backfill would cover: its assets (none known: a CLI backfill of the job) and its window, both days included. */
export interface BackfillTarget {
  job: string;
  assets: readonly string[];
  from: string;
  to: string;
}

/** The job a job backfill's partition set belongs to: Dagster names it `<job>_partition_set`. */
const partitionSetOf = (job: string) => `${job}_partition_set`;

/**
 * The backfills in progress that cover some of the same assets (a job backfill: the same job) over some of the same days.
 * One whose partitions Dagster did not list counts as overlapping: it may, and launching beside it is what is avoided.
 * A new backfill whose assets are not known (the CLI's job backfill: the route taken when the webserver could not say
 * which assets the job has, or in which code location) counts every asset backfill over the same days: it may cover
 * some of the job's assets, and nothing here can tell that it does not.
 */
export function overlappingBackfills(backfills: readonly BackfillInProgress[], target: BackfillTarget): BackfillInProgress[] {
  return backfills.filter((backfill) => {
    const sameAssets = backfill.assets
      ? target.assets.length === 0 || backfill.assets.some((key) => target.assets.includes(key))
      : backfill.partitionSetName === partitionSetOf(target.job) || backfill.partitionSetName === target.job;
    const sameDays = backfill.partitions === undefined || backfill.partitions.some((key) => key >= target.from && key <= target.to);
    return sameAssets && sameDays;
  });
}

function partitionsSaid(partitions: readonly string[] | undefined): string {
  if (partitions === undefined) return 'partitions not listed by Dagster';
  const sorted = [...partitions].sort();
  if (sorted.length === 0) return 'no partitions';
  return sorted.length === 1 ? `partition ${sorted[0]}` : `${sorted.length} partitions ${sorted[0]} … ${sorted.at(-1)}`;
}

function oneSaid(backfill: BackfillInProgress): string {
  const when = backfill.launchedAt !== undefined ? ` launched ${new Date(backfill.launchedAt * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC` : '';
  const who = backfill.user ? ` by ${backfill.user}` : '';
  const title = backfill.title ? ` "${backfill.title}"` : '';
  const what = backfill.assets ? `${backfill.assets.length} asset${backfill.assets.length === 1 ? '' : 's'}` : `job backfill ${backfill.partitionSetName ?? '(no partition set named)'}`;
  return `backfill ${backfill.id}${title}${when}${who} (${what}, ${partitionsSaid(backfill.partitions)})`;
}

/** Why a backfill of `target` is not launched beside `found`: each named, and how to cancel it in Dagster. */
export function backfillsInTheWaySaid(found: readonly BackfillInProgress[], target: BackfillTarget): string {
  // Counted for its days alone: the operator must not read "the same assets" of a backfill of others.
  const covering =
    target.assets.length === 0 && found.some((backfill) => backfill.assets)
      ? `over some of ${target.from} … ${target.to}; the CLI's backfill of job ${target.job} names no assets, so any asset backfill over these days counts as covering some of the same ones, whatever its assets`
      : `covering some of the same assets over ${target.from} … ${target.to}`;
  return (
    `Dagster is already carrying out ${found.map(oneSaid).join('; ')}, ${covering}: ` +
    `a second backfill could run those partitions twice at once, doubling the load and racing its writes. Let it finish and diagnose again ` +
    `(what it leaves missing is then the window), or cancel it first: Dagster UI → Overview → Backfills → ${found[0]?.id} → Cancel backfill ` +
    `(GraphQL cancelPartitionBackfill(backfillId: "${found[0]?.id}"))`
  );
}
