// Tests loadDotEnv (src/env-file.ts): a value .env would read as a comment stops the start, naming the file, the line and the variable; valid files load as Node reads them.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.js';
import { loadDotEnv } from '../../src/env-file.js';
import { useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('databox-env-file-');
/** The names these files set: this file shares its process with others, so none is left behind. */
const prefix = 'DATABOX_ENV_FILE_TEST_';

afterEach(() => {
  for (const name of Object.keys(process.env)) if (name.startsWith(prefix)) delete process.env[name];
});

function envFileIn(text: string): string {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, '.env'), text);
  return dir;
}

function refusalOf(text: string): string {
  const dir = envFileIn(text);
  try {
    loadDotEnv(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`loaded ${JSON.stringify(text)}`);
}

describe('a .env value that starts with #', () => {
  it('stops the start for the alert channel, naming the file, the line and the variable, and that the channel is given by its ID', () => {
    // The tester's line: Node's reader took "#incidents" for a comment, the bot started, and alerts went nowhere.
    const dir = envFileIn(`${prefix}A=1\n\nDATABOX_ALERT_CHANNEL=#incidents\n`);
    expect(() => loadDotEnv(dir)).toThrow(
      new ConfigError(
        `invalid configuration: ${path.join(dir, '.env')} line 3: the value of DATABOX_ALERT_CHANNEL starts with #, which a .env file reads as the start of a comment, so DATABOX_ALERT_CHANNEL would be empty: give the channel's ID (such as C012ABCDEF, at the bottom of the channel's details), not its name`,
      ),
    );
    expect(process.env[`${prefix}A`], 'nothing of the file is set').toBeUndefined();
  });

  // The value (#Hidden7Value) is one no temporary folder's random name can hold: the check is that it is not shown.
  it.each([
    [`export ${prefix}B=#Hidden7Value`, 1],
    [`${prefix}A=1\r\n${prefix}B=#Hidden7Value\r\n`, 2],
    [`${prefix}B =#Hidden7Value`, 1],
    [`${prefix}B=#`, 1],
    [`${prefix}B= #Hidden7Value`, 1],
    [`${prefix}B=  #Hidden7Value # note`, 1],
    [`${prefix}A="one line"\n${prefix}B=#Hidden7Value`, 2],
  ])('stops the start for any variable (%j), saying to quote the value, without showing it', (text, line) => {
    const said = refusalOf(text);
    expect(said).toContain(`.env line ${line}: the value of ${prefix}B starts with #,`);
    expect(said).toMatch(new RegExp(`: quote the value \\(${prefix}B="#…"\\) if the # is part of it$`));
    expect(said).not.toContain('Hidden7Value');
  });

  it.each([
    ['quoted', `${prefix}B="#incidents"\n${prefix}C='#x'`, { B: '#incidents', C: '#x' }],
    ['a comment after a space', `${prefix}B=value # a comment\n${prefix}C= # empty, said so\n# ${prefix}D=#commented out`, { B: 'value', C: '' }],
    ['a comment after a space, the value left empty', `${prefix}B= # note\n${prefix}C=  ## note`, { B: '', C: '' }],
    ['a # further on', `${prefix}B=C012#x`, { B: 'C012' }],
    ['inside a quoted value of several lines', `${prefix}B="first\n${prefix}C=#not a line of its own\nlast"\n${prefix}D=ok`, { B: `first\n${prefix}C=#not a line of its own\nlast`, D: 'ok' }],
    ['set again further on, which wins', `${prefix}B=#incidents\n${prefix}B=C012ABCDEF`, { B: 'C012ABCDEF' }],
  ])('loads a valid file as Node reads it: %s', (_name, text, values) => {
    expect(loadDotEnv(envFileIn(text))).toMatch(/\.env$/);
    const set = Object.fromEntries(Object.entries(process.env).flatMap(([name, value]) => (name.startsWith(prefix) ? [[name.slice(prefix.length), value]] : [])));
    expect(set).toEqual(values);
  });

  it('reads no file where there is none', () => {
    expect(loadDotEnv(tempDir())).toBeUndefined();
  });
});

describe('how the file is read', () => {
  it('reads the first variable of a file saved with a byte-order mark under its own name', () => {
    // The tester's file, saved "UTF-8 with BOM": the first name was read as "\uFEFFDATABOX_APPROVERS", and anyone could approve.
    expect(loadDotEnv(envFileIn(`\uFEFF${prefix}A=U0CAROL\n${prefix}B=2\n`))).toMatch(/\.env$/);
    expect(process.env[`${prefix}A`]).toBe('U0CAROL');
    expect(process.env[`\uFEFF${prefix}A`]).toBeUndefined();
    expect(process.env[`${prefix}B`]).toBe('2');
  });

  it('leaves variables already set in the environment as they are', () => {
    process.env[`${prefix}A`] = 'from the environment';
    loadDotEnv(envFileIn(`\uFEFF${prefix}A=from the file\n${prefix}B=2`));
    expect(process.env[`${prefix}A`]).toBe('from the environment');
    expect(process.env[`${prefix}B`]).toBe('2');
  });

  it('stops the start when .env is a folder, naming it', () => {
    // What a Docker bind mount of a .env missing on the host makes: "EISDIR: illegal operation on a directory, read".
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, '.env'));
    expect(() => loadDotEnv(dir)).toThrow(
      new ConfigError(
        `invalid configuration: ${path.join(dir, '.env')} is a folder, not a file of settings (Docker makes one where it bind-mounts a file missing on the host): remove it and put the .env file there, or mount the file that exists`,
      ),
    );
  });
});
