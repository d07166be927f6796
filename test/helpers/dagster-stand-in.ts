// A loopback HTTP server playing the Dagster webserver's /graphql with recorded answers, for a bot or CLI in another process.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { graphqlFixture, runsAnswer, type RecordedRun } from './dagster-fixtures.js';

export class DagsterStandIn {
  private server?: http.Server;
  /** Operation name (DataboxDaemonHealth …) → fixture name; change it to change what Dagster says. */
  answers: Record<string, string> = {};
  /**
   * Fields an older Dagster's schema lacks: a query naming one is refused as its webserver refuses it, with a GraphQL
   * validation error (`Cannot query field "title" on type "PartitionBackfill".`), whatever fixture its operation has.
   */
  lacksFields: { field: string; type: string }[] = [];
  /** The runs runsOrError lists (DataboxQueuedRuns, DataboxRunsStartedLately), filtered as Dagster filters them; none by default. */
  runs: RecordedRun[] = [];
  /** Every request's operation name and variables, in order. */
  readonly requests: { operation: string; variables: Record<string, unknown> }[] = [];
  url = '';

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const parsed = JSON.parse(body || '{}') as { query?: string; variables?: Record<string, unknown> };
        const operation = /(?:query|mutation) (\w+)/.exec(parsed.query ?? '')?.[1] ?? '';
        this.requests.push({ operation, variables: parsed.variables ?? {} });
        const lacking = this.lacksFields.find(({ field }) => new RegExp(`\\b${field}\\b`).test(parsed.query ?? ''));
        if (lacking) {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ errors: [{ message: `Cannot query field "${lacking.field}" on type "${lacking.type}".` }] }));
          return;
        }
        const graphql = req.url === '/graphql' && req.method === 'POST';
        const fixture = graphql ? this.answers[operation] : undefined;
        // The queued runs are answered from `runs` unless a fixture is named for them.
        const runs = graphql && !fixture && (operation === 'DataboxQueuedRuns' || operation === 'DataboxRunsStartedLately') ? runsAnswer(this.runs)({ query: parsed.query ?? '', variables: parsed.variables ?? {} }) : undefined;
        res.writeHead(fixture || runs ? 200 : 400, { 'content-type': 'application/json' });
        res.end(JSON.stringify(fixture ? graphqlFixture(fixture) : (runs ?? { errors: [{ message: `no answer for ${operation}` }] })));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
