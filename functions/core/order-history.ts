/**
 * An order's audit trail: the events the ledger keeps per order, bounded. Every step of the worker's attempt is
 * collected in memory and written with the ledger update the attempt makes anyway (claim, markSynced, markFailed,
 * markSkipped, markWriteBackDone), so the history costs no extra DynamoDB round trip on the hot path.
 */
import { createHash } from 'node:crypto';
import { normalizeEmail } from './external-ids.ts';
import type { HistoryEvent, HistoryEventType, HistorySource, HistorySummary } from './ports.ts';

/** Events kept per order; older ones are folded into a summary (counts by kind, first and last time). */
export const HISTORY_LIMIT = 100;
/** A history may grow this far past the limit before it is trimmed, so trimming is one write per this many events. */
export const HISTORY_TRIM_SLACK = 20;
const DETAIL_MAX = 300;

export function historyEvent(
  source: HistorySource,
  event: HistoryEventType,
  detail?: string,
  ids?: Record<string, string | undefined>,
  at: Date = new Date(),
): HistoryEvent {
  const definedIds = ids ? Object.fromEntries(Object.entries(ids).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')) : {};
  return {
    at: at.toISOString(),
    source,
    event,
    ...(detail ? { detail: detail.length > DETAIL_MAX ? `${detail.slice(0, DETAIL_MAX - 1)}…` : detail } : {}),
    ...(Object.keys(definedIds).length > 0 ? { ids: definedIds } : {}),
  };
}

/** The e-mail's search key: SHA-256 of the normalised address, so the ledger can be searched without holding addresses. */
export function emailHash(email: string): string {
  return createHash('sha256').update(normalizeEmail(email)).digest('hex');
}

/** Splits a too-long history into what is kept (the newest HISTORY_LIMIT) and the summary of everything older. */
export function trimHistory(history: HistoryEvent[], summary: HistorySummary | undefined): { kept: HistoryEvent[]; summary: HistorySummary } | undefined {
  if (history.length <= HISTORY_LIMIT + HISTORY_TRIM_SLACK) return undefined;
  const dropped = history.slice(0, history.length - HISTORY_LIMIT);
  const byEvent: Partial<Record<HistoryEventType, number>> = { ...(summary?.byEvent ?? {}) };
  for (const event of dropped) byEvent[event.event] = (byEvent[event.event] ?? 0) + 1;
  return {
    kept: history.slice(-HISTORY_LIMIT),
    summary: { dropped: (summary?.dropped ?? 0) + dropped.length, from: summary?.from ?? dropped[0]!.at, to: dropped.at(-1)!.at, byEvent },
  };
}

/** One line per event, for `npm run status` and logs. */
export function describeEvent(event: HistoryEvent): string {
  const ids = event.ids
    ? Object.entries(event.ids)
        .map(([name, value]) => `${name}=${value}`)
        .join(' ')
    : '';
  return `${EVENT_LABELS[event.event]}${event.detail ? `: ${event.detail}` : ''}${ids ? ` (${ids})` : ''}`;
}

export const EVENT_LABELS: Record<HistoryEventType, string> = {
  received: 'received',
  claimed: 'claimed',
  skipped: 'skipped',
  customer_matched: 'customer matched',
  customer_created: 'customer created',
  items_resolved: 'items resolved',
  sales_order_created: 'sales order created',
  sales_order_found: 'sales order found existing',
  synced: 'synced',
  written_back: 'written back',
  failed: 'failed',
  parked: 'parked',
  unparked: 'unparked',
  redriven: 'redriven from the dead-letter queue',
  dead_lettered: 'dead-lettered',
  alerted: 'alerted',
  retry_requested: 'retry requested',
  redrive_requested: 'redrive requested',
  sku_refresh_requested: 'SKU refresh requested',
  reconciled: 'reconciled',
  drift: 'drift',
  edited: 'edit applied in NetSuite',
  cancelled: 'cancellation applied in NetSuite',
  change_refused: 'change refused',
  refunded: 'refund recorded in NetSuite',
  deposit_recorded: 'payment recorded as a customer deposit',
};
