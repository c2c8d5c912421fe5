/** The console's pages, rendered on the server. Every value from an order goes through `html` (escaped). */
import type { DeadLetterSummary, StateCounts } from '../backend/operator-backend.ts';
import type { OperatorTarget } from '../backend/target.ts';
import { COUNT_CAP, type OrderSummary } from '../../functions/adapters/dynamodb/dynamodb-ledger-views.ts';
import { EVENT_LABELS } from '../../functions/core/order-history.ts';
import type { LedgerEntry, LedgerState } from '../../functions/core/ports.ts';
import type { ReconcileReportRow } from '../../functions/core/reconcile-orders.ts';
import { explainError, orderLinks, STATE_LABELS } from '../backend/order-words.ts';
import { html, query, type SafeHtml } from './html.ts';

/** The list tabs, in the order an operator looks at them. */
export const STATE_TABS: LedgerState[] = ['failed', 'synced_with_drift', 'in_progress', 'skipped', 'synced', 'reconciled'];

export function layout(title: string, target: OperatorTarget, body: SafeHtml, options: { flash?: string; counts?: StateCounts } = {}): string {
  const counts = options.counts;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>${title} · bc-netsuite-sync console</title>
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <link rel="stylesheet" href="/style.css" />
      </head>
      <body>
        <header>
          <a class="brand" href="/">bc-netsuite-sync</a> <span class="target">${target.label} · store ${target.storeHash}</span>
          <nav>
            <a href="/">Overview</a>${STATE_TABS.map(
              (state) =>
                html` <a href="/orders${query({ state })}"
                  >${STATE_LABELS[state]}${counts ? html` <span class="count" data-state="${state}">${countText(counts.counts[state])}</span>` : ''}</a
                >`,
            )} <a href="/parked">parked${counts ? html` <span class="count" data-state="parked">${counts.parked}</span>` : ''}</a>
            <a href="/dead-letters">dead letters</a> <a href="/report">reconciliation</a>
          </nav>
          <form class="search" method="get" action="/orders">
            <input type="search" name="q" placeholder="Order id or e-mail" aria-label="Order id or e-mail" /> <button type="submit">Search</button>
          </form>
        </header>
        <main>
          ${options.flash ? html`<p class="flash" role="status">${options.flash}</p>` : ''}
          <h1>${title}</h1>
          ${body}
        </main>
      </body>
    </html>`.value;
}

export function overviewPage(counts: StateCounts, deadLetters: DeadLetterSummary, charts: SafeHtml[]): SafeHtml {
  return html`<section class="cards">
      ${STATE_TABS.map(
        (state) =>
          html`<a class="card state-${state}" href="/orders${query({ state })}"
            ><span class="number">${countText(counts.counts[state])}</span> ${STATE_LABELS[state]}</a
          >`,
      )}<a class="card" href="/parked"><span class="number">${counts.parked}</span> parked</a>
      <a class="card${deadLetters.messages > 0 ? ' alarm' : ''}" href="/dead-letters"><span class="number">${deadLetters.messages}</span> dead letters</a>
    </section>
    <p class="muted">Counted at ${counts.countedAt} through the keys-only state index, up to ${COUNT_CAP.toLocaleString('en-US')} per state.</p>
    <section class="charts">${charts}</section>`;
}

function countText(count: number): string {
  return count >= COUNT_CAP ? `${COUNT_CAP.toLocaleString('en-US')}+` : String(count);
}

function reasonOf(order: OrderSummary): string {
  switch (order.state) {
    case 'failed':
      return order.lastErrorMessage ?? 'no error recorded';
    case 'skipped':
      return order.skipReason ?? '';
    case 'synced_with_drift':
      return (order.drift ?? []).map((part) => part.cause).join('; ');
    case 'in_progress':
      return order.lastErrorMessage ? `retrying after: ${order.lastErrorMessage}` : 'being synced';
    default:
      return '';
  }
}

export function orderTable(orders: OrderSummary[]): SafeHtml {
  if (orders.length === 0) return html`<p class="muted">No orders.</p>`;
  return html`<table class="orders">
    <thead>
      <tr>
        <th>Order</th>
        <th>State</th>
        <th>Changed</th>
        <th>Attempts</th>
        <th>Sales order</th>
        <th>Detail</th>
      </tr>
    </thead>
    <tbody>
      ${orders.map(
        (order) =>
          html`<tr data-order="${order.orderId}">
            <td><a href="/orders/${order.orderId}">${order.orderId}</a></td>
            <td>
              <span class="state state-${order.state}">${STATE_LABELS[order.state] ?? order.state}</span
              >${order.deadLetteredAt ? html` <span class="tag">dead-lettered</span>` : ''}${order.missingSkus?.length ? html` <span class="tag">parked</span>` : ''}
            </td>
            <td>${order.updatedAt}</td>
            <td>${order.attempts}</td>
            <td>${order.salesOrderId ?? ''}</td>
            <td class="reason">${reasonOf(order)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

export function listPage(state: LedgerState, orders: OrderSummary[], next: string | undefined, tookMs: number): SafeHtml {
  return html`${orderTable(orders)}
    <p class="pager">
      ${next ? html`<a rel="next" href="/orders${query({ state, cursor: next })}">Next page →</a>` : html`<span class="muted">Last page.</span>`}
      <span class="muted">(${orders.length} shown, read in ${tookMs} ms)</span>
    </p>`;
}

export function detailPage(target: OperatorTarget, orderId: number, entry: LedgerEntry): SafeHtml {
  const links = orderLinks(target, orderId, entry);
  const retryable = entry.state === 'failed' || entry.state === 'skipped' || entry.state === 'in_progress';
  return html`<dl class="facts">
      <dt>State</dt>
      <dd>
        <span class="state state-${entry.state}" id="order-state">${STATE_LABELS[entry.state] ?? entry.state}</span
        >${entry.deadLetteredAt ? html` <span class="tag">dead-lettered ${entry.deadLetteredAt}</span>` : ''}
      </dd>
      <dt>Attempts</dt>
      <dd>${entry.attempts}</dd>
      <dt>NetSuite sales order</dt>
      <dd>
        ${entry.salesOrderId ? (links.salesOrder ? html`<a href="${links.salesOrder}" rel="noreferrer" target="_blank">${entry.salesOrderId}</a>` : entry.salesOrderId) : html`<span class="muted">none</span>`}
      </dd>
      <dt>NetSuite customer</dt>
      <dd>
        ${entry.customerId ? (links.customer ? html`<a href="${links.customer}" rel="noreferrer" target="_blank">${entry.customerId}</a>` : entry.customerId) : html`<span class="muted">none yet</span>`}
      </dd>
      <dt>BigCommerce</dt>
      <dd><a href="${links.bigcommerce}" rel="noreferrer" target="_blank">order ${orderId} in the control panel</a></dd>
      ${
        entry.lastErrorMessage
          ? html`<dt>Last error</dt>
              <dd class="error" id="last-error">
                ${explainError(entry)}${entry.lastErrorClass ? html` <span class="tag">${entry.lastErrorClass}</span>` : ''}
              </dd>`
          : ''
      }
      ${
        entry.missingSkus?.length
          ? html`<dt>Parked for</dt>
              <dd>${entry.missingSkus.join(', ')}</dd>`
          : ''
      }
      ${
        entry.state === 'skipped' && entry.skipReason
          ? html`<dt>Skipped</dt>
              <dd>${entry.skipReason}</dd>`
          : ''
      }
      ${
        entry.syncedAt
          ? html`<dt>Synced</dt>
              <dd>${entry.syncedAt}${entry.reconciledAt ? html`, reconciled ${entry.reconciledAt}` : ''}</dd>`
          : ''
      }
    </dl>
    ${
      entry.drift?.length
        ? html`<h2>Drift</h2>
            <table>
              <thead>
                <tr>
                  <th>Part</th>
                  <th>NetSuite</th>
                  <th>BigCommerce</th>
                  <th>Likely cause</th>
                </tr>
              </thead>
              <tbody>
                ${entry.drift.map(
                  (part) =>
                    html`<tr>
                      <td>${part.component}</td>
                      <td>${part.netsuite}</td>
                      <td>${part.bigcommerce}</td>
                      <td>${part.cause}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
        : ''
    }
    ${retryable ? html`<p><a class="button" href="/confirm${query({ action: 'retry', order: orderId })}">Retry this order…</a></p>` : ''}
    <h2>History</h2>
    ${
      entry.historySummary
        ? html`<p class="muted">
            ${entry.historySummary.dropped} older event(s) from ${entry.historySummary.from} to ${entry.historySummary.to}:
            ${Object.entries(entry.historySummary.byEvent)
              .map(([kind, count]) => `${count} ${kind}`)
              .join(', ')}.
          </p>`
        : ''
    }
    <table class="history">
      <thead>
        <tr>
          <th>Time</th>
          <th>Source</th>
          <th>Event</th>
          <th>Detail</th>
          <th>Ids</th>
        </tr>
      </thead>
      <tbody>
        ${(entry.history ?? []).map(
          (event) =>
            html`<tr data-event="${event.event}">
              <td>${event.at}</td>
              <td>${event.source}</td>
              <td>${EVENT_LABELS[event.event] ?? event.event}</td>
              <td>${event.detail ?? ''}</td>
              <td>${Object.entries(event.ids ?? {}).map(([name, value]) => html`<code>${name}=${value}</code> `)}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
}

export function deadLettersPage(summary: DeadLetterSummary, now: number): SafeHtml {
  const age = summary.oldestAt ? formatAge(now - Date.parse(summary.oldestAt)) : undefined;
  return html`<p id="dlq-count">
      <strong>${summary.messages}</strong> message(s) in the dead-letter
      queue${summary.orders.length > 0 ? html`, for <strong>${summary.orders.length}</strong> order(s)` : ''}${age ? html`; the oldest dead-lettered ${age} ago` : ''}.
    </p>
    ${summary.messages > 0 ? html`<p>Fix the cause first (a permanent failure comes straight back), then <a class="button" href="/confirm${query({ action: 'redrive' })}">Redrive the dead-letter queue…</a></p>` : ''}
    <h2>Reasons</h2>
    ${
      summary.reasons.length === 0
        ? html`<p class="muted">None recorded.</p>`
        : html`<table>
            <thead>
              <tr>
                <th>Orders</th>
                <th>Reason</th>
              </tr>
            </thead>
            <tbody>
              ${summary.reasons.map(
                (reason) =>
                  html`<tr>
                    <td>${reason.orders}</td>
                    <td>${reason.reason}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
    <h2>Orders</h2>
    ${orderTable(summary.orders)}`;
}

export function parkedPage(parked: Array<{ orderId: number; skus: string[] }>): SafeHtml {
  return html`<p>Orders wait here for SKUs NetSuite had no item for. The nightly SKU refresh re-enqueues each once all its SKUs exist.</p>
    <p><a class="button" href="/confirm${query({ action: 'sku-refresh' })}">Run the SKU refresh now…</a></p>
    ${
      parked.length === 0
        ? html`<p class="muted">No parked orders.</p>`
        : html`<table>
            <thead>
              <tr>
                <th>Order</th>
                <th>Missing SKUs</th>
              </tr>
            </thead>
            <tbody>
              ${parked.map(
                (order) =>
                  html`<tr>
                    <td><a href="/orders/${order.orderId}">${order.orderId}</a></td>
                    <td>${order.skus.join(', ')}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }`;
}

export function reportPage(rows: ReconcileReportRow[], since: string, until: string): SafeHtml {
  const drifted = rows.filter((row) => row.state === 'drift').length;
  return html`<form method="get" action="/report" class="inline">
      <label>From <input type="date" name="since" value="${since}" /></label> <label>to <input type="date" name="until" value="${until}" /></label>
      <button type="submit">Show</button>
    </form>
    <p>
      ${rows.length} order(s) synced in the window, ${drifted} with drift. <a id="csv" href="/report.csv${query({ since, until })}" download>Export CSV</a> (the
      figures the reconciler recorded; <code>npm run reconcile</code> reads NetSuite afresh).
    </p>
    <table>
      <thead>
        <tr>
          <th>Date</th>
          <th>Order</th>
          <th>Sales order</th>
          <th>State</th>
          <th>Currency</th>
          <th>BigCommerce</th>
          <th>NetSuite</th>
          <th>Difference</th>
          <th>Why</th>
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (row) =>
            html`<tr>
              <td>${row.date}</td>
              <td><a href="/orders/${row.orderId}">${row.orderId}</a></td>
              <td>${row.salesOrderId}</td>
              <td>${row.state}</td>
              <td>${row.currency}</td>
              <td>${row.bigcommerceTotal}</td>
              <td>${row.netsuiteTotal}</td>
              <td>${row.difference}</td>
              <td>${row.components}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
}

export function confirmPage(question: string, action: string, fields: Record<string, string>, csrf: string, back: string): SafeHtml {
  return html`<form method="post" action="/actions/${action}" class="confirm">
    <p>${question}</p>
    <input
      type="hidden"
      name="csrf"
      value="${csrf}"
    />${Object.entries(fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`)}
    <button type="submit" id="confirm">Yes, do it</button> <a href="${back}">Cancel</a>
  </form>`;
}

export function messagePage(text: string): SafeHtml {
  return html`<p>${text}</p>
    <p><a href="/">Back to the overview</a></p>`;
}

function formatAge(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} days`;
}

export const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:0;color:#222;background:#f6f7f9}
header{background:#1f2d3d;color:#fff;padding:8px 16px;display:flex;flex-wrap:wrap;gap:12px;align-items:center}
header a{color:#dfe8f2;text-decoration:none}header .brand{font-weight:600;color:#fff}.target{color:#9fb3c8;font-size:12px}
nav a{margin-right:10px}.count{background:#3b5166;border-radius:8px;padding:0 6px;font-size:12px}
.search{margin-left:auto}.search input{width:220px}
main{padding:12px 20px;max-width:1200px}h1{font-size:20px}h2{font-size:16px;margin-top:24px}
table{border-collapse:collapse;background:#fff;width:100%}th,td{border-bottom:1px solid #e3e6ea;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#eef1f4;font-weight:600}.reason{max-width:520px}
.state{padding:1px 6px;border-radius:4px;background:#e3e6ea}.state-failed{background:#f8d7d4;color:#8a1c12}.state-synced_with_drift{background:#fdebc8;color:#7a4d00}
.state-reconciled,.state-synced{background:#d7f0dc;color:#1d5e2a}.state-in_progress{background:#dbe8f7}.state-skipped{background:#eee}
.tag{font-size:11px;background:#eee;border-radius:3px;padding:0 4px;color:#555}
.cards{display:flex;flex-wrap:wrap;gap:10px}.card{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:10px 14px;min-width:110px;text-decoration:none;color:#222}
.card .number{display:block;font-size:22px;font-weight:600}.card.alarm{border-color:#c0392b;color:#8a1c12}
.charts{display:flex;flex-wrap:wrap;gap:16px}.chart{background:#fff;border:1px solid #dde1e6;border-radius:6px;margin:12px 0;padding:8px}figcaption{font-weight:600;margin-bottom:4px}
.muted{color:#6b7785}.flash{background:#e6f4ea;border:1px solid #9fd3ab;padding:8px 12px;border-radius:4px}
.error{color:#8a1c12}.facts dt{float:left;clear:left;width:170px;color:#555}.facts dd{margin-left:180px;margin-bottom:4px}
.button,button{display:inline-block;background:#2f6fb3;color:#fff;border:0;border-radius:4px;padding:6px 12px;text-decoration:none;cursor:pointer;font:inherit}
.confirm{background:#fff;border:1px solid #dde1e6;padding:12px 16px;border-radius:6px;max-width:640px}
code{font-size:12px;background:#f0f2f4;padding:0 3px}
`;
