// Whether a command step only restates SQLMesh models (`sqlmesh plan … --restate-model …`, through `uv run` or `uvx` too): it writes the marts, never raw rows.
import path from 'node:path';

/** Whether `argv` runs `sqlmesh plan` with --restate-model: SQLMesh rewrites the models it names (the marts) and nothing else. */
export function restatesMarts(argv: readonly string[]): boolean {
  // uvx sqlmesh@0.130.0 runs sqlmesh; uv run sqlmesh, env … sqlmesh too: the program is found wherever it stands.
  const at = argv.findIndex((word) => path.posix.basename(word).replace(/@[^/]*$/, '') === 'sqlmesh');
  if (at === -1) return false;
  const rest = argv.slice(at + 1);
  return rest.find((word) => !word.startsWith('-')) === 'plan' && rest.some((word) => word === '--restate-model' || word.startsWith('--restate-model='));
}
