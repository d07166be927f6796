// Tests dltSecretValues (src/dlt-secrets.ts) and loadConfig: the values of dlt's secrets.toml files and *_KEY variables are secrets.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { dltSecretValues } from '../../src/dlt-secrets.js';
import { createRedactor } from '../../src/redact.js';
import { useTempDirs } from '../support/fixtures.js';

const tempDir = useTempDirs('databox-dlt-');

function checkout(): string {
  const root = tempDir();
  fs.mkdirSync(path.join(root, '.dlt'));
  fs.writeFileSync(
    path.join(root, '.dlt', 'secrets.toml'),
    ['[sources.ebird]', 'api_key = "ebird-key-0042"', '[destination.duckdb.credentials]', 'database = "data/databox.duckdb"', 'password = "pw\\"quoted"'].join('\n'),
  );
  fs.mkdirSync(path.join(root, 'pipelines', 'noaa', '.dlt'), { recursive: true });
  fs.writeFileSync(path.join(root, 'pipelines', 'noaa', '.dlt', 'secrets.toml'), "[sources.noaa]\naccess_token = 'noaa-token-77'\n");
  return root;
}

describe("dlt's secrets.toml", () => {
  it('finds the secret-named values at the root and in pipeline folders, not the harmless ones', () => {
    expect(dltSecretValues(checkout()).sort()).toEqual(['ebird-key-0042', 'noaa-token-77', 'pw"quoted'].sort());
  });

  it('makes them (and *_KEY variables) secrets of the configuration, redacted wherever they appear', () => {
    const config = loadConfig({ DATABOX_ROOT: checkout(), DATABOX_STATE_DIR: path.join(tempDir(), 'var'), STRIPE_KEY: 'sk_live_0099887766' });
    const redact = createRedactor(config.secrets);
    expect(redact('loading with ebird-key-0042 and noaa-token-77 and sk_live_0099887766')).toBe('loading with [REDACTED] and [REDACTED] and [REDACTED]');
  });
});
