// Runs asset checks through the webserver as the UI's "Execute all" button does (launchRun, nothing materialized) and reads each one's result.
import { DagsterError, unionError, type DagsterClient, type RepositoryRef } from './graphql-client.js';

/**
 * Every asset node with its checks (`AssetNode.assetChecksOrError`, `AssetCheck.canExecuteIndividually`: schema.graphql
 * in dagster-ui), and whether this Dagster's AssetCheckEvaluation has a `description` (older ones have none, and a query
 * naming it would be refused whole).
 */
const assetChecksQuery = `query DataboxAssetChecks {
  assetNodes {
    assetKey { path }
    jobNames
    repository { name location { name } }
    assetChecksOrError {
      __typename
      ... on AssetChecks { checks { name canExecuteIndividually } }
      ... on Error { message }
    }
  }
  evaluationFields: __type(name: "AssetCheckEvaluation") { fields { name } }
}`;

/** What ExecuteChecksButton.tsx sends: the asset job, assetSelection [] (no asset, dagster-io/dagster#16460), the checks. */
const launchMutation = `mutation DataboxLaunchChecks($executionParams: ExecutionParams!) {
  launchRun(executionParams: $executionParams) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on Error { message }
  }
}`;

const runStatusQuery = `query DataboxRunStatus($runId: ID!) {
  runOrError(runId: $runId) {
    __typename
    ... on Run { status }
    ... on Error { message }
  }
}`;

export interface AssetCheckRef {
  assetKey: string[];
  name: string;
}

export const checkLabel = (check: AssetCheckRef): string => `${check.assetKey.join('/')}: ${check.name}`;

/** The checks to run, in one run of one job, or why they cannot be. */
export type FoundChecks =
  | {
      found: true;
      repository: RepositoryRef;
      job: string;
      checks: AssetCheckRef[];
      /** Named models no asset check covers (an asset without one, or no asset of that name). */
      unchecked: string[];
      /** Checks Dagster runs only with their asset's materialization: left out, named. */
      needMaterialization: AssetCheckRef[];
      evaluationHasDescription: boolean;
    }
  | { found: false; reason: string };

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

interface CheckedNode {
  key: string[];
  jobNames: string[];
  repository: RepositoryRef;
  checks: { name: string; canExecuteIndividually: string }[];
}

/** The node's checks, or none when its answer is an error (checks needing a storage migration, say): those are not runnable. */
function toNode(value: unknown): CheckedNode | undefined {
  if (!isObject(value) || !isObject(value.assetKey) || !Array.isArray(value.assetKey.path) || !isObject(value.repository)) return undefined;
  const answer = isObject(value.assetChecksOrError) ? value.assetChecksOrError : {};
  const checks = Array.isArray(answer.checks) ? answer.checks.filter(isObject) : [];
  return {
    key: value.assetKey.path.map(String),
    jobNames: Array.isArray(value.jobNames) ? value.jobNames.map(String) : [],
    repository: { repositoryName: String(value.repository.name), repositoryLocationName: String((value.repository.location as Json | undefined)?.name ?? '') },
    checks: checks.map((check) => ({ name: String(check.name), canExecuteIndividually: String(check.canExecuteIndividually) })),
  };
}

/** A model "ebird.fct_daily_bird_observations" is the asset whose key ends in ebird/fct_daily_bird_observations (databox: sqlmesh/ebird/…). */
function isModel(key: readonly string[], model: string): boolean {
  const parts = model.split('.');
  return parts.length <= key.length && parts.every((part, i) => key[key.length - parts.length + i] === part);
}

/** The implicit asset job every asset is in (__ASSET_JOB) when all the assets share it; else any job they share. */
function sharedJob(nodes: readonly CheckedNode[]): string | undefined {
  const shared = (nodes[0]?.jobNames ?? []).filter((job) => nodes.every((node) => node.jobNames.includes(job)));
  return shared.find((job) => job.startsWith('__ASSET_JOB')) ?? shared[0];
}

/**
 * The checks of the assets of `models` (in `location` when one is configured). A webserver that does not answer throws
 * its DagsterError; an answer with nothing to run, or checks no single run can hold, is `found: false` with the reason.
 */
export async function findAssetChecks(client: DagsterClient, models: readonly string[], location?: string): Promise<FoundChecks> {
  const data = await client.request(assetChecksQuery);
  if (!Array.isArray(data.assetNodes)) throw new DagsterError('bad-answer', 'the webserver answered assetNodes without a list', JSON.stringify(data).slice(0, 4000));
  const fields = isObject(data.evaluationFields) && Array.isArray(data.evaluationFields.fields) ? data.evaluationFields.fields : [];
  const nodes = data.assetNodes.map(toNode).filter((node): node is CheckedNode => node !== undefined && (!location || node.repository.repositoryLocationName === location));
  const named = nodes.filter((node) => models.some((model) => isModel(node.key, model)) && node.checks.length > 0);
  const unchecked = models.filter((model) => !named.some((node) => isModel(node.key, model)));
  const where = location ? ` in code location ${location}` : '';
  if (named.length === 0) return { found: false, reason: `the webserver lists no asset check on ${models.join(', ')}${where}` };
  const refs = (node: CheckedNode, runnable: boolean) =>
    node.checks.filter((check) => (check.canExecuteIndividually === 'CAN_EXECUTE') === runnable).map((check) => ({ assetKey: node.key, name: check.name }));
  const runnable = named.filter((node) => refs(node, true).length > 0);
  const needMaterialization = named.flatMap((node) => refs(node, false));
  if (runnable.length === 0) {
    return { found: false, reason: `every asset check on ${models.join(', ')} runs only when its asset is materialized (${needMaterialization.map(checkLabel).join(', ')})` };
  }
  const repositories = [...new Set(runnable.map((node) => `${node.repository.repositoryName}@${node.repository.repositoryLocationName}`))];
  if (repositories.length > 1) return { found: false, reason: `the checks are in ${repositories.join(' and ')}: one run holds one repository's; set DAGSTER_LOCATION` };
  const job = sharedJob(runnable);
  if (!job) return { found: false, reason: `no one job holds all of ${runnable.map((node) => node.key.join('/')).join(', ')}, so no one run can check them` };
  return {
    found: true,
    repository: (runnable[0] as CheckedNode).repository,
    job,
    checks: runnable.flatMap((node) => refs(node, true)),
    unchecked,
    needMaterialization,
    evaluationHasDescription: fields.some((field) => isObject(field) && field.name === 'description'),
  };
}

/** Launches one run of `job` executing only `checks`; resolves to its run id, or throws a DagsterError saying why not. */
export async function launchCheckRun(client: DagsterClient, found: Extract<FoundChecks, { found: true }>, tags: { key: string; value: string }[]): Promise<string> {
  const executionParams = {
    mode: 'default',
    runConfigData: '{}',
    executionMetadata: { tags },
    selector: {
      ...found.repository,
      jobName: found.job,
      assetSelection: [],
      assetCheckSelection: found.checks.map((check) => ({ assetKey: { path: check.assetKey }, name: check.name })),
    },
  };
  const data = await client.request(launchMutation, { executionParams });
  const answer = data.launchRun;
  if (!isObject(answer)) throw new DagsterError('bad-answer', 'the launch answer is empty', JSON.stringify(data).slice(0, 4000));
  const failure = unionError(answer, 'the run of the checks', 'launching');
  if (failure) throw failure;
  const runId = isObject(answer.run) ? answer.run.runId : undefined;
  if (typeof runId !== 'string') throw new DagsterError('bad-answer', 'the launch answer carries no run id', JSON.stringify(answer));
  return runId;
}

/** RunStatus (schema.graphql): a run in one of these has ended. */
export const endedRunStatuses = ['SUCCESS', 'FAILURE', 'CANCELED'] as const;

/** The run's status (QUEUED, STARTED, SUCCESS …), or throws a DagsterError. */
export async function runStatus(client: DagsterClient, runId: string): Promise<string> {
  const data = await client.request(runStatusQuery, { runId });
  const answer = data.runOrError;
  if (!isObject(answer)) throw new DagsterError('bad-answer', 'the run answer is empty', JSON.stringify(data).slice(0, 4000));
  const failure = unionError(answer, `run ${runId}`);
  if (failure) throw answer.__typename === 'RunNotFoundError' ? new DagsterError('not-found', failure.message, failure.raw) : failure;
  if (typeof answer.status !== 'string') throw new DagsterError('bad-answer', `the answer about run ${runId} carries no status`, JSON.stringify(answer));
  return answer.status;
}

export interface CheckOutcome {
  check: AssetCheckRef;
  /** AssetCheckExecutionResolvedStatus in this run (SUCCEEDED, FAILED, EXECUTION_FAILED, SKIPPED, IN_PROGRESS), or NONE. */
  status: string;
  severity?: string;
  /** What the check said (its description, else its metadata), when it said anything. */
  message?: string;
}

/** How far back each check's executions are read to find this run's: the newest first. */
const executionsRead = 10;

function metadataText(entries: unknown): string | undefined {
  if (!Array.isArray(entries)) return undefined;
  const said = entries
    .filter(isObject)
    .map((entry) => {
      const value = entry.text ?? entry.intValue ?? entry.floatValue ?? entry.boolValue;
      return value === undefined || value === null ? undefined : `${String(entry.label)}=${String(value)}`;
    })
    .filter(Boolean);
  return said.length > 0 ? said.join(', ') : undefined;
}

/** Each check's execution in run `runId` (`Query.assetCheckExecutions`, newest first), with its severity and message. */
export async function checkOutcomes(client: DagsterClient, found: Extract<FoundChecks, { found: true }>, runId: string): Promise<CheckOutcome[]> {
  const description = found.evaluationHasDescription ? ' description' : '';
  const metadata = 'metadataEntries { label ... on TextMetadataEntry { text } ... on IntMetadataEntry { intValue } ... on FloatMetadataEntry { floatValue } ... on BoolMetadataEntry { boolValue } }';
  const variables: Json = {};
  const fields = found.checks.map((check, i) => {
    variables[`key${i}`] = { path: check.assetKey };
    variables[`name${i}`] = check.name;
    return `check${i}: assetCheckExecutions(assetKey: $key${i}, checkName: $name${i}, limit: ${executionsRead}) { runId status evaluation { success severity${description} ${metadata} } }`;
  });
  const declared = found.checks.map((_, i) => `$key${i}: AssetKeyInput!, $name${i}: String!`).join(', ');
  const data = await client.request(`query DataboxCheckExecutions(${declared}) {\n  ${fields.join('\n  ')}\n}`, variables);
  return found.checks.map((check, i): CheckOutcome => {
    const executions = data[`check${i}`];
    if (!Array.isArray(executions)) throw new DagsterError('bad-answer', `the executions of ${checkLabel(check)} are not a list`, JSON.stringify(data).slice(0, 4000));
    const ours = executions.filter(isObject).find((execution) => execution.runId === runId);
    if (!ours) return { check, status: 'NONE' };
    const evaluation = isObject(ours.evaluation) ? ours.evaluation : undefined;
    const message = typeof evaluation?.description === 'string' && evaluation.description.trim() ? evaluation.description.trim() : metadataText(evaluation?.metadataEntries);
    return { check, status: String(ours.status), severity: typeof evaluation?.severity === 'string' ? evaluation.severity : undefined, message };
  });
}
