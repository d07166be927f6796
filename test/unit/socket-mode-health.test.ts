// Tests SocketModeHealth (src/health/socket-mode-health.ts): healthy while connected and for the grace after a loss, its
// reason past it; a refresh's old WebSocket closing beside an open one is no loss. The clock is the test's.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { SocketModeHealth, socketDownGraceMs } from '../../src/health/socket-mode-health.js';

/** The events @slack/socket-mode's client emits, and whether its current WebSocket is open. */
class StandInClient extends EventEmitter {
  websocket?: { isActive(): boolean };
  open(active: boolean): void {
    this.websocket = { isActive: () => active };
  }
}

function followed(start = 0) {
  let now = start;
  const health = new SocketModeHealth(socketDownGraceMs, () => now);
  const client = new StandInClient();
  health.follow(client);
  return { health, client, pass: (ms: number) => (now += ms) };
}

describe('SocketModeHealth', () => {
  it('is healthy while connected, and for the grace after the connection closes; past it, says for how long it has been down', () => {
    const { health, client, pass } = followed();
    client.open(true);
    client.emit('connected');
    pass(10 * socketDownGraceMs);
    expect(health.problem()).toBeUndefined();
    client.open(false);
    client.emit('close');
    pass(socketDownGraceMs);
    expect(health.problem()).toBeUndefined();
    // Trying again does not start the grace over.
    client.emit('reconnecting');
    pass(30_000);
    expect(health.problem()).toBe('no Socket Mode connection to Slack for 2 min 30 s (longer than the 2 min allowed for reconnecting): the bot takes no command or click; its log says why');
    client.open(true);
    client.emit('connected');
    expect(health.problem()).toBeUndefined();
  });

  it("takes Slack's routine refresh (the old WebSocket closing once a new one is open) for no loss", () => {
    const { health, client, pass } = followed();
    client.open(true);
    client.emit('connected');
    client.emit('close');
    pass(socketDownGraceMs + 1);
    expect(health.problem()).toBeUndefined();
  });

  it('is down from the start until the first connection', () => {
    const { health, pass } = followed(1_000);
    pass(socketDownGraceMs + 1_000);
    expect(health.problem()).toMatch(/^no Socket Mode connection to Slack for 2 min 1 s /);
  });
});
