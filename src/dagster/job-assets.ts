// The assets a Dagster job's backfill covers, asked of the webserver when a plan is made: the job's daily-partitioned assets.
import { DagsterError, type DagsterClient } from './graphql-client.js';

/**
 * Every asset node of the workspace (`Query.assetNodes`, dagster_graphql/schema/roots/query.py; `AssetNode` in
 * schema/asset_graph.py), filtered here by `jobNames`: asking with a `pipeline` selector needs the repository and answers an
 * unknown job with an empty list. The input fields of LaunchBackfillParams say whether this Dagster takes partitionsByAssets.
 */
const assetNodesQuery = `query DataboxAssetNodes {
  assetNodes {
    assetKey { path }
    jobNames
    isPartitioned
    partitionDefinition { type description }
    repository { name location { name } }
  }
  backfillParams: __type(name: "LaunchBackfillParams") { inputFields { name } }
}`;

/** What the plan backfills through the webserver, or why it uses the CLI instead, or why there is nothing to backfill. */
export type JobAssets =
  | {
      found: true;
      job: string;
      /** The code location whose assets these are: the stack's, or the one where the schedules were found paused. */
      location?: string;
      /** Each asset key's path, such as ["ebird", "fct_daily_bird_observations"], sorted. */
      assetKeys: string[][];
      /** How they are partitioned, as Dagster describes it ("Daily, starting 2024-01-01 UTC."). */
      partitioning: string[];
      /** The job's assets without partitions: a window names none of their partitions, so the backfill leaves them out. */
      unpartitioned: string[];
    }
  /** nothingPartitioned: the job has assets and none is partitioned, so no backfill (webserver or CLI) can be launched. */
  | { found: false; job: string; reason: string; nothingPartitioned?: { assets: string[]; location?: string } };

/** What the webserver listed when the plan was made, before the code location is chosen: or why it could not list it. */
export type JobAssetListing = { job: string; nodes: AssetNode[]; configuredLocation?: string } | { job: string; failed: string };

export interface AssetNode {
  key: string[];
  jobNames: string[];
  isPartitioned: boolean;
  partitionType?: string;
  partitionDescription?: string;
  location?: string;
}

type Json = Record<string, unknown>;

const dailyKeys = /^Daily, starting \d{4}-\d{2}-\d{2} /;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const keyText = (key: readonly string[]) => key.join('/');

function toNode(value: unknown): AssetNode | undefined {
  if (!isObject(value) || !isObject(value.assetKey) || !Array.isArray(value.assetKey.path) || !Array.isArray(value.jobNames)) return undefined;
  const partitions = isObject(value.partitionDefinition) ? value.partitionDefinition : undefined;
  const location = isObject(value.repository) && isObject(value.repository.location) ? value.repository.location.name : undefined;
  return {
    key: value.assetKey.path.map(String),
    jobNames: value.jobNames.map(String),
    isPartitioned: value.isPartitioned === true,
    partitionType: partitions ? String(partitions.type) : undefined,
    partitionDescription: partitions ? String(partitions.description ?? '') : undefined,
    location: typeof location === 'string' ? location : undefined,
  };
}

/**
 * The asset nodes of `job` in every code location (or in `location` when one is configured), asked when the plan is made.
 * Never throws a DagsterError: a webserver that does not answer, or a Dagster whose launchPartitionBackfill takes no
 * partitionsByAssets, is an answer with the reason, and the plan backfills through the CLI.
 */
export async function listJobAssets(client: DagsterClient, job: string, location?: string): Promise<JobAssetListing> {
  let data: Json;
  try {
    data = await client.request(assetNodesQuery);
  } catch (error) {
    if (!(error instanceof DagsterError)) throw error;
    return { job, failed: `the webserver did not list the assets of job ${job}: ${error.message.trim()}` };
  }
  if (!Array.isArray(data.assetNodes)) return { job, failed: 'the webserver answered assetNodes without a list' };
  const inputFields = isObject(data.backfillParams) && Array.isArray(data.backfillParams.inputFields) ? data.backfillParams.inputFields : [];
  if (!inputFields.some((field) => isObject(field) && field.name === 'partitionsByAssets')) {
    return { job, failed: "this Dagster's launchPartitionBackfill takes no partitionsByAssets" };
  }
  const nodes = data.assetNodes.map(toNode);
  if (nodes.some((node) => node === undefined)) return { job, failed: 'the webserver answered assetNodes with an asset the bot cannot read' };
  return { job, nodes: (nodes as AssetNode[]).filter((node) => node.jobNames.includes(job)), configuredLocation: location };
}

/**
 * The partitioned assets of the listed job in one code location, every one partitioned by day: the configured one
 * (DAGSTER_LOCATION), else `pausedIn` (where the diagnosis found the job's schedules paused), else the only one that has
 * the job. A backfill of another location's assets (a staging copy's) would build what the stack never ran.
 */
export function jobAssetsIn(listing: JobAssetListing, pausedIn: readonly string[] = []): JobAssets {
  const { job } = listing;
  const fallback = (reason: string): JobAssets => ({ found: false, job, reason });
  if ('failed' in listing) return fallback(listing.failed);
  const locations = [...new Set(listing.nodes.map((node) => node.location ?? ''))].filter(Boolean);
  const paused = locations.filter((location) => pausedIn.includes(location));
  const location = listing.configuredLocation ?? (paused.length === 1 ? paused[0] : locations.length === 1 ? locations[0] : undefined);
  if (!location && locations.length > 1) {
    return fallback(`job ${job} is in code locations ${locations.join(', ')}, and which is the stack's cannot be told (set DAGSTER_LOCATION to it)`);
  }
  const where = listing.configuredLocation ? ` in code location ${listing.configuredLocation}` : '';
  // An asset two repositories of one code location define is one asset to a backfill: each key once.
  const inJob = [...new Map(listing.nodes.filter((node) => !location || node.location === location).map((node) => [keyText(node.key), node])).values()];
  if (inJob.length === 0) return fallback(`the webserver knows no asset of job ${job}${where}`);
  const partitioned = inJob.filter((node) => node.isPartitioned);
  if (partitioned.length === 0) {
    const assets = inJob.map((node) => keyText(node.key)).sort();
    return { found: false, job, reason: `no asset of job ${job} is partitioned, so a window names nothing to backfill`, nothingPartitioned: { assets, location } };
  }
  // The window's dates are partition keys only of daily partitions with Dagster's default key format: the description is
  // str() of the definition, its start written in the keys' format ("Daily, starting 2024-01-01 UTC.").
  const notByDay = partitioned.filter((node) => node.partitionType !== 'TIME_WINDOW' || !dailyKeys.test(node.partitionDescription ?? ''));
  if (notByDay.length > 0) {
    const which = notByDay.map((node) => `${keyText(node.key)} (${node.partitionType ?? 'unknown'}: ${node.partitionDescription ?? ''})`).join(', ');
    const one = notByDay.length === 1;
    return fallback(`${which} of job ${job} ${one ? 'is' : 'are'} not partitioned by day with YYYY-MM-DD keys, so the window's dates are not ${one ? 'its' : 'their'} partition keys`);
  }
  const byKey = (a: AssetNode, b: AssetNode) => keyText(a.key).localeCompare(keyText(b.key));
  return {
    found: true,
    job,
    ...(location ? { location } : {}),
    assetKeys: partitioned.sort(byKey).map((node) => node.key),
    partitioning: [...new Set(partitioned.map((node) => node.partitionDescription ?? ''))].filter(Boolean),
    unpartitioned: inJob.filter((node) => !node.isPartitioned).sort(byKey).map((node) => keyText(node.key)),
  };
}

/** The listing and the pick at once, where no diagnosis says where schedules were paused. */
export async function jobPartitionedAssets(client: DagsterClient, job: string, location?: string): Promise<JobAssets> {
  return jobAssetsIn(await listJobAssets(client, job, location));
}
