// A loopback stand-in for Slack's Socket Mode WebSocket: a minimal RFC 6455 server that sends envelopes and reads acks.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

const websocketGuid = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

function frame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const header = length < 126 ? Buffer.from([0x80 | opcode, length]) : length < 65_536 ? Buffer.alloc(4) : Buffer.alloc(10);
  if (length >= 126) {
    header[0] = 0x80 | opcode;
    if (length < 65_536) {
      header[1] = 126;
      header.writeUInt16BE(length, 2);
    } else {
      header[1] = 127;
      header.writeBigUInt64BE(BigInt(length), 2);
    }
  }
  return Buffer.concat([header, payload]);
}

export class SocketModeStandIn {
  /** Messages the app sent back (acks), parsed. */
  readonly received: Record<string, any>[] = [];
  private server?: http.Server;
  private socket?: Socket;
  private buffered = Buffer.alloc(0);
  private nextEnvelope = 1;

  get url(): string {
    const { port } = this.server?.address() as AddressInfo;
    return `ws://127.0.0.1:${port}/link`;
  }

  get connected(): boolean {
    return this.socket !== undefined && !this.socket.destroyed;
  }

  async start(): Promise<void> {
    this.server = http.createServer((_req, res) => res.writeHead(426).end());
    this.server.on('upgrade', (req, socket: Socket) => {
      const accept = createHash('sha1').update(`${req.headers['sec-websocket-key']}${websocketGuid}`).digest('base64');
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
      this.socket = socket;
      socket.on('data', (chunk: Buffer) => this.read(chunk));
      socket.on('error', () => undefined);
      this.send({ type: 'hello', num_connections: 1, debug_info: { host: 'applink-stand-in', build_number: 1, approximate_connection_time: 18_060 }, connection_info: { app_id: 'A0DATABOXBOT' } });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    this.socket?.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  send(message: unknown): void {
    this.socket?.write(frame(0x1, Buffer.from(JSON.stringify(message))));
  }

  /** Sends an envelope as Slack does; returns its id, which the app must acknowledge. */
  deliver(type: 'slash_commands' | 'interactive', payload: Record<string, unknown>): string {
    const envelopeId = `envelope-${this.nextEnvelope++}`;
    this.send({ envelope_id: envelopeId, payload, type, accepts_response_payload: true, retry_attempt: 0, retry_reason: '' });
    return envelopeId;
  }

  /**
   * Sends an envelope again as Slack does when its ack did not come in time: `retry_attempt` 1 and up, with a reason,
   * under the same id, or under `newId` (an id of its own). Returns the id sent.
   */
  deliverAgain(envelopeId: string, type: 'slash_commands' | 'interactive', payload: Record<string, unknown>, attempt: number, newId?: string): string {
    const id = newId ?? envelopeId;
    this.send({ envelope_id: id, payload, type, accepts_response_payload: true, retry_attempt: attempt, retry_reason: 'timeout' });
    return id;
  }

  /** How many acks the app sent for an envelope id. */
  acks(envelopeId: string): number {
    return this.received.filter((message) => message.envelope_id === envelopeId).length;
  }

  acknowledged(envelopeId: string): Record<string, any> | undefined {
    return this.received.find((message) => message.envelope_id === envelopeId);
  }

  private read(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    for (;;) {
      if (this.buffered.length < 2) return;
      const opcode = (this.buffered[0] as number) & 0x0f;
      let length = (this.buffered[1] as number) & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (this.buffered.length < 4) return;
        length = this.buffered.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (this.buffered.length < 10) return;
        length = Number(this.buffered.readBigUInt64BE(2));
        offset = 10;
      }
      // Frames from a client are always masked.
      if (this.buffered.length < offset + 4 + length) return;
      const mask = this.buffered.subarray(offset, offset + 4);
      const payload = Buffer.from(this.buffered.subarray(offset + 4, offset + 4 + length));
      for (let i = 0; i < payload.length; i += 1) payload[i] = (payload[i] as number) ^ (mask[i % 4] as number);
      this.buffered = this.buffered.subarray(offset + 4 + length);
      if (opcode === 0x1) this.received.push(JSON.parse(payload.toString()) as Record<string, any>);
      else if (opcode === 0x9) this.socket?.write(frame(0xa, payload));
      else if (opcode === 0x8) this.socket?.end(frame(0x8, Buffer.alloc(0)));
    }
  }
}
