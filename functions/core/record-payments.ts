/**
 * BigCommerce payments → NetSuite customer deposits (SYNC_PAYMENTS=deposit; off by default), lifecycle.md §6.4:
 * each transaction with event `purchase` or `capture` and status `ok` (test-gateway ones only when configured)
 * becomes one customer deposit linked to the sales order, which NetSuite applies when the order is invoiced.
 * Exactly once per transaction id: externalId `BC-<hash>-<order>-TX<transaction>`, a lookup before creating, and
 * the ledger row (`AppliedChanges.deposits`). Authorizations are not money received, so they get no deposit.
 */
import type { StepResult } from './apply-order-changes.ts';
import { addRefusal, createOnce, refused } from './apply-refunds.ts';
import { PermanentError } from './errors.ts';
import { depositExternalId } from './external-ids.ts';
import type { StoreOrder } from './model.ts';
import { formatMoney, moneyToNumber } from './money.ts';
import { historyEvent } from './order-history.ts';
import type { StoreTransaction } from './payment-model.ts';
import type { AppliedRecord, LedgerEntry } from './ports.ts';
import type { SyncDeps } from './sync-order.ts';

export async function recordPayments(order: StoreOrder, entry: LedgerEntry, salesOrderId: string, deps: SyncDeps): Promise<StepResult> {
  const result: StepResult = { applied: {}, events: [], changes: [] };
  const settings = deps.settings;
  if (settings.payments !== 'deposit') return result;
  const known = entry.deposits ?? {};
  const transactions = (await deps.source.listTransactions(order.orderId)).filter((transaction) =>
    isMoneyReceived(transaction, settings.includeTestPayments ?? false),
  );
  const pending: StoreTransaction[] = [];
  for (const transaction of transactions) {
    const done = known[String(transaction.id)];
    if (!done) pending.push(transaction);
    else if (done.refused) {
      if (deps.trigger?.source === 'console') pending.push(transaction);
      else if (done.refused.messageId !== undefined && done.refused.messageId === deps.trigger?.messageId) addRefusal(result, done.refused.reason);
    }
  }
  if (pending.length === 0) return result;
  const recorded: Record<string, AppliedRecord> = { ...known };
  const salesOrder = await deps.erp.readSalesOrder(salesOrderId);
  if (!salesOrder) throw new PermanentError(`NetSuite sales order ${salesOrderId} no longer exists (deleted in NetSuite?)`, { source: 'netsuite' });
  const customerId = salesOrder.customerId ?? entry.customerId;
  for (const transaction of pending.sort((a, b) => a.id - b.id)) {
    const what = `BigCommerce payment ${transaction.id} (${transaction.event}, ${formatMoney(transaction.amount)} ${transaction.currency})`;
    try {
      if (transaction.currency !== order.currencyCode) {
        throw new PermanentError(`it is in ${transaction.currency}, the order in ${order.currencyCode}; a deposit must be in the sales order's currency`, {
          source: 'netsuite',
        });
      }
      if (!customerId) throw new PermanentError('the sales order names no customer', { source: 'netsuite' });
      const externalId = depositExternalId(settings.storeHash, order.orderId, transaction.id);
      const deposit = await createOnce(externalId, deps, () =>
        deps.erp.createCustomerDeposit({
          externalId,
          memo: `BigCommerce ${transaction.event} ${transaction.id} of order ${order.orderId} (${transaction.gateway || transaction.method}) [${externalId}]`,
          customerId,
          salesOrderId,
          ...(salesOrder.currencyId ? { currencyId: salesOrder.currencyId } : {}),
          payment: moneyToNumber(transaction.amount),
          tranDate: transaction.dateCreated.toISOString().slice(0, 10),
          ...(settings.depositAccountId ? { accountId: settings.depositAccountId } : {}),
        }),
      );
      recorded[String(transaction.id)] = {
        recordType: 'customerDeposit',
        recordId: deposit.id,
        at: new Date().toISOString(),
        amount: formatMoney(transaction.amount),
      };
      result.events.push(
        historyEvent(
          'lifecycle',
          'deposit_recorded',
          `${what}: customer deposit ${deposit.id}${deposit.created ? '' : ' (found, made by an earlier attempt)'}`,
          {
            salesOrderId,
            depositId: deposit.id,
          },
        ),
      );
      result.changes.push(`deposit ${deposit.id} for payment ${transaction.id}`);
    } catch (error) {
      if (!(error instanceof PermanentError && error.details.source === 'netsuite')) {
        result.failure = error;
        break;
      }
      const outcome = refused(`${what}: ${error.message}`, salesOrderId, deps);
      recorded[String(transaction.id)] = outcome.record;
      result.events.push(...outcome.events);
      addRefusal(result, outcome.refusal!);
    }
  }
  result.applied.deposits = recorded;
  return result;
}

/** Money the shopper paid (lifecycle.md §6.4): a sale or a capture that succeeded; never an authorization. */
function isMoneyReceived(transaction: StoreTransaction, includeTest: boolean): boolean {
  return (transaction.event === 'purchase' || transaction.event === 'capture') && transaction.status === 'ok' && (includeTest || !transaction.test);
}
