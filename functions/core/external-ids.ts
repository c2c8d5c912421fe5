/**
 * Deterministic NetSuite externalIds. NetSuite refuses a second record with the same externalId, which makes
 * these ids the final guard of exactly-once: any number of workers, retries or redrives converge on one
 * record. NetSuite allows only letters, digits, '_' and '-' in them, hence the hash for e-mail addresses.
 */
import { createHash } from 'node:crypto';

export function salesOrderExternalId(storeHash: string, orderId: number): string {
  return `BC-${storeHash}-${orderId}`;
}

/** With a subsidiary (OneWorld), the customer of that subsidiary: a shopper known elsewhere gets one of ours. */
export function customerExternalId(storeHash: string, normalizedEmail: string, subsidiaryId?: string): string {
  const digest = createHash('sha256').update(normalizedEmail).digest('hex').slice(0, 32);
  return subsidiaryId ? `BC-${storeHash}-C-${digest}-S${subsidiaryId}` : `BC-${storeHash}-C-${digest}`;
}

export const ORDER_KEY_PREFIX = 'order#';

/** Ledger key of one storefront order. */
export function orderKey(storeHash: string, orderId: number): string {
  return `${ORDER_KEY_PREFIX}${storeHash}#${orderId}`;
}

/**
 * E-mail as we compare it: Unicode NFC (one spelling of "é"), trimmed and lower-cased (NetSuite matching is
 * case-sensitive, shoppers are not). The SuiteQL match and the deterministic externalId both use this form.
 */
export function normalizeEmail(email: string): string {
  return email.normalize('NFC').trim().toLowerCase();
}

/** Label of a ship-to address we add to a customer's address book: the same address always gets the same label. */
export function shipToAddressKey(storeHash: string, address: object): string {
  const digest = createHash('sha256').update(JSON.stringify(address)).digest('hex').slice(0, 16);
  return `BC-${storeHash}-A-${digest}`;
}

/** The credit document (cash refund or credit memo) or deposit refund made for one BigCommerce refund. */
export function refundExternalId(storeHash: string, orderId: number, refundId: number): string {
  return `${salesOrderExternalId(storeHash, orderId)}-RF${refundId}`;
}

/** The customer refund paying out a credit memo made for one BigCommerce refund. */
export function customerRefundExternalId(storeHash: string, orderId: number, refundId: number): string {
  return `${refundExternalId(storeHash, orderId, refundId)}-CR`;
}

/** The customer deposit made for one BigCommerce payment transaction. */
export function depositExternalId(storeHash: string, orderId: number, transactionId: number): string {
  return `${depositExternalIdPrefix(storeHash, orderId)}${transactionId}`;
}

export function depositExternalIdPrefix(storeHash: string, orderId: number): string {
  return `${salesOrderExternalId(storeHash, orderId)}-TX`;
}
