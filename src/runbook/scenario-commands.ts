// Each scenario's diagnose, recover and validate commands with their parameters: what help lists, in Slack and at the terminal.
import { describeParameter } from './params.js';
import type { Runbook } from './schema.js';

export interface ScenarioCommands {
  /** "diagnose backfill source=ebird|noaa|usgs [from=YYYY-MM-DD to=YYYY-MM-DD]" */
  diagnose: string;
  /**
   * One per recovery path: "recover backfill path=a source=… from=YYYY-MM-DD to=YYYY-MM-DD [incident=<id>]", its title,
   * and what it needs unless incident= gives it ("needs source=, from= and to= unless incident=<id> gives them").
   */
  recover: { command: string; title: string; needs?: string }[];
  /** "validate backfill source=… from=YYYY-MM-DD to=YYYY-MM-DD [incident=<id>]", and what it needs as recover says it. */
  validate: { command: string; needs?: string };
}

/**
 * The parameters `names` as a command takes them: those it cannot go without bare, the others in brackets, and each
 * window's from= and to= as one pair (they are given together, or neither).
 */
function parameterWords(rb: Runbook, names: readonly string[], needed: readonly string[]): string {
  const words: string[] = [];
  for (const name of names) {
    const declared = rb.parameters[name];
    if (!declared) {
      words.push(name);
      continue;
    }
    const window = rb.windows.find((w) => w.from === name && names.includes(w.to));
    if (rb.windows.some((w) => w.to === name && names.includes(w.from))) continue;
    const required = declared.required || needed.includes(name);
    const shown = (n: string) => describeParameter(n, { ...(rb.parameters[n] ?? declared), required: true });
    if (window) {
      const pair = `${shown(window.from)} ${shown(window.to)}`;
      words.push(required || needed.includes(window.to) ? pair : `[${pair}]`);
    } else words.push(required ? shown(name) : describeParameter(name, { ...declared, required: false }));
  }
  return words.map((w) => ` ${w}`).join('');
}

/**
 * "needs source=, from= and to= unless incident=<id> gives them": of what a command cannot go without, what an incident
 * can give it (`givable`: a verdict's suggestion; for a validation, what a recovery or the diagnosis was given too).
 */
function neededUnlessIncident(rb: Runbook, names: readonly string[], needed: readonly string[], givable: ReadonlySet<string>): string | undefined {
  const must = names.filter((name) => (rb.parameters[name]?.required || needed.includes(name)) && givable.has(name)).map((name) => `${name}=`);
  if (must.length === 0) return undefined;
  const listed = must.length === 1 ? must[0] : `${must.slice(0, -1).join(', ')} and ${must.at(-1)}`;
  return `needs ${listed} unless incident=<id> gives ${must.length === 1 ? 'it' : 'them'}`;
}

export function scenarioCommands(rb: Runbook): ScenarioCommands {
  const { validation } = rb;
  const suggested = new Set(rb.diagnosis.verdicts.flatMap((v) => Object.keys(v.suggest)));
  const takenByValidation = new Set([...suggested, ...rb.diagnosis.parameters, ...rb.recovery.flatMap((p) => p.parameters)]);
  return {
    diagnose: `diagnose ${rb.id}${parameterWords(rb, rb.diagnosis.parameters, [])}`,
    recover: rb.recovery.map((p) => ({
      // A path that works on what an earlier step of an incident left cannot go without one.
      command: `recover ${rb.id} path=${p.id}${parameterWords(rb, p.parameters, p.requires ?? [])} ${p.needsIncident ? 'incident=<id>' : '[incident=<id>]'}`,
      title: p.title,
      needs: neededUnlessIncident(rb, p.parameters, p.requires ?? [], suggested),
    })),
    validate: {
      command: `validate ${rb.id}${parameterWords(rb, validation.parameters, validation.requires)} [incident=<id>]`,
      needs: neededUnlessIncident(rb, validation.parameters, validation.requires, takenByValidation),
    },
  };
}
