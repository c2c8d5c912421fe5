/** How the operator's tools put an order into words and links: states, errors, NetSuite and BigCommerce links. */
import { controlPanelOrderUrl } from '../../functions/adapters/slack/slack-alerter.ts';
import type { LedgerEntry, LedgerState } from '../../functions/core/ports.ts';
import type { OperatorTarget } from './target.ts';

export const STATE_LABELS: Record<LedgerState, string> = {
  in_progress: 'in progress',
  synced: 'synced',
  reconciled: 'reconciled',
  synced_with_drift: 'drift',
  failed: 'failed',
  skipped: 'skipped',
};

export function stateLabel(state: LedgerState): string {
  return STATE_LABELS[state] ?? state;
}

/** The last error with what its class means for the operator. */
export function explainError(entry: Pick<LedgerEntry, 'lastErrorClass' | 'lastErrorMessage' | 'missingSkus' | 'state'>): string {
  if (!entry.lastErrorMessage) return 'no error recorded';
  const what =
    entry.missingSkus && entry.missingSkus.length > 0
      ? 'Create the item in NetSuite (or correct the SKU in BigCommerce); the SKU refresh then re-enqueues the order, or retry it.'
      : entry.lastErrorClass === 'permanent'
        ? 'Retrying fails again until the cause is fixed.'
        : 'A temporary failure: the queue retries it by itself for about an hour.';
  return `${entry.lastErrorMessage}. ${entry.state === 'failed' ? what : '(an earlier attempt; the order got past it)'}`;
}

/** NetSuite's UI host for an account id: 1234567_SB1 → 1234567-sb1.app.netsuite.com. */
export function netsuiteAppUrl(accountId: string): string {
  return `https://${accountId.toLowerCase().replaceAll('_', '-')}.app.netsuite.com`;
}

export function orderLinks(
  target: Pick<OperatorTarget, 'storeHash' | 'netsuiteAccountId'>,
  orderId: number,
  entry: Pick<LedgerEntry, 'salesOrderId' | 'customerId'>,
) {
  const netsuite = target.netsuiteAccountId ? netsuiteAppUrl(target.netsuiteAccountId) : undefined;
  return {
    bigcommerce: controlPanelOrderUrl(target.storeHash, orderId),
    salesOrder: netsuite && entry.salesOrderId ? `${netsuite}/app/accounting/transactions/salesord.nl?id=${encodeURIComponent(entry.salesOrderId)}` : undefined,
    customer: netsuite && entry.customerId ? `${netsuite}/app/common/entity/custjob.nl?id=${encodeURIComponent(entry.customerId)}` : undefined,
  };
}
