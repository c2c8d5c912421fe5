/**
 * Deterministic NetSuite externalIds. NetSuite refuses a second record with the same externalId, which makes
 * these ids the final guard of exactly-once: any number of workers, retries or redrives converge on one
 * record. NetSuite allows only letters, digits, '_' and '-' in them, hence the hash for e-mail addresses.
 */
import { createHash } from 'node:crypto';

export function salesOrderExternalId(storeHash: string, orderId: number): string {
  return `BC-${storeHash}-${orderId}`;
}

export function customerExternalId(storeHash: string, normalizedEmail: string): string {
  const digest = createHash('sha256').update(normalizedEmail).digest('hex').slice(0, 32);
  return `BC-${storeHash}-C-${digest}`;
}

export const ORDER_KEY_PREFIX = 'order#';

/** Ledger key of one storefront order. */
export function orderKey(storeHash: string, orderId: number): string {
  return `${ORDER_KEY_PREFIX}${storeHash}#${orderId}`;
}

/** E-mail as we compare it: trimmed and lower-cased (NetSuite matching is case-sensitive, shoppers are not). */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Label of a ship-to address we add to a customer's address book: the same address always gets the same label. */
export function shipToAddressKey(storeHash: string, address: object): string {
  const digest = createHash('sha256').update(JSON.stringify(address)).digest('hex').slice(0, 16);
  return `BC-${storeHash}-A-${digest}`;
}
