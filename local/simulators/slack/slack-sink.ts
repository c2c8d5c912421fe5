/**
 * A Slack incoming webhook that records what it receives, for `npm start` and tests. It answers like Slack:
 * "ok" on success; 400 invalid_payload / no_text / invalid_blocks for malformed messages; 404 no_service for
 * an unknown webhook path; 429 rate_limited with Retry-After beyond about one message a second (short bursts
 * allowed). Faults (Slack down) come from SimServer.
 */
import { randomUUID } from 'node:crypto';
import { SimServer, type SimRequest, type SimResponse } from '../sim-http.ts';

export interface SlackMessage {
  text?: string;
  blocks?: Array<Record<string, unknown>>;
  receivedAt: number;
}

const text = (status: number, body: string, headers: Record<string, string> = {}): SimResponse => ({
  status,
  body,
  headers: { 'Content-Type': 'text/html', ...headers },
});

interface SlackBlockShape {
  type?: unknown;
  text?: { type?: unknown; text?: unknown };
  fields?: unknown;
  elements?: unknown;
}

function invalidBlocks(blocks: unknown): string | undefined {
  if (!Array.isArray(blocks)) return 'blocks must be an array';
  if (blocks.length > 50) return 'no more than 50 blocks';
  // The payload is untrusted JSON: every field is checked before use.
  for (const block of blocks as Array<SlackBlockShape | null>) {
    if (!block || typeof block.type !== 'string') return 'every block needs a type';
    if (block.type === 'header' && (block.text?.type !== 'plain_text' || String(block.text?.text ?? '').length > 150))
      return 'header text must be plain_text of at most 150 characters';
    if (block.type === 'section') {
      if (block.text && String(block.text.text ?? '').length > 3000) return 'section text is limited to 3000 characters';
      if (block.fields && (!Array.isArray(block.fields) || block.fields.length > 10)) return 'a section holds at most 10 fields';
      if (!block.text && !block.fields) return 'a section needs text or fields';
    }
    if (block.type === 'context' && (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 10))
      return 'context needs 1 to 10 elements';
  }
  return undefined;
}

export class SlackSink {
  readonly server: SimServer;
  readonly messages: SlackMessage[] = [];
  readonly path: string;
  private tokens: number;
  private refilledAt = Date.now();
  private readonly burst: number;

  private constructor(options: { burst?: number }) {
    this.path = `/services/T${randomUUID().slice(0, 8).toUpperCase()}/B${randomUUID().slice(0, 8).toUpperCase()}/${randomUUID().replaceAll('-', '')}`;
    this.burst = options.burst ?? 10;
    this.tokens = this.burst;
    this.server = new SimServer({
      handle: (req) => this.handle(req),
      faultResponse: (fault) =>
        fault.kind === 'rate-limit'
          ? text(429, 'rate_limited', { 'Retry-After': '1' })
          : text(fault.status, fault.status >= 500 ? 'internal_error' : 'invalid_payload'),
    });
  }

  static async start(options: { port?: number; burst?: number } = {}): Promise<SlackSink> {
    const sink = new SlackSink(options);
    await sink.server.listen(options.port ?? 0);
    return sink;
  }

  /** The incoming webhook URL to configure as SLACK_WEBHOOK_URL. */
  get webhookUrl(): string {
    return `${this.server.baseUrl}${this.path}`;
  }

  /** The notification text of every message received, in order. */
  texts(): string[] {
    return this.messages.map((message) => message.text ?? '');
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private handle(req: SimRequest): SimResponse {
    if (req.method !== 'POST' || req.path !== this.path) return text(404, 'no_service');
    // About one message a second per webhook, with short bursts allowed.
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + (now - this.refilledAt) / 1000);
    this.refilledAt = now;
    if (this.tokens < 1) return text(429, 'rate_limited', { 'Retry-After': '1' });
    this.tokens -= 1;

    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(req.body) as Record<string, unknown>;
    } catch {
      return text(400, 'invalid_payload');
    }
    if (typeof payload !== 'object' || payload === null) return text(400, 'invalid_payload');
    if (!payload.text && !payload.blocks) return text(400, 'no_text');
    if (payload.blocks !== undefined && invalidBlocks(payload.blocks)) return text(400, 'invalid_blocks');
    this.messages.push({ ...(payload as Omit<SlackMessage, 'receivedAt'>), receivedAt: now });
    return text(200, 'ok');
  }
}
