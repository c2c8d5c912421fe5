/**
 * The operator's web console: node:http on 127.0.0.1 only, server-rendered HTML, no script. It reads and acts
 * through the operator backend (the operator's own AWS credentials, or the local stack), so the deployed stack
 * gets no new endpoint to secure.
 *
 * Safety on a loopback port that a browser can reach from any page: requests must name this host (127.0.0.1 or
 * localhost with our port; anything else is refused, against DNS rebinding); actions are POSTs carrying a CSRF
 * token bound to a SameSite=Strict session cookie, and the Origin when the browser sends one; each action asks
 * for confirmation on its own page first. Pages carry a strict Content-Security-Policy (no script at all).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LEDGER_STATES } from '../../functions/adapters/dynamodb/dynamodb-ledger-views.ts';
import type { LedgerState } from '../../functions/core/ports.ts';
import { reportCsv } from '../../functions/core/reconcile-orders.ts';
import type { OperatorBackend } from '../backend/operator-backend.ts';
import { barChart, columnChart } from './charts.ts';
import { html, type SafeHtml } from './html.ts';
import { confirmPage, deadLettersPage, detailPage, layout, listPage, messagePage, overviewPage, parkedPage, reportPage, STYLE } from './pages.ts';
import { STATE_LABELS } from '../backend/order-words.ts';

export interface ConsoleServer {
  url: string;
  close(): Promise<void>;
}

const SESSION_COOKIE = 'bcns_console';
const CHARTS_MAX_AGE_MS = 60_000;

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export async function startConsole(backend: OperatorBackend, options: { port?: number; now?: () => number } = {}): Promise<ConsoleServer> {
  const now = options.now ?? Date.now;
  const secret = randomBytes(32);
  const flashes = new Map<string, string>();
  let port = 0;
  let charts: { at: number; svg: SafeHtml[] } | undefined;

  const csrfFor = (session: string) => createHmac('sha256', secret).update(session).digest('base64url');

  function session(req: IncomingMessage, res: ServerResponse): string {
    const existing = /(?:^|;\s*)bcns_console=([A-Za-z0-9_-]{32,})/.exec(req.headers.cookie ?? '')?.[1];
    if (existing) return existing;
    const created = randomBytes(24).toString('base64url');
    res.setHeader('Set-Cookie', `${SESSION_COOKIE}=${created}; HttpOnly; SameSite=Strict; Path=/`);
    return created;
  }

  function send(res: ServerResponse, status: number, body: string, type = 'text/html; charset=utf-8', extra: Record<string, string> = {}): void {
    res.writeHead(status, {
      'Content-Type': type,
      'Cache-Control': 'no-store',
      'Content-Security-Policy': "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      // same-origin, not no-referrer: with no-referrer Chromium sends `Origin: null` on our own form posts.
      'Referrer-Policy': 'same-origin',
      ...extra,
    });
    res.end(body);
  }

  const page = async (res: ServerResponse, title: string, body: SafeHtml, flash?: string) =>
    send(res, 200, layout(title, backend.target, body, { ...(flash ? { flash } : {}), counts: backend.cachedCounts() }));

  async function overviewCharts(): Promise<SafeHtml[]> {
    if (charts && now() - charts.at < CHARTS_MAX_AGE_MS) return charts.svg;
    const hourMs = 3_600_000;
    const end = Math.floor(now() / hourMs) * hourMs + hourMs;
    const daySince = new Date(end - 24 * hourMs);
    const monthSince = new Date(end - 30 * 24 * hourMs);
    const [pending, reconciled, drifted, drift30, failed] = await Promise.all([
      backend.views.syncTimes('pending', daySince),
      backend.views.syncTimes('reconciled', daySince),
      backend.views.syncTimes('drift', daySince),
      backend.views.syncTimes('drift', monthSince),
      backend.views.listAll('failed', 1000),
    ]);
    const hours = Array.from({ length: 24 }, (_, index) => end - (24 - index) * hourMs);
    const perHour = new Map<number, number>();
    for (const at of [...pending, ...reconciled, ...drifted]) {
      const hour = Math.floor(Date.parse(at) / hourMs) * hourMs;
      perHour.set(hour, (perHour.get(hour) ?? 0) + 1);
    }
    const days = Array.from({ length: 30 }, (_, index) => new Date(end - (29 - index) * 24 * hourMs).toISOString().slice(0, 10));
    const perDay = new Map<string, number>();
    for (const at of drift30) perDay.set(at.slice(0, 10), (perDay.get(at.slice(0, 10)) ?? 0) + 1);
    const reasons = new Map<string, number>();
    for (const order of failed) {
      const reason = order.missingSkus?.length
        ? 'SKU without a NetSuite item'
        : (order.lastErrorMessage ?? 'no error recorded').replace(/\d{2,}/g, '#').slice(0, 80);
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
    const svg = [
      columnChart(
        'Orders synced per hour (last 24 hours, UTC)',
        hours.map((hour) => ({
          label: `${new Date(hour).toISOString().slice(11, 13)}h`,
          value: perHour.get(hour) ?? 0,
          title: `${new Date(hour).toISOString().slice(0, 13)}:00: ${perHour.get(hour) ?? 0} synced`,
        })),
        { labelEvery: 3 },
      ),
      barChart(
        'Failed orders by reason',
        [...reasons]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 10)
          .map(([label, value]) => ({ label, value })),
      ),
      columnChart(
        'Orders with reconciliation drift, by day synced (last 30 days)',
        days.map((day) => ({ label: day.slice(5), value: perDay.get(day) ?? 0 })),
        { labelEvery: 5, color: '#d68910' },
      ),
    ];
    charts = { at: now(), svg };
    return svg;
  }

  async function handleGet(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    session(req, res);
    const flashId = url.searchParams.get('flash');
    const flash = flashId ? flashes.get(flashId) : undefined;
    const path = url.pathname;
    if (path === '/style.css') return send(res, 200, STYLE, 'text/css; charset=utf-8');
    if (path === '/') {
      const [counts, deadLetters, svg] = await Promise.all([backend.counts(), backend.deadLetters(), overviewCharts()]);
      return page(res, 'Overview', overviewPage(counts, deadLetters, svg), flash);
    }
    if (path === '/orders') {
      const q = url.searchParams.get('q')?.trim();
      if (q) {
        if (/^\d{1,12}$/.test(q)) {
          const found = await backend.views.getOrder(Number(q));
          if (found) return redirect(res, `/orders/${Number(q)}`);
          return page(
            res,
            `No order ${q}`,
            html`<p>The ledger has no order ${q}: it never reached the sync (check the trigger statuses, or wait for the poller).</p>`,
          );
        }
        if (q.includes('@')) {
          const started = now();
          const orders = await backend.views.findByEmail(q);
          return page(
            res,
            `Orders of ${q}`,
            html`${listPage('synced', orders, undefined, now() - started)}
              <p class="muted">Matched by the hash of the normalised e-mail; the ledger keeps no addresses.</p>`,
          );
        }
        return page(res, 'Search', html`<p>Search by order id (digits) or by the shopper's e-mail address.</p>`);
      }
      const state = (url.searchParams.get('state') ?? 'failed') as LedgerState;
      if (!LEDGER_STATES.includes(state)) throw new HttpError(400, 'unknown state');
      void backend.counts().catch(() => undefined); // keeps the tab counts fresh without waiting
      const started = now();
      const { orders, next } = await backend.views.listByState(state, { limit: 50, cursor: url.searchParams.get('cursor') ?? undefined });
      return page(res, `Orders: ${STATE_LABELS[state]}`, listPage(state, orders, next, now() - started), flash);
    }
    const detail = /^\/orders\/(\d{1,12})$/.exec(path);
    if (detail) {
      const orderId = Number(detail[1]);
      const entry = await backend.views.getOrder(orderId);
      if (!entry) throw new HttpError(404, `The ledger has no order ${orderId}.`);
      return page(res, `Order ${orderId}`, detailPage(backend.target, orderId, entry), flash);
    }
    if (path === '/dead-letters') return page(res, 'Dead-letter queue', deadLettersPage(await backend.deadLetters(), now()), flash);
    if (path === '/parked') return page(res, 'Parked orders', parkedPage(await backend.parked()), flash);
    if (path === '/report' || path === '/report.csv') {
      const { since, until } = reportWindow(url, now());
      const rows = await backend.report(new Date(`${since}T00:00:00Z`), new Date(Date.parse(`${until}T00:00:00Z`) + 86_400_000));
      if (path === '/report.csv') {
        return send(res, 200, reportCsv(rows), 'text/csv; charset=utf-8', {
          'Content-Disposition': `attachment; filename="reconciliation-${since}-to-${until}.csv"`,
        });
      }
      return page(res, 'Reconciliation report', reportPage(rows, since, until), flash);
    }
    if (path === '/confirm') {
      const csrf = csrfFor(session(req, res));
      const action = url.searchParams.get('action');
      if (action === 'retry') {
        const orderId = Number(url.searchParams.get('order'));
        if (!Number.isInteger(orderId) || orderId <= 0) throw new HttpError(400, 'which order?');
        return page(
          res,
          'Retry an order',
          confirmPage(
            `Put order ${orderId} back in the orders queue? The worker syncs it again (exactly once: a synced order is recognised).`,
            'retry',
            { order: String(orderId) },
            csrf,
            `/orders/${orderId}`,
          ),
        );
      }
      if (action === 'redrive') {
        const { messages } = await backend.deadLetters();
        return page(
          res,
          'Redrive the dead-letter queue',
          confirmPage(
            `Move the ${messages} message(s) in the dead-letter queue back to the orders queue? Fix the cause first: a permanent failure comes straight back.`,
            'redrive',
            {},
            csrf,
            '/dead-letters',
          ),
        );
      }
      if (action === 'sku-refresh') {
        return page(
          res,
          'Run the SKU refresh',
          confirmPage('Reload the SKU map from NetSuite now and re-enqueue the parked orders whose items exist?', 'sku-refresh', {}, csrf, '/parked'),
        );
      }
      throw new HttpError(400, 'unknown action');
    }
    throw new HttpError(404, 'No such page.');
  }

  async function handlePost(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://127.0.0.1:${port}` && origin !== `http://localhost:${port}`)
      throw new HttpError(403, 'cross-origin request refused');
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) throw new HttpError(415, 'form posts only');
    const form = new URLSearchParams(await readBody(req));
    const cookie = /(?:^|;\s*)bcns_console=([A-Za-z0-9_-]{32,})/.exec(req.headers.cookie ?? '')?.[1];
    const token = form.get('csrf') ?? '';
    const expected = cookie ? csrfFor(cookie) : '';
    if (!cookie || token.length !== expected.length || !timingSafeEqual(Buffer.from(token), Buffer.from(expected)))
      throw new HttpError(403, 'missing or wrong CSRF token: reload the page and try again');
    let done: string;
    let back: string;
    if (url.pathname === '/actions/retry') {
      const orderId = Number(form.get('order'));
      if (!Number.isInteger(orderId) || orderId <= 0) throw new HttpError(400, 'which order?');
      done = await backend.retry(orderId);
      back = `/orders/${orderId}`;
    } else if (url.pathname === '/actions/redrive') {
      done = await backend.redrive();
      back = '/dead-letters';
    } else if (url.pathname === '/actions/sku-refresh') {
      done = await backend.refreshSkus();
      back = '/parked';
    } else {
      throw new HttpError(404, 'No such action.');
    }
    charts = undefined;
    const id = randomBytes(9).toString('base64url');
    flashes.set(id, done);
    if (flashes.size > 100) flashes.delete(flashes.keys().next().value!);
    return redirect(res, `${back}?flash=${id}`);
  }

  const server: Server = createServer((req, res) => {
    void (async () => {
      try {
        // Only requests addressed to this console (DNS rebinding would send another host name).
        const host = req.headers.host ?? '';
        if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) throw new HttpError(421, 'this console answers only on 127.0.0.1');
        const url = new URL(req.url ?? '/', `http://${host}`);
        if (req.method === 'GET' || req.method === 'HEAD') await handleGet(req, res, url);
        else if (req.method === 'POST') await handlePost(req, res, url);
        else throw new HttpError(405, 'method not allowed');
      } catch (error) {
        const status = error instanceof HttpError ? error.status : 500;
        const text = error instanceof Error ? error.message : String(error);
        if (status === 500) console.error('[console]', error);
        if (!res.headersSent) send(res, status, layout(status === 404 ? 'Not found' : 'Something went wrong', backend.target, messagePage(text)));
        else res.end();
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  void backend.counts().catch(() => undefined); // start counting before the first page asks
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(303, { Location: location, 'Cache-Control': 'no-store' });
  res.end();
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 16_384) throw new HttpError(413, 'form too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The report's window: `since` and `until` as dates (YYYY-MM-DD, both included); the last 7 days by default. */
function reportWindow(url: URL, now: number): { since: string; until: string } {
  const valid = (text: string | null) => (text && /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(text)) ? text : undefined);
  const until = valid(url.searchParams.get('until')) ?? new Date(now).toISOString().slice(0, 10);
  const since = valid(url.searchParams.get('since')) ?? new Date(Date.parse(until) - 6 * 86_400_000).toISOString().slice(0, 10);
  return { since, until };
}
