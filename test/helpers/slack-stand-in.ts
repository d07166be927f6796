// A loopback stand-in for Slack's Web API, response URLs and file uploads, recording every call the bot makes.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ApiCall {
  method: string;
  args: Record<string, any>;
  result?: Record<string, any>;
  /** When the call arrived (ms since the epoch), to time the bot from outside. */
  at: number;
}

/** A message as it reads in Slack now (see SlackStandIn.messages). */
export interface SlackMessageNow {
  ts: string;
  channel: string;
  threadTs?: string;
  text: string;
  /** The blocks as sent (JSON text), for searching. */
  blocks: string;
  updates: { text: string; blocks: string }[];
}

/** The bot scopes manifest.yml asks for: what a token installed from it holds. */
export const manifestScopes = ['commands', 'chat:write', 'chat:write.public', 'files:write', 'users:read', 'usergroups:read'];

/** The scope each Web API method the bot calls needs, as Slack's documentation of the method gives it. */
const scopeOf: Record<string, string> = {
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'files.getUploadURLExternal': 'files:write',
  'files.completeUploadExternal': 'files:write',
  'users.info': 'users:read',
  'usergroups.users.list': 'usergroups:read',
};

/** One of Slack's bad days: a 429 with Retry-After (seconds), a 500, a body not Slack's JSON, or no answer at all. */
export type SlackTrouble = { status: 429; retryAfter: number } | { status: 500 } | { status: number; raw: string } | 'silence';

export class SlackStandIn {
  readonly calls: ApiCall[] = [];
  readonly responses: { path: string; body: Record<string, any>; at: number }[] = [];
  readonly uploads: { fileId: string; bytes: Buffer }[] = [];
  private server?: http.Server;
  private nextTs = 1_700_000_000;
  private nextFile = 1;
  /** Set to make a Web API method answer with an error, as Slack does ({ ok: false, error }). */
  failures = new Map<string, string>();
  /** Set to refuse a call by what it sends (a message with buttons refused as invalid_blocks, say): Slack's error, or undefined. */
  refuse?: (method: string, args: Record<string, any>) => string | undefined;
  /** Public channels the bot posts in without being a member (chat:write.public): chat.postEphemeral is not_in_channel. */
  notJoined = new Set<string>();
  /** What users.info says about a user, over a full member of T0DATABOX (is_restricted: true makes a guest …). */
  users = new Map<string, Record<string, unknown>>();
  /** The members of each user group, for usergroups.users.list; an unknown group is Slack's no_such_subteam. */
  userGroups = new Map<string, string[]>();
  /**
   * The scopes of the bot's token, sent back in every answer's x-oauth-scopes header as Slack does (undefined: no such
   * header); a method whose scope is not among them answers missing_scope, naming the scope needed and those provided.
   */
  scopes: string[] | undefined = [...manifestScopes];
  /** The Enterprise Grid org auth.test places the bot in; none: a workspace of its own. */
  enterpriseId?: string;
  /**
   * Where files.getUploadURLExternal sends a file's bytes (files.slack.com in Slack; by default the stand-in itself): an
   * address nothing answers is an egress allowlist that lets slack.com through but not files.slack.com.
   */
  uploadUrlBase?: string;
  /** The WebSocket URL apps.connections.open hands out (Socket Mode). */
  socketUrl?: string;
  /**
   * Slack's bad days, one per call to a chat.* or files.* method until used up: a 429 with Retry-After (seconds), a
   * 500, a body that is not Slack's JSON (`raw`: a proxy's HTML page, an answer cut short), or no answer at all (the
   * request is held open). The call is recorded without a result.
   */
  trouble: SlackTrouble[] = [];
  /**
   * A bad day that lasts until the test ends it (sets it back to undefined): every call `troubled` selects, once
   * `trouble` is used up, is met by it, however often the bot tries again. A test holds back one message's update so.
   */
  lastingTrouble?: SlackTrouble;
  /**
   * The calls `trouble` is met by: messages and files unless a test says otherwise, by method, or by method and what the
   * call sends (the update of one message, say).
   */
  troubled: RegExp | ((method: string, args: Record<string, any>) => boolean) = /^(chat|files)\./;
  private readonly held: http.ServerResponse[] = [];

  get url(): string {
    const { port } = this.server?.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  responseUrl(id = 'cmd'): string {
    return `${this.url}/response/${id}`;
  }

  /** On `port` (by default any free one): a stand-in stopped and started again on its port is Slack back after an outage. */
  async start(port = 0): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => this.handle(req, res, Buffer.concat(chunks)));
    });
    const server = this.server;
    // A port taken meanwhile (by another test's process, started again after an outage): this start fails, said as such.
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  }

  /** Drops the requests held open by 'silence' (the connection reset), as Slack's side going away would. */
  dropHeld(): void {
    for (const res of this.held.splice(0)) res.destroy();
  }

  async stop(): Promise<void> {
    this.dropHeld();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): void {
    const url = req.url ?? '/';
    const reply = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', ...(this.scopes ? { 'x-oauth-scopes': this.scopes.join(',') } : {}) });
      res.end(JSON.stringify(payload));
    };
    if (url.startsWith('/upload/')) {
      this.uploads.push({ fileId: url.slice('/upload/'.length), bytes: body });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`OK - ${body.length}`);
      return;
    }
    if (url.startsWith('/response/')) {
      this.responses.push({ path: url, body: JSON.parse(body.toString() || '{}'), at: Date.now() });
      reply(200, { ok: true });
      return;
    }
    if (!url.startsWith('/api/')) return reply(404, { ok: false, error: 'unknown_path' });
    const method = url.slice('/api/'.length).split('?')[0] as string;
    const args = parseArgs(req.headers['content-type'] ?? '', body);
    const call: ApiCall = { method, args, at: Date.now() };
    this.calls.push(call);
    const meetsTrouble = typeof this.troubled === 'function' ? this.troubled(method, args) : this.troubled.test(method);
    const trouble = meetsTrouble ? (this.trouble.shift() ?? this.lastingTrouble) : undefined;
    if (trouble === 'silence') {
      this.held.push(res);
      return;
    }
    if (trouble && 'raw' in trouble) {
      res.writeHead(trouble.status, { 'content-type': 'text/html' });
      res.end(trouble.raw);
      return;
    }
    if (trouble?.status === 429) {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(trouble.retryAfter) });
      res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    }
    if (trouble?.status === 500) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('Internal Server Error');
      return;
    }
    const failure = this.failures.get(method) ?? this.refuse?.(method, args) ?? (method === 'chat.postEphemeral' && this.notJoined.has(String(args.channel)) ? 'not_in_channel' : undefined);
    if (failure) return reply(200, { ok: false, error: failure });
    const needed = scopeOf[method];
    if (needed && this.scopes && !this.scopes.includes(needed)) return reply(200, { ok: false, error: 'missing_scope', needed, provided: this.scopes.join(',') });
    call.result = this.answer(method, args);
    reply(200, call.result);
  }

  private answer(method: string, args: Record<string, any>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://databox.slack.com/', team: 'databox', user: 'databox-bot', team_id: 'T0DATABOX', user_id: 'U0BOT', bot_id: 'B0BOT', ...(this.enterpriseId ? { enterprise_id: this.enterpriseId } : {}) };
      case 'chat.postMessage': {
        const ts = `${this.nextTs++}.000100`;
        return { ok: true, channel: args.channel, ts, message: { text: args.text, ts, thread_ts: args.thread_ts } };
      }
      case 'chat.update':
        return { ok: true, channel: args.channel, ts: args.ts, text: args.text };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: `${this.nextTs++}.000200` };
      case 'apps.connections.open':
        return this.socketUrl ? { ok: true, url: this.socketUrl } : { ok: false, error: 'invalid_auth' };
      case 'users.info': {
        const id = String(args.user);
        const user = { id, team_id: 'T0DATABOX', name: id.toLowerCase(), deleted: false, is_bot: false, is_restricted: false, is_ultra_restricted: false, ...this.users.get(id) };
        return { ok: true, user };
      }
      case 'usergroups.users.list': {
        const members = this.userGroups.get(String(args.usergroup));
        return members ? { ok: true, users: members } : { ok: false, error: 'no_such_subteam' };
      }
      case 'views.open':
        return { ok: true, view: { id: 'V0MODAL' } };
      case 'files.getUploadURLExternal': {
        const fileId = `F${String(this.nextFile++).padStart(6, '0')}`;
        return { ok: true, upload_url: `${this.uploadUrlBase ?? this.url}/upload/${fileId}`, file_id: fileId };
      }
      case 'files.completeUploadExternal':
        return { ok: true, files: (JSON.parse(args.files ?? '[]') as { id: string; title?: string }[]).map((f) => ({ id: f.id, title: f.title })) };
      default:
        return { ok: true };
    }
  }

  /** A message the bot posted that starts with `startsWith`, its text and blocks; throws when it posted none. */
  posted(startsWith: string): string {
    const found = this.callsTo('chat.postMessage').find((p) => String(p.text).startsWith(startsWith));
    if (!found) throw new Error(`no message starting "${startsWith}" was posted`);
    return `${found.text}\n${found.blocks}`;
  }

  /** The newest form the bot opened (views.open), as Slack would hold it. */
  lastForm(): any {
    return JSON.parse(String(this.callsTo('views.open').at(-1)?.view));
  }

  /** Every call of one method, args decoded (blocks parsed from their JSON). */
  callsTo(method: string): Record<string, any>[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  /** All text the bot sent to Slack (messages, updates, ephemerals), blocks included, for searching. */
  allText(): string {
    return this.calls
      .filter((c) => c.method.startsWith('chat.'))
      .map((c) => `${c.args.text ?? ''}\n${typeof c.args.blocks === 'string' ? c.args.blocks : JSON.stringify(c.args.blocks ?? '')}`)
      .join('\n');
  }

  /** Buttons the bot posted (or updated into a message) that Slack took, newest last, with the message they sit in. */
  buttons(actionId: string | RegExp): { actionId: string; value: string; text?: string; channel: string; ts: string; threadTs?: string }[] {
    const found: { actionId: string; value: string; text?: string; channel: string; ts: string; threadTs?: string }[] = [];
    for (const call of this.calls) {
      if (call.method !== 'chat.postMessage' && call.method !== 'chat.update') continue;
      // A message Slack refused, or never answered, shows no button to click.
      if (!call.result) continue;
      for (const block of (call.args.blocksParsed ?? []) as any[]) {
        for (const element of block.type === 'actions' ? (block.elements as any[]) : []) {
          const matches = typeof actionId === 'string' ? element.action_id === actionId : actionId.test(element.action_id);
          if (!matches) continue;
          found.push({
            actionId: element.action_id,
            value: element.value,
            text: element.text?.text,
            channel: call.result?.channel ?? call.args.channel,
            ts: call.method === 'chat.postMessage' ? call.result?.ts : call.args.ts,
            threadTs: call.args.thread_ts,
          });
        }
      }
    }
    return found;
  }

  /**
   * Each message Slack took from the bot, in the order it was posted, as it reads now: its latest text and blocks after
   * every chat.update Slack took, and the texts of those updates in order.
   */
  messages(): SlackMessageNow[] {
    const byTs = new Map<string, SlackMessageNow>();
    for (const call of this.calls) {
      if (!call.result?.ok) continue;
      if (call.method === 'chat.postMessage') {
        const ts = String(call.result.ts);
        byTs.set(ts, { ts, channel: String(call.result.channel), threadTs: call.args.thread_ts, text: String(call.args.text ?? ''), blocks: String(call.args.blocks ?? ''), updates: [] });
      } else if (call.method === 'chat.update') {
        const message = byTs.get(String(call.args.ts));
        if (!message) continue;
        message.text = String(call.args.text ?? '');
        message.blocks = String(call.args.blocks ?? '');
        message.updates.push({ text: message.text, blocks: message.blocks });
      }
    }
    return [...byTs.values()];
  }

  ephemerals(user?: string): string[] {
    return this.callsTo('chat.postEphemeral').filter((a) => !user || a.user === user).map((a) => String(a.text));
  }

  /** Waits until `predicate` holds, polling; fails with `what` after `timeoutMs`. */
  async waitFor(what: string, predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

function parseArgs(contentType: string, body: Buffer): Record<string, any> {
  const text = body.toString();
  if (contentType.includes('application/json')) return JSON.parse(text || '{}') as Record<string, any>;
  const args: Record<string, any> = Object.fromEntries(new URLSearchParams(text));
  if (typeof args.blocks === 'string') {
    try {
      args.blocksParsed = JSON.parse(args.blocks);
    } catch {
      // left as text
    }
  }
  return args;
}

/** The values a form (a views.open view) opened with, by field (null for one left empty, as Slack sends it): what a person who accepts it as it is submits. */
export function prefilledValues(view: { blocks: { type: string; block_id?: string; element?: { initial_value?: string } }[] }): Record<string, string | null> {
  return Object.fromEntries(view.blocks.filter((b) => b.type === 'input').map((b) => [b.block_id as string, b.element?.initial_value ?? null]));
}
