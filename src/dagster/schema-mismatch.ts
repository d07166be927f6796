// Tells a GraphQL validation error about the schema (a field or argument this Dagster does not have) from other failures.

/**
 * What the webserver's schema lacks, from its validation error ("Cannot query field "ticks" on type "ScheduleState".",
 * "Unknown argument "statuses" on field "InstigationState.ticks"."): `field "ticks" on type "ScheduleState"`; undefined
 * for any other message. The webserver answered: its Dagster version does not fit the bot's query.
 */
export function schemaMismatch(message: string): string | undefined {
  const field = /Cannot query field "([^"]+)" on type "([^"]+)"/.exec(message);
  if (field) return `field "${field[1]}" on type "${field[2]}"`;
  const argument = /Unknown argument "([^"]+)" on field "([^"]+)"/.exec(message);
  if (argument) return `argument "${argument[1]}" on field "${argument[2]}"`;
  const type = /Unknown type "([^"]+)"/.exec(message);
  return type ? `type "${type[1]}"` : undefined;
}
