// One click on Path B (the verdict's button, then the modal) opens the backup file once: no check is done twice.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHealthyDatabase, type Checkout, writeGarbage } from '../helpers/databox-checkout.js';
import { startBot, type Harness } from '../helpers/bot-harness.js';
import { SlackStandIn } from '../helpers/slack-stand-in.js';
import { closeStandIns, openStandIns } from '../helpers/stand-ins.js';
import { blockNetwork } from '../helpers/no-network.js';

/** Every DuckDB file the bot opened, in order: the real openDatabase and the reader thread's probes, counted. */
const opened = vi.hoisted(() => [] as string[]);
vi.mock('../../src/duckdb/open.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/duckdb/open.js')>();
  return {
    ...real,
    openDatabase: (location: string, writable: boolean) => {
      opened.push(location);
      return real.openDatabase(location, writable);
    },
  };
});

vi.mock('../../src/duckdb/off-thread.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/duckdb/off-thread.js')>();
  return {
    ...real,
    probeOpenOffThread: (file: string) => {
      opened.push(file);
      return real.probeOpenOffThread(file);
    },
    scanTablesOffThread: (file: string, options: Parameters<typeof real.scanTablesOffThread>[1]) => {
      opened.push(file);
      return real.scanTablesOffThread(file, options);
    },
  };
});

const operator = 'U0OPERATOR';
let slack: SlackStandIn;
let checkout: Checkout;
let harness: Harness;

blockNetwork();
beforeEach(async () => {
  ({ slack, checkout } = await openStandIns());
});
afterEach(() => closeStandIns(harness, slack, checkout));

describe('Path B from the verdict\'s button', () => {
  it('opens the backup once, and the database once, to propose the plan', async () => {
    writeGarbage(checkout.databasePath);
    const backup = checkout.path('good.duckdb');
    await createHealthyDatabase(backup, 1_000);
    // The database watcher opens the file on its own clock; its opens are not the proposal's.
    harness = await startBot(checkout, slack, { DATABOX_WATCH_DATABASE: 'false' });
    await harness.command('diagnose duckdb', operator);
    await harness.settle();
    await harness.click(slack.buttons('choose_path_b')[0]!, operator);
    await harness.settle();
    const view = slack.lastForm();

    opened.length = 0;
    expect((await harness.submitModal(operator, view, { backup })).status).toBe(200);
    await harness.settle();

    expect(slack.buttons('approve_plan')).toHaveLength(1);
    expect(opened.filter((file) => file === backup)).toEqual([backup]);
    // The database itself is opened once too, by the guard that checks nobody holds it.
    expect(opened.filter((file) => file === checkout.databasePath)).toEqual([checkout.databasePath]);
  });
});
