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

/** What the plan backfills through the webserver, or why it uses the CLI instead. */
export type JobAssets =
  | {
      found: true;
      job: string;
      /** Each asset key's path, such as ["ebird", "fct_daily_bird_observations"], sorted. */
      assetKeys: string[][];
      /** How they are partitioned, as Dagster describes it ("Daily, starting 2024-01-01 UTC."). */
      partitioning: string[];
      /** The job's assets without partitions: a window names none of their partitions, so the backfill leaves them out. */
      unpartitioned: string[];
    }
  | { found: false; job: string; reason: string };

interface AssetNode {
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
 * The partitioned assets of `job` (in `location` when one is configured), every one partitioned by day. Never throws a
 * DagsterError: a webserver that does not answer, a job it does not know, a job with no partitioned asset or one not
 * partitioned by day, or a Dagster whose launchPartitionBackfill takes no partitionsByAssets is an answer with the reason,
 * and the plan backfills through the CLI.
 */
export async function jobPartitionedAssets(client: DagsterClient, job: string, location?: string): Promise<JobAssets> {
  const fallback = (reason: string): JobAssets => ({ found: false, job, reason });
  let data: Json;
  try {
    data = await client.request(assetNodesQuery);
  } catch (error) {
    if (!(error instanceof DagsterError)) throw error;
    return fallback(`the webserver did not list the assets of job ${job}: ${error.message.trim()}`);
  }
  if (!Array.isArray(data.assetNodes)) return fallback('the webserver answered assetNodes without a list');
  const inputFields = isObject(data.backfillParams) && Array.isArray(data.backfillParams.inputFields) ? data.backfillParams.inputFields : [];
  if (!inputFields.some((field) => isObject(field) && field.name === 'partitionsByAssets')) {
    return fallback("this Dagster's launchPartitionBackfill takes no partitionsByAssets");
  }
  const nodes = data.assetNodes.map(toNode);
  if (nodes.some((node) => node === undefined)) return fallback('the webserver answered assetNodes with an asset the bot cannot read');
  const where = location ? ` in code location ${location}` : '';
  // An asset two code locations define is one asset to a backfill: each key once.
  const inJob = [
    ...new Map(
      (nodes as AssetNode[]).filter((node) => node.jobNames.includes(job) && (!location || node.location === location)).map((node) => [keyText(node.key), node]),
    ).values(),
  ];
  if (inJob.length === 0) return fallback(`the webserver knows no asset of job ${job}${where}`);
  const partitioned = inJob.filter((node) => node.isPartitioned);
  if (partitioned.length === 0) return fallback(`no asset of job ${job} is partitioned, so a window names nothing to backfill`);
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
    assetKeys: partitioned.sort(byKey).map((node) => node.key),
    partitioning: [...new Set(partitioned.map((node) => node.partitionDescription ?? ''))].filter(Boolean),
    unpartitioned: inJob.filter((node) => !node.isPartitioned).sort(byKey).map((node) => keyText(node.key)),
  };
}
