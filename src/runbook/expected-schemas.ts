// A duckdb-scan or duckdb-open step's expectSchemas against the schemas of the sources' raw_table: across files, they must agree.
import { closestName } from './did-you-mean.js';
import { placeOf, stepsAt } from './every-step.js';
import type { Runbook } from './schema.js';

/** A place of a runbook as a refusal names it in another file's line: "backfill.yml:52". */
export type PlaceName = (runbook: string, at: string) => string;

interface SourcePlace {
  runbook: string;
  /** parameters.source.values.usgs.raw_table */
  at: string;
  source: string;
  table: string;
}

interface ExpectPlace {
  runbook: string;
  /** diagnosis.steps[2].expectSchemas[1] */
  at: string;
  /** The list it is in: diagnosis.steps[2].expectSchemas. */
  list: string;
  kind: string;
  schema: string;
}

// What a wrong name would do: a scan calls a source's raw data missing; an open check takes a good file for another project's.
const consequence: Record<string, string> = {
  'duckdb-scan': "a scan would call that source's raw data missing from a healthy file",
  'duckdb-open': "a file of the stack's with no table in the other schemas named would be refused as another project's",
};

/** The stack's raw schemas as the runbooks' sources name them (an enum value's raw_table, schema.table), in file order. */
function sourcePlaces(all: ReadonlyMap<string, Runbook>): SourcePlace[] {
  return [...all.values()].flatMap((rb) =>
    Object.entries(rb.parameters).flatMap(([name, parameter]) =>
      parameter.type !== 'enum'
        ? []
        : Object.entries(parameter.values).flatMap(([source, attributes]) => {
            const table = attributes.raw_table;
            return typeof table === 'string' && table.includes('.') ? [{ runbook: rb.id, at: `parameters.${name}.values.${source}.raw_table`, source, table }] : [];
          }),
    ),
  );
}

function expectPlaces(all: ReadonlyMap<string, Runbook>): ExpectPlace[] {
  return [...all.values()].flatMap((rb) =>
    stepsAt(rb).flatMap(([at, step]) => {
      const schemas = consequence[step.kind] ? ((step as { expectSchemas?: readonly string[] }).expectSchemas ?? []) : [];
      return schemas.map((schema, k) => ({ runbook: rb.id, at: `${placeOf(at)}.expectSchemas[${k}]`, list: `${placeOf(at)}.expectSchemas`, kind: step.kind, schema }));
    }),
  );
}

/** A source's schema as written in its raw_table. */
const writtenSchemaOf = (source: SourcePlace) => source.table.split('.')[0] as string;
// DuckDB resolves schema names without regard to case (quoted or not: the runbooks' names are plain, quoted when
// rendered), so "Raw_USGS" is the raw_usgs every query reads: places are compared, and told apart, by this key.
const nameKey = (schema: string) => schema.toLowerCase();
const schemaOf = (source: SourcePlace) => nameKey(writtenSchemaOf(source));

/**
 * The problems of `rb` ("path: message"). A schema named in expectSchemas must be a source's; with no runbook in the
 * folder naming any source, nothing could be checked, so that is refused too. A name close to a source's schema is
 * called a typo of it only where more places spell it the source's way: where as many or more places (the four lists
 * of duckdb.yml against one raw_table in backfill.yml) spell it otherwise, which is right cannot be told from the
 * files, so the problem names every place, at the source's raw_table, and picks none.
 * refused: the runbooks whose files did not load (their own problems are named); they may hold the sources.
 */
export function expectedSchemaProblems(rb: Runbook, all: ReadonlyMap<string, Runbook>, refused: ReadonlySet<string>, placeName: PlaceName): string[] {
  const sources = sourcePlaces(all);
  const expects = expectPlaces(all);
  const own = expects.filter((place) => place.runbook === rb.id);
  if (sources.length === 0) {
    if (own.length === 0 || refused.size > 0) return [];
    const [first, ...others] = [...new Set(own.map((place) => place.list))];
    const also = others.length > 0 ? ` (expectSchemas also at ${others.join(', ')})` : '';
    return [
      `${first}: no runbook in this folder names a source's raw_table (backfill.yml does, in its source parameter), so these schemas cannot be checked (one mistyped: ${consequence[(own[0] as ExpectPlace).kind]}): put backfill.yml in this folder too${also}`,
    ];
  }
  const sourceSchemas = [...new Set(sources.map(schemaOf))];
  const expectsOf = (schema: string) => expects.filter((place) => nameKey(place.schema) === schema);
  /** Each source schema that the expectSchemas spell otherwise in as many places or more, with those spellings. */
  const disputed = new Map<string, string[]>();
  /** Each schema no source has, with the source schema it is a typo of when the places say so. */
  const typoOf = new Map<string, string | undefined>();
  for (const schema of new Set(expects.map((place) => nameKey(place.schema)))) {
    if (sourceSchemas.includes(schema)) continue;
    const near = closestName(schema, sourceSchemas);
    const nearPlaces = near === undefined ? 0 : sources.filter((source) => schemaOf(source) === near).length + expectsOf(near).length;
    if (near !== undefined && nearPlaces <= expectsOf(schema).length) disputed.set(near, [...(disputed.get(near) ?? []), schema]);
    else typoOf.set(schema, near);
  }
  const where = [...new Set(sources.map((source) => `${source.runbook}.yml`))].join(', ');
  const problems = own.flatMap((place) => {
    if (!typoOf.has(nameKey(place.schema))) return [];
    const near = typoOf.get(nameKey(place.schema));
    return [`${place.at}: "${place.schema}" is the schema of no source's raw_table in ${where} (${sourceSchemas.join(', ')})${near === undefined ? '' : ` (did you mean "${near}"?)`}: ${consequence[place.kind]}`];
  });
  // In file and line order, as they are read in an editor: duckdb.yml:48, duckdb.yml:430.
  const named = (places: readonly { runbook: string; at: string }[]) =>
    places
      .map((place) => placeName(place.runbook, place.at))
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
      .join(', ');
  for (const [schema, spellings] of disputed) {
    const [source, ...sameSources] = sources.filter((s) => schemaOf(s) === schema) as [SourcePlace, ...SourcePlace[]];
    if (source.runbook !== rb.id) continue;
    const agreeing = [...sameSources, ...expectsOf(schema)];
    const same = agreeing.length > 0 ? ` (so do ${named(agreeing)})` : '';
    const others = spellings.map((spelling) => `at ${named(expectsOf(spelling))} name "${(expectsOf(spelling)[0] as ExpectPlace).schema}"`).join(', and ');
    const which = spellings.length > 1 ? 'These places disagree' : 'One of the two is mistyped';
    problems.push(
      `${source.at}: "${source.table}" puts source ${source.source} in schema "${writtenSchemaOf(source)}"${same}, but the expectSchemas ${others}, which no source's raw_table has. ${which}, and the files cannot tell which is right: a wrong expectSchemas has a scan call that source's raw data missing from a healthy file, a wrong raw_table has ${source.runbook}.yml read a table that is not there. Make them the same, as the database names that schema`,
    );
  }
  return problems;
}
