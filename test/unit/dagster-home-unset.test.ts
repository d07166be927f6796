// The start warning for DAGSTER_HOME unset says what DAGSTER_URL being set or not changes, never both at once.
import { describe, expect, it } from 'vitest';
import { dagsterHomeUnsetWarning } from '../../src/dagster-home-unset.js';
import type { Runbook } from '../../src/runbook/schema.js';

// Only what the warning reads: a runbook with a path that starts the daemon.
const runbook = { id: 'schedule', recovery: [{ id: 'a', steps: [{ kind: 'dagster-daemon-start' }] }] } as unknown as Runbook;
const daemonStart = ['uv', 'run', 'dagster-daemon', 'run'];

describe('the DAGSTER_HOME start warning', () => {
  it('says the diagnosis reads an ephemeral instance when DAGSTER_URL is unset, and only as the fallback when it is set', () => {
    const without = dagsterHomeUnsetWarning({}, [runbook], daemonStart);
    expect(without).toContain('DAGSTER_URL is not set either, so the diagnosis\' Dagster CLI reads an ephemeral instance');
    const withUrl = dagsterHomeUnsetWarning({ DAGSTER_URL: 'http://dagster:3000' }, [runbook], daemonStart);
    expect(withUrl).toContain('schedule path a starts');
    expect(withUrl).not.toContain('without DAGSTER_URL');
    expect(withUrl).toContain('the diagnosis reads Dagster through DAGSTER_URL, and only if that webserver does not answer does its Dagster CLI read an ephemeral instance');
  });
  it('says nothing when DAGSTER_HOME is set', () => {
    expect(dagsterHomeUnsetWarning({ DAGSTER_HOME: '/srv/.dagster' }, [runbook], daemonStart)).toBeUndefined();
  });
});
