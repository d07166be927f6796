// Scenario 3 from the terminal, as the operator reads it when path A's or path N's clone fails: what changed (nothing
// in the database), whether a clone was left, and what to do next, as a failed swap already says.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestCheckout } from '../helpers/demo-checkout.js';
import { localTarget } from '../../src/database/local-target.js';
import { runCli } from '../../src/terminal/console.js';
import { MotherDuckStandIn } from '../helpers/motherduck-stand-in.js';
import { promptedHash, scriptedTerminal } from '../helpers/scripted-terminal.js';

const projectRoot = path.resolve(import.meta.dirname, '..', '..');
const temps: string[] = [];
const originalPath = process.env.PATH;
afterAll(() => {
  process.env.PATH = originalPath;
  temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
});

const at = (text: string) => new Date(`${text.replace(' ', 'T')}Z`);
const now = at('2026-04-21 09:00:00');
const marts = ['ebird.fct_daily_bird_observations', 'noaa.fct_daily_weather', 'usgs.fct_daily_streamflow', 'analytics.fct_species_environment_daily'];

/** A checkout for the commands, and "MotherDuck" with databox: 100 rows per mart, then a bad write that kept 30. */
async function setUp() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-md-words-'));
  temps.push(dir);
  const checkout = await buildTestCheckout(path.join(dir, 'checkout'));
  process.env.PATH = checkout.env.PATH;
  const md = new MotherDuckStandIn(path.join(dir, 'md'), { clock: () => now });
  const create = marts.map((t) => `CREATE SCHEMA IF NOT EXISTS ${t.split('.')[0]}; CREATE TABLE ${t} AS SELECT range AS id, DATE '2026-04-19' - CAST(range % 10 AS INTEGER) AS day_date FROM range(100);`).join(' ');
  await md.createDatabase('databox', create, at('2026-04-19 08:00:00'));
  await md.write('databox', marts.map((t) => `DELETE FROM ${t} WHERE id < 70;`).join(' '), at('2026-04-20 15:00:00'));
  const env = { ...checkout.env, USER: 'alice', DATABOX_RUNBOOKS_DIR: path.join(projectRoot, 'runbooks'), MOTHERDUCK_TOKEN: 'md-token' };
  const targets = { local: localTarget(checkout.databasePath), motherduck: md, backend: md };
  let ticks = 0;
  const clock = () => new Date(now.getTime() + 1000 * ticks++);
  const cli = async (argv: string[]) => {
    const terminal = scriptedTerminal(env, promptedHash);
    const code = await runCli(argv, terminal.io, { clock, targets });
    return { code, stdout: terminal.stdout(), stderr: terminal.stderr() };
  };
  return { md, cli };
}

describe('scenario 3 as the operator reads it', () => {
  it('path A whose clone MotherDuck refuses says nothing in the database changed, whether a clone was left, and what to do', async () => {
    const { md, cli } = await setUp();
    md.failWhen(/^CREATE DATABASE "?databox_restored/, 'Catalog Error: MotherDuck: quota exceeded for databases');
    const clone = await cli(['recover', 'motherduck', 'path=a', 'at=2026-04-20 12:00:00', '--approver', 'bob']);
    const id = /dbx-\d{8}-[0-9a-f]{4}/.exec(clone.stdout)?.[0] as string;
    expect(clone.stdout).toContain('✘ First stage of the recovery failed');
    const next = clone.stdout.slice(clone.stdout.indexOf('✘ First stage of the recovery failed'));
    expect(next).toContain(
      `→ Nothing in databox changed: the clone is a new database beside it, and nothing the stack reads was touched. ` +
        `MotherDuck refusing the clone (a quota, a plan's limit) leaves none; a connection lost as it ran may have left databox_restored_${id.replace(/-/g, '_')} made: ` +
        `path C drops it (\`npm run --silent cli -- recover motherduck path=c incident=${id}\`), and path A proposed again refuses to clone over it. ` +
        `Then free room in MotherDuck (drop databases nobody needs, or raise the plan's limit) and propose path A again, ` +
        `\`npm run --silent cli -- recover motherduck path=a at="2026-04-20 12:00:00" incident=${id}\`; ` +
        `or take path B, which makes no clone: it restores databox in place, after a named snapshot that makes it reversible, ` +
        `\`npm run --silent cli -- recover motherduck path=b at="2026-04-20 12:00:00" incident=${id}\``,
    );
    // Nothing was made, and the database the stack reads is as it was.
    expect(md.liveDatabases()).toEqual(['databox']);
    expect(await md.value('databox', 'SELECT count(*) FROM analytics.fct_species_environment_daily')).toBe('30');
  });

  it('path N whose clone MotherDuck refuses says the same, and that path N is the way to the named snapshot', async () => {
    const { md, cli } = await setUp();
    md.takeSnapshot(md.live('databox'), 'before_load', at('2026-04-20 12:00:00'));
    md.failWhen(/^CREATE DATABASE "?databox_restored/, 'Catalog Error: MotherDuck: quota exceeded for databases');
    const clone = await cli(['recover', 'motherduck', 'path=n', 'snapshot=before_load', '--approver', 'bob']);
    const id = /dbx-\d{8}-[0-9a-f]{4}/.exec(clone.stdout)?.[0] as string;
    expect(clone.stdout).toContain('✘ First stage of the recovery failed');
    const next = clone.stdout.slice(clone.stdout.indexOf('✘ First stage of the recovery failed'));
    expect(next).toContain(
      `→ Nothing in databox changed: the clone is a new database beside it, and nothing the stack reads was touched. ` +
        `MotherDuck refusing the clone (a quota, a plan's limit) leaves none; a connection lost as it ran may have left databox_restored_${id.replace(/-/g, '_')} made: ` +
        `path C drops it (\`npm run --silent cli -- recover motherduck path=c incident=${id}\`), and path N proposed again refuses to clone over it. ` +
        `Then free room in MotherDuck (drop databases nobody needs, or raise the plan's limit) and propose path N again, ` +
        `\`npm run --silent cli -- recover motherduck path=n snapshot="before_load" incident=${id}\`: ` +
        `it is the only path that reaches the state the named snapshot holds`,
    );
    expect(md.liveDatabases()).toEqual(['databox']);
  });
});
