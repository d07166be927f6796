// What was typed where an incident id goes, when it is nearly one: a plan's run id, or an id in capitals; said with the id to type.
const incidentId = /^dbx-\d{8}-[0-9a-f]{4}$/;
const runId = /^(dbx-\d{8}-[0-9a-f]{4})\/\d+$/;

/**
 * Why `typed` (`shown` as the refusal names it) is not the incident id it nearly is, ending with `fix` of that id (what
 * to type, as the hint for a quoted id ends); undefined when it is not near one.
 */
export function nearIncidentIdSaid(typed: string, shown: string, fix: (id: string) => string): string | undefined {
  const lower = typed.toLowerCase();
  const capitals = lower !== typed ? ' in capitals' : '';
  const ofRun = runId.exec(lower)?.[1];
  if (ofRun) return `${shown} is a plan's run id${capitals}, not an incident id: give its incident's, ${fix(ofRun)}`;
  if (capitals && incidentId.test(lower)) return `${shown} is in capitals: incident ids are lower case, ${fix(lower)}`;
  return undefined;
}
